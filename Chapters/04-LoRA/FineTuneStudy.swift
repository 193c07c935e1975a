import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// The comparison of Chapters 4 and 5: the same SFT task, from the same pretrained model, by
/// full fine-tuning, LoRA at several ranks and QLoRA. Each configuration is trained and then
/// measured the same way: eval loss on held-out conversations, the grader on held-out prompts,
/// trainable parameters, peak resident memory of this process while training, time per step.
/// Chapter 5 adds QLoRA to the same table through `Adaptation`.
public enum FineTuneStudy {
    public struct Settings: Codable, Equatable, Sendable {
        public var data: SizePreset
        public var steps: Int
        public var rowsPerBatch: Int
        public var warmupSteps: Int
        public var fullLearningRate: Float
        public var adapterLearningRate: Float
        /// alpha = alphaPerRank · r, so the scaling s = alpha / r is the same at every rank.
        public var alphaPerRank: Float
        public var targets: [String]
        /// Train full fine-tuning as the yardstick (the study) or not (the chain, where the SFT
        /// stage is the full fine-tuning point).
        public var includeFull = true
        public var ranks: [Int]
        /// Ranks trained a second time with the token embeddings as a module to save (PEFT's
        /// modules_to_save = ["wte"]): the base never saw the chat template or a reply.
        public var embeddingRanks: [Int] = []
        public var qloraRank: Int
        public var gradedPrompts: Int
        public var maxNewTokens: Int
    }

    /// The whole study (`course run lora`), or the part `course run all` trains: the rank-16
    /// adapter its report compares (the SFT stage is the chain's full fine-tuning point).
    public enum Scope: Sendable { case study, chain }

    public static func settings(_ preset: Preset, scope: Scope) -> Settings {
        var s = studySettings(preset)
        if scope == .chain { (s.includeFull, s.ranks, s.embeddingRanks) = (false, [s.qloraRank], []) }
        return s
    }

    /// The settings a finished study folder (runs/lora, runs/qlora) may carry: the full study,
    /// or the chain's part. Either holds the rank-16 adapter later stages load.
    public static func accepted(_ preset: Preset) -> [Settings] {
        [settings(preset, scope: .study), settings(preset, scope: .chain)]
    }

    /// Every configuration: full fine-tuning and LoRA at ranks 1, 4, 16, 64 (`course run lora`).
    public static func studySettings(_ preset: Preset) -> Settings {
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

    /// How a configuration trains: every weight, or adapters on a Float32 or a 4-bit base.
    public enum Method: String, Codable, Sendable {
        case full = "full fine-tuning", lora = "LoRA", qlora = "QLoRA"
    }

    /// How a configuration turns the loaded model into a trainable one: `attach` adds adapters
    /// and returns their parameters and the base linear weights' storage in bits per parameter;
    /// `finish` writes what the method adds to the configuration's folder after training.
    public struct Adaptation {
        public var method: Method
        public var attach: (GPT, LoRAConfig, UInt64) -> (parameters: [Variable], bitsPerParameter: Double)
        public var finish: (GPT, URL) throws -> Void
        public init(method: Method, attach: @escaping (GPT, LoRAConfig, UInt64) -> ([Variable], Double),
                    finish: @escaping (GPT, URL) throws -> Void) {
            (self.method, self.attach, self.finish) = (method, { let r = attach($0, $1, $2); return (r.0, r.1) }, finish)
        }

        /// LoRA on the Float32 base; the adapter folder gets logits PEFT can be checked against.
        public static var lora: Adaptation {
            Adaptation(method: .lora, attach: { (LoRA.attach(to: $0, config: $1, seed: $2), 32) },
                       finish: { try writeLogitsCheck($0, to: $1.appendingPathComponent("adapter/logits_check.json")) })
        }
    }

    public struct Result: Codable, Sendable {
        public var name: String
        public var method: Method
        public var rank: Int?
        /// Base modules trained in full beside the adapters (PEFT's modules_to_save).
        public var modulesToSave: [String]? = nil
        public var trainable: Int
        public var total: Int
        public var evalLossBefore: Double
        public var evalLoss: Double
        public var grader: ReplyEvaluator.Scores
        /// Resident memory before the model was loaded, after preparing it, and the high-water
        /// mark during training (MB = 2^20 bytes).
        public var baseMB: Double
        public var startMB: Double
        public var peakMB: Double
        public var peakSource: String
        public var stepSeconds: Double
        /// CPU seconds (all threads) per step: less sensitive than wall time to other load.
        public var stepCPUSeconds: Double
        public var trainSeconds: Double
        /// Storage of the base linear weights, bits per parameter (32 for Float32).
        public var baseBitsPerParameter: Double

        public var peakAboveBaseMB: Double { peakMB - baseMB }
        public var trainablePercent: Double { 100 * Double(trainable) / Double(max(total, 1)) }
    }

    /// The data every configuration shares.
    public struct Task {
        public var examples: [[Message]]
        public var heldOut: [[Message]]
        public var graded: [EvalItem]
    }

    public static func task(_ s: Settings, spec: RunSpec) -> Task {
        let data = spec.builtInData(s.data)
        return Task(examples: data.sftConversations, heldOut: data.dev.map { $0.prompt + $0.reference },
                    graded: Array(data.dev.prefix(s.gradedPrompts)))
    }

    public static func mb(_ bytes: Int?) -> Double { Double(bytes ?? 0) / 1_048_576 }

    /// Loads the pretrained model from `modelDir`, prepares it (`adaptation` at `rank`, or
    /// every weight when nil), trains it on the SFT task and measures it. Writes
    /// `dir/<name>/metrics.csv`, `replies.md` and, for adapters, `adapter/` (PEFT files).
    public static func run(_ name: String, _ adaptation: Adaptation?, rank: Int?, modulesToSave: [String] = [], settings s: Settings,
                           task: Task, modelDir: URL, dir: URL, seed: UInt64) throws -> Result {
        let method = adaptation?.method ?? .full
        let out = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        ProcessMemory.trimHeap()
        let baseBytes = ProcessMemory.residentBytes
        let (model, template) = try SFTRun.loadModel(modelDir)
        let total = model.parameters.reduce(0) { $0 + $1.value.count }
        var params: [Variable]? = nil
        var config: LoRAConfig? = nil
        var bits = 32.0
        if let adaptation {
            let r = rank ?? 8
            let c = LoRAConfig(rank: r, alpha: s.alphaPerRank * Float(r), targets: s.targets, modulesToSave: modulesToSave)
            config = c
            (params, bits) = adaptation.attach(model, c, seed)
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
        try adaptation?.finish(model, out)
        return Result(name: name, method: method, rank: rank, modulesToSave: modulesToSave.isEmpty ? nil : modulesToSave, trainable: trainable, total: total,
                      evalLossBefore: before, evalLoss: after, grader: scores,
                      baseMB: mb(baseBytes), startMB: mb(startBytes), peakMB: mb(peak),
                      peakSource: canReset ? "VmHWM (reset per configuration)" : "getrusage ru_maxrss (process lifetime)",
                      stepSeconds: stepSeconds, stepCPUSeconds: max(trainCPU - evalCPU, 0) / Double(s.steps),
                      trainSeconds: trainTime, baseBitsPerParameter: bits)
    }

    /// Our logits for a few token ids, so `scripts/check_adapter_with_peft.py` can load the
    /// adapter into PEFT on the same base checkpoint and compare.
    public static func writeLogitsCheck(_ model: GPT, to url: URL) throws {
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
