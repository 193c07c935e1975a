import Autograd
import Core
import Foundation
import LoRA
import QLoRA
import SFT
import SupportDesk
import Transformer

/// The comparison of Chapters 4 and 5: the same SFT task, from the same pretrained model, by
/// full fine-tuning, LoRA at several ranks and QLoRA. Each configuration is trained and then
/// measured the same way: eval loss on held-out conversations, the grader on held-out prompts,
/// trainable parameters, peak resident memory of this process while training, time per step.
enum FineTuneStudy {
    struct Settings: Codable, Equatable {
        var data: SizePreset
        var steps: Int
        var rowsPerBatch: Int
        var warmupSteps: Int
        var fullLearningRate: Float
        var adapterLearningRate: Float
        /// alpha = alphaPerRank · r, so the scaling s = alpha / r is the same at every rank.
        var alphaPerRank: Float
        var targets: [String]
        /// Train full fine-tuning as the yardstick (the study) or not (the chain, where the SFT
        /// stage is the full fine-tuning point).
        var includeFull = true
        var ranks: [Int]
        /// Ranks trained a second time with the token embeddings as a module to save (PEFT's
        /// modules_to_save = ["wte"]): the base never saw the chat template or a reply.
        var embeddingRanks: [Int] = []
        var qloraRank: Int
        var gradedPrompts: Int
        var maxNewTokens: Int
    }

    static func settings(_ ctx: RunContext) -> Settings {
        var s = studySettings(ctx.preset)
        if ctx.inChain { (s.includeFull, s.ranks, s.embeddingRanks) = (false, [s.qloraRank], []) }
        return s
    }

    /// The settings a finished study folder (runs/lora, runs/qlora) may carry: the full study,
    /// or the part `course run all` trains. Either holds the rank-16 adapter later stages load.
    static func accepted(_ ctx: RunContext) -> [Settings] {
        var chain = ctx
        chain.inChain = true
        return [studySettings(ctx.preset), settings(chain)]
    }

    static func isDone(_ dir: URL, _ ctx: RunContext) -> Bool {
        accepted(ctx).contains { StageMarker.isDone(dir, ctx, settings: $0) }
    }

    /// `course run all` reuses a study folder done in full as well as one done as its part.
    static func skip(_ dir: URL, _ ctx: RunContext) -> Bool {
        StageMarker.skip(dir, ctx, anyOf: accepted(ctx))
    }

    /// Every configuration: full fine-tuning and LoRA at ranks 1, 4, 16, 64 (`course run lora`).
    static func studySettings(_ preset: Preset) -> Settings {
        switch preset {
        case .quick:
            return Settings(data: .small, steps: 6, rowsPerBatch: 2, warmupSteps: 2, fullLearningRate: 1e-3,
                            adapterLearningRate: 5e-3, alphaPerRank: 2, targets: LoRAConfig.allLinear,
                            ranks: [1, 4, 16, 64], embeddingRanks: [16], qloraRank: 16, gradedPrompts: 3, maxNewTokens: 24)
        case .default:
            return Settings(data: .default, steps: 300, rowsPerBatch: 8, warmupSteps: 20, fullLearningRate: 1e-3,
                            adapterLearningRate: 5e-3, alphaPerRank: 2, targets: LoRAConfig.allLinear,
                            ranks: [1, 4, 16, 64], embeddingRanks: [16], qloraRank: 16, gradedPrompts: 80,
                            maxNewTokens: ReplyEvaluator.replyTokenLimit)
        }
    }

    /// How a configuration turns the loaded model into a trainable one.
    enum Method: String, Codable {
        case full = "full fine-tuning", lora = "LoRA", qlora = "QLoRA"
    }

    struct Result: Codable {
        var name: String
        var method: Method
        var rank: Int?
        /// Base modules trained in full beside the adapters (PEFT's modules_to_save).
        var modulesToSave: [String]? = nil
        var trainable: Int
        var total: Int
        var evalLossBefore: Double
        var evalLoss: Double
        var grader: ReplyEvaluator.Scores
        /// Resident memory before the model was loaded, after preparing it, and the high-water
        /// mark during training (MB = 2^20 bytes).
        var baseMB: Double
        var startMB: Double
        var peakMB: Double
        var peakSource: String
        var stepSeconds: Double
        /// CPU seconds (all threads) per step: less sensitive than wall time to other load.
        var stepCPUSeconds: Double
        var trainSeconds: Double
        /// Storage of the base linear weights, bits per parameter (32 for Float32).
        var baseBitsPerParameter: Double

        var peakAboveBaseMB: Double { peakMB - baseMB }
        var trainablePercent: Double { 100 * Double(trainable) / Double(max(total, 1)) }
    }

    /// The data every configuration shares.
    struct Task {
        var examples: [[Message]]
        var heldOut: [[Message]]
        var graded: [EvalItem]
    }

    static func task(_ s: Settings, seed: UInt64) -> Task {
        let data = Dataset.generate(seed: seed, lang: .en, size: s.data)
        return Task(examples: data.sft.map(\.messages), heldOut: data.eval.map { $0.prompt + $0.reference },
                    graded: Array(data.eval.prefix(s.gradedPrompts)))
    }

    static func mb(_ bytes: Int?) -> Double { Double(bytes ?? 0) / 1_048_576 }

    // MARK: one configuration
    /// Loads the pretrained model from `modelDir`, prepares it (`method`, `rank`), trains it on
    /// the SFT task and measures it. Writes `dir/<name>/metrics.csv`, `replies.md` and, for
    /// adapters, `adapter/` (PEFT files).
    static func run(_ name: String, method: Method, rank: Int?, modulesToSave: [String] = [], settings s: Settings, task: Task,
                    modelDir: URL, dir: URL, seed: UInt64) throws -> Result {
        let out = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        ProcessMemory.trimHeap()
        let baseBytes = ProcessMemory.residentBytes
        let (model, template) = try SFTRun.loadModel(modelDir)
        let total = model.parameters.reduce(0) { $0 + $1.value.count }
        var params: [Variable]? = nil
        var config: LoRAConfig? = nil
        var bits = 32.0
        switch method {
        case .full: break
        case .lora, .qlora:
            let r = rank ?? 8
            let c = LoRAConfig(rank: r, alpha: s.alphaPerRank * Float(r), targets: s.targets, modulesToSave: modulesToSave)
            config = c
            if method == .lora {
                params = LoRA.attach(to: model, config: c, seed: seed)
            } else {
                params = QLoRA.attach(to: model, config: c, doubleQuantization: true, seed: seed)
                let st = QLoRA.quantizedStorage(of: model)
                bits = Double(st.bits) / Double(st.parameters)
            }
        }
        let trainable = params.map { $0.reduce(0) { $0 + $1.value.count } } ?? total
        let settings = SFTTrainer.Settings(steps: s.steps, rowsPerBatch: s.rowsPerBatch,
                                           learningRate: method == .full ? s.fullLearningRate : s.adapterLearningRate,
                                           warmupSteps: s.warmupSteps, evalEvery: s.steps, gradedPrompts: 0, seed: seed)
        let trainer = try SFTTrainer(model: model, template: template, examples: task.examples, heldOut: task.heldOut,
                                     graded: [], settings: settings, parameters: params)
        var before = 0.0
        let cpuEval0 = ProcessCPU.seconds
        let evalTimeBefore = measure { before = trainer.evalLoss() }
        let evalCPU = ProcessCPU.seconds - cpuEval0

        // Memory: free what earlier work left, start the high-water mark at the current size.
        ProcessMemory.trimHeap()
        let canReset = ProcessMemory.resetPeak()
        let startBytes = ProcessMemory.residentBytes
        let metrics = MetricsWriter(url: out.appendingPathComponent("metrics.csv"), columns: SFTTrainer.metricColumns)
        let cpu0 = ProcessCPU.seconds
        let trainTime = try measure { try trainer.run(metrics: metrics, label: name) }
        let trainCPU = ProcessCPU.seconds - cpu0
        let peak = ProcessMemory.peakBytes
        // run() evaluated the held-out loss once at its end: take out the mean time of one
        // evaluation (timed before training and again now).
        var after = 0.0
        let evalTime = (measure { after = trainer.evalLoss() } + evalTimeBefore) / 2
        let stepSeconds = max(trainTime - evalTime, 0) / Double(s.steps)

        let (scores, replies) = ReplyEvaluator(template: template, maxNewTokens: s.maxNewTokens).evaluate(model, items: task.graded)
        try writeReplies(task.graded, replies, to: out.appendingPathComponent("replies.md"), title: name)
        if let config { try LoRA.save(model, config: config, to: out.appendingPathComponent("adapter"), baseModel: modelDir.path) }
        if method == .lora { try writeLogitsCheck(model, to: out.appendingPathComponent("adapter/logits_check.json")) }
        if method == .qlora { try QLoRAReport.writeLayerStats(model, to: out) }
        return Result(name: name, method: method, rank: rank, modulesToSave: modulesToSave.isEmpty ? nil : modulesToSave, trainable: trainable, total: total,
                      evalLossBefore: before, evalLoss: after, grader: scores,
                      baseMB: mb(baseBytes), startMB: mb(startBytes), peakMB: mb(peak),
                      peakSource: canReset ? "VmHWM (reset per configuration)" : "getrusage ru_maxrss (process lifetime)",
                      stepSeconds: stepSeconds, stepCPUSeconds: max(trainCPU - evalCPU, 0) / Double(s.steps),
                      trainSeconds: trainTime, baseBitsPerParameter: bits)
    }
    // MARK: end

    /// Our logits for a few token ids, so `scripts/check_adapter_with_peft.py` can load the
    /// adapter into PEFT on the same base checkpoint and compare.
    static func writeLogitsCheck(_ model: GPT, to url: URL) throws {
        let ids = Array((0..<16).map { ($0 * 37 + 11) % model.config.vocabSize })
        let logits = noGrad { model.logits(ids, batch: 1).value }
        struct Check: Codable { var input_ids: [Int]; var logits: [[Float]] }
        let v = model.config.vocabSize
        try writeJSON(Check(input_ids: ids, logits: (0..<ids.count).map { Array(logits.array[($0 * v)..<(($0 + 1) * v)]) }), to: url)
    }

    static func writeReplies(_ items: [EvalItem], _ replies: [String], to url: URL, title: String) throws {
        let grader = Grader()
        var md = "# \(title): replies to held-out prompts\n\n"
        for (i, it) in items.prefix(4).enumerated() {
            let g = grader.grade(reply: replies[i], truth: it.truth)
            md += "## Prompt \(i + 1) (\(it.truth.scenario.rawValue)), grader \(String(format: "%.2f", g.overall))\n\n"
            for m in it.prompt { md += "**\(m.role):** \(m.content.replacingOccurrences(of: "\n", with: " · "))\n\n" }
            md += "> " + (replies[i].isEmpty ? "(empty)" : replies[i].replacingOccurrences(of: "\n", with: "\n> ")) + "\n\n"
        }
        try AtomicFile.write(md, to: url)
    }
}
