import Autograd
import Core
import Foundation
import LoRA
import Plot
import QLoRA
import SFT
import SupportDesk
import Transformer

/// `course run sft --lora`, `--qlora`, and `course run sft --base DIR`: supervised fine-tuning
/// of any GPT-2 model folder on the SupportDesk replies, by every weight, by LoRA, or by LoRA
/// on a 4-bit (NF4) copy of the base. Chapter 3's trainer does the work; this run adds the
/// adapters, prints the memory and time estimate first, and writes what the Hugging Face
/// libraries read: `model/` (adapters merged, a plain GPT-2 folder) and, for adapters,
/// `adapter/` (PEFT's files). Also config.json, estimate.json, metrics.csv, loss.png, samples.md.
public enum FineTuneRun {
    public enum Method: String, Codable, Sendable, CaseIterable { case full, lora, qlora }

    public struct Settings: Codable, Sendable {
        public var method: Method
        public var data: SizePreset
        public var train: SFTTrainer.Settings
        /// Adapters (nil for full fine-tuning).
        public var lora: LoRAConfig?
        public var heldOut: Int
        public var dataFile: String?
        /// The Hugging Face folder the base came from (PEFT's base_model_name_or_path).
        public var baseSource: String?
    }

    // MARK: book base-settings
    /// Settings sized for a downloaded GPT-2 (124M parameters and up) on a laptop: rows of 512
    /// tokens (a SupportDesk conversation is about 300 GPT-2 tokens), learning rates as
    /// commonly used with transformers and PEFT (5e-5 for every weight, 2e-4 for adapters),
    /// LoRA rank 16, alpha 32, on every linear layer, and the token table as a module to save:
    /// the rows of the chat tokens are new, and only training them teaches the model where a
    /// turn begins and ends.
    public static func settings(_ preset: Preset, seed: UInt64, method: Method, dataFile: String? = nil,
                                baseSource: String? = nil) -> Settings {
        let quick = preset == .quick
        var train = SFTTrainer.Settings(steps: quick ? 4 : 300, rowsPerBatch: quick ? 2 : 4,
                                        learningRate: method == .full ? 5e-5 : 2e-4, warmupSteps: quick ? 1 : 20,
                                        evalEvery: quick ? 4 : 100, gradedPrompts: quick ? 2 : 16, seed: seed)
        train.rowLength = 512
        let lora = method == .full ? nil : LoRAConfig(rank: 16, alpha: 32, targets: LoRAConfig.allLinear, modulesToSave: ["wte"])
        return Settings(method: method, data: quick ? .small : .default, train: train, lora: lora, heldOut: quick ? 8 : 32,
                        dataFile: dataFile, baseSource: baseSource)
    }
    // MARK: end

    /// Fine-tunes the model folder `base` (the kit's pretrained model, or a Hugging Face
    /// checkpoint prepared by `BaseCheckpoint.prepare`).
    public static func run(_ spec: RunSpec, settings s: Settings, base: URL) throws {
        let own = try s.dataFile.map { try SFTData.load(path: $0) }
        try writeJSON(s, to: spec.file("config.json"))
        let (model, template) = try SFTRun.loadModel(base)
        let data = spec.builtInData(s.data)
        let examples = own ?? data.sftConversations
        let heldOut = data.dev.prefix(s.heldOut).map { $0.prompt + $0.reference }

        // Adapters first: what is trained decides the memory and time of a step.
        var params: [Variable]? = nil
        var bits = 32.0
        if let c = s.lora {
            if s.method == .qlora {
                params = QLoRA.attach(to: model, config: c, doubleQuantization: true, seed: spec.seed)
                // QLoRA.attach freezes everything; the module to save (the token table) trains in full.
                for (name, p) in model.namedParameters where c.savesModule(name) { p.requiresGrad = true; params!.append(p) }
                let st = QLoRA.quantizedStorage(of: model)
                bits = Double(st.bits) / Double(st.parameters)
            } else {
                params = LoRA.attach(to: model, config: c, seed: spec.seed)
            }
        }
        let trainer = try SFTTrainer(model: model, template: template, examples: examples, heldOut: Array(heldOut),
                                     graded: data.dev, settings: s.train, parameters: params)
        let rowLength = min(model.config.contextLength, s.train.rowLength ?? .max)
        let trainable = (params ?? model.parameters).reduce(0) { $0 + $1.value.count }
        let estimate = TrainingEstimate(config: model.config, trainable: trainable, linearBits: bits,
                                        tokens: s.train.rowsPerBatch * rowLength, rowLength: rowLength, steps: s.train.steps,
                                        gflops: TrainingEstimate.measureGFLOPs(rows: s.train.rowsPerBatch * rowLength, width: model.config.embeddingSize))
        try writeJSON(estimate, to: spec.file("estimate.json"))
        print("\(s.method.rawValue) fine-tuning of \(base.path) on \(trainer.trainingExamples) examples "
              + "(\(trainer.droppedExamples) longer than \(rowLength) tokens dropped)")
        print(estimate.summary)

        let metrics = MetricsWriter(url: spec.file("metrics.csv"), columns: SFTTrainer.metricColumns)
        metrics.log(["step": 0, "eval_loss": trainer.evalLoss()])
        let (cpu0, start) = (ProcessCPU.seconds, Date())
        try trainer.run(metrics: metrics, label: "sft-\(s.method.rawValue)")
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "measured: %.2f s per step (evaluations included), %.1f CPU-seconds per step; estimated %.2f",
                     seconds / Double(s.train.steps), (ProcessCPU.seconds - cpu0) / Double(s.train.steps), estimate.secondsPerStep))

        let graded = Array(data.dev.prefix(s.train.gradedPrompts))
        let (scores, replies) = ReplyEvaluator(template: template).evaluate(model, items: graded)
        try writeSamples(graded, replies, to: spec.file("samples.md"))
        try writeLossChart(metrics, to: spec.file("loss.png"))

        // The adapters as PEFT saves them (on the original checkpoint's name), then merged: a
        // plain GPT-2 that every later stage and `course export` read.
        if let c = s.lora {
            try FolderSwap.write(spec.file("adapter")) { dir in
                try LoRA.save(model, config: c, to: dir, baseModel: s.baseSource ?? base.path)
                try template.tokenizer.save(directory: dir.path)
            }
            if s.method == .qlora { QLoRA.mergeAndDequantize(model) } else { LoRA.merge(model); LoRA.detach(model) }
        }
        try FolderSwap.write(spec.file("model")) { try SFTRun.saveModel(model, template, to: $0) }
        print(String(format: "after %@ fine-tuning: grader overall %.3f, structure %.0f%%, facts %.0f%% on %d held-out prompts",
                     s.method.rawValue, scores.overall, 100 * scores.structure, 100 * scores.facts, graded.count))
        print("wrote \(spec.dir.path)/ (model/\(s.lora == nil ? "" : ", adapter/ in PEFT's format"))")
    }

    static func writeLossChart(_ metrics: MetricsWriter, to url: URL) throws {
        var chart = LineChart(title: "SFT: loss on reply tokens", xLabel: "step", yLabel: "cross-entropy (nats/token)")
        for (name, column) in [("train loss", "loss"), ("held-out loss", "eval_loss")] {
            guard let k = metrics.columns.firstIndex(of: column) else { continue }
            let rows = metrics.rows.filter { !$0[k].isNaN }
            if !rows.isEmpty { chart.add(LineSeries(name: name, x: rows.map { $0[0] }, y: rows.map { $0[k] }, marker: .circle)) }
        }
        try chart.write(to: url.path)
    }

    static func writeSamples(_ items: [EvalItem], _ replies: [String], to url: URL) throws {
        var md = "# Replies to held-out prompts after fine-tuning\n\n"
        for (item, reply) in zip(items, replies) {
            md += "**customer:** \(item.prompt.last?.content ?? "")\n\n> " + reply.replacingOccurrences(of: "\n", with: "\n> ") + "\n\n"
        }
        try AtomicFile.write(md, to: url)
    }
}
