import Autograd
import Core
import Foundation
import Plot
import SupportDesk
import Transformer

/// Chapter 3's run (`course run sft`): supervised fine-tuning of the pretrained model on
/// SupportDesk replies. Writes config.json, leakage.json, metrics.csv, results.md, loss.png, grader.png,
/// baseline.json, samples.md, slots.json, slots.png, slot-attention.png, model/.
public enum SFTRun {
    public struct Settings: Codable, Sendable {
        public var data: SizePreset
        public var train: SFTTrainer.Settings
        public var dataFile: String?
        /// Longest graded reply, in tokens: part of the fingerprint, so a new limit re-grades.
        public var replyTokens = ReplyEvaluator.replyTokenLimit
    }

    /// `dataFile`: the learner's own training data (JSONL, TRL formats) instead of the built-in set.
    public static func settings(_ preset: Preset, seed: UInt64, dataFile: String? = nil) -> Settings {
        switch preset {
        case .quick:
            return Settings(data: .small, train: .init(steps: 20, rowsPerBatch: 4, learningRate: 1e-3, warmupSteps: 4,
                                                       evalEvery: 10, gradedPrompts: 4, seed: seed), dataFile: dataFile)
        case .default:
            return Settings(data: .default, train: .init(steps: 450, rowsPerBatch: 8, learningRate: 1e-3, warmupSteps: 20,
                                                         evalEvery: 75, gradedPrompts: 24, seed: seed), dataFile: dataFile)
        }
    }

    /// Loads a model folder: GPT weights and the tokenizer saved beside them.
    public static func loadModel(_ dir: URL) throws -> (GPT, ChatTemplate) {
        let model = try GPT.load(directory: dir)
        let template = try ChatTemplate(tokenizer: try BPETokenizer.load(directory: dir.path))
        return (model, template)
    }

    public static func saveModel(_ model: GPT, _ template: ChatTemplate, to dir: URL) throws {
        try model.save(directory: dir)
        try template.tokenizer.save(directory: dir.path)
    }

    /// Fine-tunes the pretrained model in `base` (a model folder).
    public static func run(_ spec: RunSpec, settings s: Settings, base baseDir: URL) throws {
        let dir = spec.dir
        let own = try s.dataFile.map { try SFTData.load(path: $0) }
        try writeJSON(s, to: spec.file("config.json"))
        let (model, template) = try loadModel(baseDir)
        let data = spec.builtInData(s.data)
        let examples = own ?? data.sftConversations   // the SFT replies, then the safety prompts with theirs
        let heldOut = data.dev.map { $0.prompt + $0.reference }
        try checkLeakage(train: examples, eval: data.dev + data.test, to: spec.file("leakage.json"))

        // Baselines before any fine-tuning: the base model as it is, and with a prompt that
        // shows it what a good reply looks like (the "try a prompt first" advice).
        let evaluator = ReplyEvaluator(template: template)
        let graded = Array(data.dev.prefix(spec.quick ? 4 : 40))
        print("grading the base model on \(graded.count) held-out prompts (zero-shot and with an example reply)...")
        let (zeroShot, zeroReplies) = evaluator.evaluate(model, items: graded)
        let shot = fewShotPrefix(data.sft[0])
        let (oneShot, oneReplies) = evaluator.evaluate(model, items: graded, prefix: shot)
        try writeJSON(["zero_shot": zeroShot, "one_shot_prompt": oneShot], to: spec.file("baseline.json"))
        let slotItems = Array(data.dev.prefix(spec.quick ? 8 : data.dev.count))
        let slotsBefore = SlotDiagnostic.summarise(SlotDiagnostic.measure(model, template, items: slotItems))

        let trainer = try SFTTrainer(model: model, template: template, examples: examples, heldOut: heldOut,
                                     graded: data.dev, settings: s.train)
        print("SFT on \(trainer.trainingExamples) examples (\(trainer.droppedExamples) longer than the context dropped)")
        let metrics = MetricsWriter(url: spec.file("metrics.csv"), columns: SFTTrainer.metricColumns)
        let checkpoints = spec.file("checkpoints")
        if spec.resume, try trainer.resume(from: checkpoints) {
            print("resumed from step \(trainer.trainer.step)")
            metrics.restore(upToStep: trainer.trainer.step)
        } else {
            try? FileManager.default.removeItem(at: checkpoints)
            metrics.log(["step": 0, "eval_loss": trainer.evalLoss(), "structure": zeroShot.structure, "facts": zeroShot.facts,
                         "tone": zeroShot.tone, "grounded": zeroShot.grounded, "overall": zeroShot.overall, "finished": zeroShot.finished])
        }
        try trainer.run(metrics: metrics, checkpoints: checkpoints)

        let (after, sftReplies) = evaluator.evaluate(model, items: graded)
        try saveModel(model, template, to: dir.appendingPathComponent("model"))
        try SampleReplies.write(title: "Replies to held-out prompts: before and after SFT", items: graded,
                                columns: [("Base model", zeroReplies), ("Base model with an example in the prompt", oneReplies),
                                          ("After SFT", sftReplies)], to: spec.file("samples.md"))
        try SFTFigures.write(dir: dir, metrics: metrics, zeroShot: zeroShot, oneShot: oneShot)
        // The grader's scores as a table the book includes.
        let row = { (name: String, x: ReplyEvaluator.Scores) in
            "| \(name) | " + [x.structure, x.facts, x.grounded].map { String(format: "%.0f%%", 100 * $0) }.joined(separator: " | ")
                + String(format: " | %.3f | %.0f%% |\n", x.overall, 100 * x.finished)
        }
        try AtomicFile.write("| model (\(graded.count) held-out prompts, seed \(spec.seed)) | structure | facts | grounded | overall | finished |\n"
            + "|---|---|---|---|---|---|\n" + row("base, zero-shot", zeroShot) + row("base, with an example reply in the prompt", oneShot)
            + row("after SFT (\(s.train.steps) steps, \(trainer.trainingExamples) examples)", after), to: spec.file("results.md"))
        // The copying diagnostic: per kind of fact, how often the value at its slot is copied right.
        let slotsAfter = SlotDiagnostic.summarise(SlotDiagnostic.measure(model, template, items: slotItems))
        try writeJSON(["base": slotsBefore, "sft": slotsAfter], to: spec.file("slots.json"))
        try SlotFigures.copyRates([("base model", slotsBefore), ("after SFT", slotsAfter)], to: spec.file("slots.png"))
        if let item = slotItems.first(where: { $0.scenario == .refundStatus }) ?? slotItems.first {
            try SlotFigures.dateAttention(model, template, item: item, to: spec.file("slot-attention.png"))
        }
        func line(_ name: String, _ x: ReplyEvaluator.Scores) -> String {
            String(format: "%@ structure %.0f%%  facts %.0f%%  tone %.0f%%  grounded %.0f%%  overall %.3f  finished %.0f%%",
                   name, 100 * x.structure, 100 * x.facts, 100 * x.tone, 100 * x.grounded, x.overall, 100 * x.finished)
        }
        print(line("base, zero-shot:     ", zeroShot))
        print(line("base, example prompt:", oneShot))
        print(line("after SFT:           ", after))
        print("copied at the slot: " + slotsAfter.map { String(format: "%@ %.0f%%", $0.kind.rawValue, 100 * $0.copied) }.joined(separator: ", "))
        print("wrote \(dir.path)/")
    }

    /// The leakage check's shingle length and threshold (the data checker's near-duplicate threshold).
    static let leakageShingle = 3, leakageThreshold = 0.9

    /// A prompt as the leakage check compares it: every message before the reply (the facts block
    /// and the customer's message), contents joined by newlines. That is what the model reads
    /// when it is evaluated; the customer's message alone is templated, so the same words recur
    /// in training with other facts, and answering them from the facts is the skill measured.
    static func promptText(_ messages: ArraySlice<Message>) -> String { messages.map(\.content).joined(separator: "\n") }

    /// Checks the dev and test prompts against the training prompts (exercise 3.5 under
    /// `--mine`), prints one line and every leak, and records the count in `url`. Reads nothing
    /// the training uses, so the run trains the same with or without it.
    static func checkLeakage(train: [[Message]], eval: [EvalItem], to url: URL) throws {
        let trainPrompts = train.map { c in promptText(c.prefix(c.lastIndex { $0.role == "assistant" } ?? c.count)) }
        let evalPrompts = eval.map { promptText($0.prompt[...]) }
        let leaks = Leakage.check(train: trainPrompts, eval: evalPrompts, n: leakageShingle, threshold: leakageThreshold)
        print("leakage check: \(leaks.count) of \(eval.count) evaluation prompts match a training prompt "
              + "(Jaccard ≥ \(leakageThreshold) on \(leakageShingle)-word shingles)")
        for l in leaks {
            print(String(format: "  %@ ~ training conversation %d (Jaccard %.3f)", eval[l.eval].id, l.train + 1, l.similarity))
        }
        struct Leak: Encodable { var eval: String, training_conversation: Int, similarity: Double }
        struct Record: Encodable {
            var shingle_words: Int, threshold: Double, training_prompts: Int, evaluation_prompts: Int, leaked: Int, leaks: [Leak]
        }
        try writeJSON(Record(shingle_words: leakageShingle, threshold: leakageThreshold, training_prompts: train.count,
                             evaluation_prompts: eval.count, leaked: leaks.count,
                             leaks: leaks.map { Leak(eval: eval[$0.eval].id, training_conversation: $0.train + 1, similarity: $0.similarity) }),
                      to: url)
    }

    /// A prompt that shows the base model one complete, good exchange before the real one.
    static func fewShotPrefix(_ e: ChatExample) -> [Message] {
        [Message(role: "system", content: "Reply like this support agent. Example reply:\n" + e.reply)]
    }
}

/// Chapter 3's figures: the loss on reply tokens, and the grader's scores as training goes.
enum SFTFigures {
    static func write(dir: URL, metrics: MetricsWriter, zeroShot: ReplyEvaluator.Scores, oneShot: ReplyEvaluator.Scores) throws {
        let rows = metrics.rows
        let col = { (n: String) in metrics.columns.firstIndex(of: n)! }
        func series(_ name: String, _ c: String, smoothing: Double? = nil) -> LineSeries {
            let r = rows.filter { !$0[col(c)].isNaN }
            return LineSeries(name: name, x: r.map { $0[0] }, y: r.map { $0[col(c)] }, smoothing: smoothing,
                              marker: smoothing == nil ? .circle : nil)
        }
        var loss = LineChart(title: "SFT: loss on reply tokens", xLabel: "step", yLabel: "cross-entropy (nats/token)")
        loss.add(series("train loss", "loss", smoothing: 0.8))
        loss.add(series("held-out loss", "eval_loss"))
        try loss.write(to: dir.appendingPathComponent("loss.png").path)

        var g = LineChart(title: "SFT: grader scores on held-out prompts", xLabel: "step", yLabel: "score", yRange: 0...1)
        g.add(series("structure (four moves)", "structure"))
        g.add(series("facts quoted correctly", "facts"))
        g.add(series("overall", "overall"))
        let last = rows.last?[0] ?? 1
        g.add(LineSeries(name: "base + example prompt (overall)", x: [0, last], y: [oneShot.overall, oneShot.overall]))
        try g.write(to: dir.appendingPathComponent("grader.png").path)
    }
}
