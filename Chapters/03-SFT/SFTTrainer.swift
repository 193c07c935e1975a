import Autograd
import Core
import Foundation
import SupportDesk
import Transformer

/// Supervised fine-tuning: next-token loss on the replies only, packed batches, held-out loss
/// and grader scores logged as training goes. Chapters 4 and 5 reuse it with adapters (only
/// the adapter parameters are passed as `parameters`).
public final class SFTTrainer {
    public struct Settings: Codable, Sendable {
        public var steps: Int
        public var rowsPerBatch: Int
        public var learningRate: Float
        public var warmupSteps: Int
        public var evalEvery: Int
        public var gradedPrompts: Int
        public var packing = true
        public var seed: UInt64 = 1
        /// Tokens per row when shorter than the model's context (nil: the whole context). A
        /// downloaded GPT-2 has 1,024 positions; SupportDesk conversations need about 300.
        public var rowLength: Int? = nil
        public init(steps: Int, rowsPerBatch: Int, learningRate: Float, warmupSteps: Int, evalEvery: Int,
                    gradedPrompts: Int, seed: UInt64 = 1) {
            (self.steps, self.rowsPerBatch, self.learningRate, self.warmupSteps) = (steps, rowsPerBatch, learningRate, warmupSteps)
            (self.evalEvery, self.gradedPrompts, self.seed) = (evalEvery, gradedPrompts, seed)
        }
    }

    public let model: GPT
    public let template: ChatTemplate
    public let settings: Settings
    public let trainer: Trainer
    let train: [TokenizedExample]
    let evalBatches: [SFTBatch]
    let gradedItems: [EvalItem]
    let pad: Int

    /// `examples` are the training conversations; `heldOut` are conversations for the eval
    /// loss; `graded` are held-out prompts the grader scores during training.
    public init(model: GPT, template: ChatTemplate, examples: [[Message]], heldOut: [[Message]], graded: [EvalItem],
                settings: Settings, parameters: [Variable]? = nil) throws {
        self.model = model
        self.template = template
        self.settings = settings
        let context = min(model.config.contextLength, settings.rowLength ?? .max)
        let fits = { (e: TokenizedExample) in e.count <= context }
        let tokenized = examples.map { template.encode($0) }.map { TokenizedExample(ids: $0.ids, trainable: $0.trainable) }
        // Truncation rule: an example longer than the context is dropped, never cut, so no
        // reply is trained on without its ending.
        train = tokenized.filter(fits)
        droppedExamples = tokenized.count - train.count
        if train.isEmpty { throw CourseError("no training example fits the context of \(context) tokens") }
        pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
        let evalExamples = heldOut.map { template.encode($0) }.map { TokenizedExample(ids: $0.ids, trainable: $0.trainable) }.filter(fits)
        evalBatches = stride(from: 0, to: evalExamples.count, by: 8).map {
            SFTBatching.padded(Array(evalExamples[$0..<min($0 + 8, evalExamples.count)]), length: context, pad: template.end)
        }
        gradedItems = Array(graded.prefix(settings.gradedPrompts))
        var tc = TrainConfig(batchSize: settings.rowsPerBatch, contextLength: context, steps: settings.steps,
                             learningRate: settings.learningRate, warmupSteps: settings.warmupSteps,
                             evalEvery: settings.evalEvery, seed: settings.seed)
        tc.weightDecay = 0.0
        trainer = Trainer(model: model, config: tc, parameters: parameters)
        order = EpochOrder(count: train.count, seed: settings.seed)
    }

    /// Examples dropped because they do not fit the context.
    public let droppedExamples: Int
    public var trainingExamples: Int { train.count }

    /// The next batch: examples drawn in a shuffled order (see `EpochOrder`), packed.
    var order: EpochOrder
    func nextBatch() -> SFTBatch {
        let context = min(model.config.contextLength, settings.rowLength ?? .max)
        var picked: [TokenizedExample] = []
        var tokens = 0
        // Fill `rowsPerBatch` rows' worth of tokens.
        while tokens < settings.rowsPerBatch * context * 9 / 10 {
            let e = train[order.next()]
            picked.append(e)
            tokens += e.count
            if !settings.packing && picked.count == settings.rowsPerBatch { break }
        }
        return settings.packing ? SFTBatching.packed(picked, length: context, pad: pad)
                                : SFTBatching.padded(picked, length: context, pad: pad)
    }

    /// Continues from the latest checkpoint in `dir`, if any; returns whether it did.
    public func resume(from dir: URL) throws -> Bool {
        guard let extra = try trainer.resume(from: dir) else { return false }
        order.restore(extra)
        return true
    }

    public func evalLoss() -> Double {
        noGrad {
            var total = 0.0, tokens = 0
            for b in evalBatches {
                let n = b.lossTokens
                total += Double(model.loss(b).scalar) * Double(n)
                tokens += n
            }
            return total / Double(max(tokens, 1))
        }
    }

    public func grade(seed: UInt64 = 0) -> ReplyEvaluator.Scores {
        ReplyEvaluator(template: template).evaluate(model, items: gradedItems, seed: seed).0
    }

    /// Trains for `settings.steps`, logging to `metrics` (columns: step, loss, eval_loss,
    /// then the grader's structure, facts, tone, grounded, overall). With `checkpoints`, saves a
    /// resumable checkpoint at every evaluation.
    public func run(metrics: MetricsWriter, label: String = "sft", checkpoints: URL? = nil) throws {
        let loop = TrainingLoop(label: label, steps: settings.steps, evalEvery: settings.evalEvery)
        try loop.run(from: trainer.step, metrics: metrics, step: { _ in
            let batch = nextBatch()
            let stats = try trainer.step { model.loss(batch) }
            return .init(["step": Double(trainer.step), "loss": Double(stats.loss)], status: String(format: "loss %.3f", stats.loss))
        }, evaluate: { [self] _ in
            let el = evalLoss(), s = grade()
            var row = ["eval_loss": el]
            for (k, v) in s.asMetrics where metrics.columns.contains(k) { row[k] = v }
            return .init(row, status: String(format: "eval %.3f grader %.2f", el, s.overall))
        }, checkpoint: checkpoints.map { dir in { [self] _ in try trainer.saveCheckpoint(in: dir, extra: order.checkpointState) } })
    }

    public static let metricColumns = ["step", "loss", "eval_loss", "structure", "facts", "tone", "grounded", "overall", "finished"]
}
