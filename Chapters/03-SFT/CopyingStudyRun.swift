import Core
import Foundation
import Plot
import SupportDesk
import Transformer

/// The copying study (`course run copying-study`): why the small model invents details, and
/// what each change buys. Each variant pretrains its own base model (chapter 2's run with one
/// setting changed), fine-tunes it with chapter 3's SFT run, then measures on held-out prompts:
/// the replies that state a detail not in the prompt, the facts score, and the slot diagnostic
/// per kind of fact. Writes runs/copying-study/: one folder per variant, results.json,
/// results.md and copying.png.
public enum CopyingStudyRun {
    public struct Variant: Codable, Sendable {
        public var name: String
        public var splitDigits: Bool
        public var pretrainingSteps: Int
    }

    public struct Settings: Codable, Sendable {
        public var variants: [Variant]
        public var gradedPrompts: Int
    }

    public static func settings(_ preset: Preset) -> Settings {
        // One change at a time: the tokenizer at a short budget, then the budget (the default
        // run's steps last). The quick preset scales the same ladder down to its own steps.
        let steps = PretrainingRun.settings(preset, seed: 1).train.steps
        let short = steps / 6, middle = steps / 3
        return Settings(variants: [
            Variant(name: "digits merged, \(short) steps", splitDigits: false, pretrainingSteps: short),
            Variant(name: "digits split, \(short) steps", splitDigits: true, pretrainingSteps: short),
            Variant(name: "digits split, \(middle) steps", splitDigits: true, pretrainingSteps: middle),
            Variant(name: "digits split, \(steps) steps (default)", splitDigits: true, pretrainingSteps: steps),
        ], gradedPrompts: preset == .quick ? 4 : 120)
    }

    public struct Result: Codable, Sendable {
        public var variant: Variant
        public var pretrainingEvalLoss: Double
        public var sftEvalLoss: Double
        /// Share of graded replies that state an order id, date, amount or duration not in the prompt.
        public var invented: Double
        public var facts: Double
        public var structure: Double
        public var slots: [SlotDiagnostic.Summary]
    }

    /// `reuse`: for a variant, finished pretraining and SFT run folders with its settings (the
    /// chain's own, for the default variant), or nil to train them here.
    public static func run(_ spec: RunSpec, settings s: Settings, reuse: (Variant) -> (pretraining: URL, sft: URL)? = { _ in nil }) throws {
        try writeJSON(s, to: spec.file("config.json"))
        var results: [Result] = []
        for (i, v) in s.variants.enumerated() {
            print("== variant \(i + 1)/\(s.variants.count): \(v.name) ==")
            if let (pretraining, sft) = reuse(v) {
                print("the chain's own transformer and sft runs have these settings: reused (\(pretraining.path), \(sft.path))")
                results.append(try measure(v, pretraining: pretraining, sft: sft, prompts: s.gradedPrompts,
                                           data: spec.builtInData(spec.quick ? .small : .default)))
                continue
            }
            let sub = try spec.sub("variant-\(i + 1)")
            var pre = PretrainingRun.settings(spec.preset, seed: spec.seed)
            pre.splitDigits = v.splitDigits
            pre.train.steps = v.pretrainingSteps
            let preSpec = try sub.sub("transformer")
            try PretrainingRun.run(preSpec, settings: pre)
            let sftSpec = try sub.sub("sft")
            try SFTRun.run(sftSpec, settings: SFTRun.settings(spec.preset, seed: spec.seed), base: PretrainingRun.modelFolder(in: preSpec.dir))
            results.append(try measure(v, pretraining: preSpec.dir, sft: sftSpec.dir, prompts: s.gradedPrompts,
                                       data: spec.builtInData(spec.quick ? .small : .default)))
        }
        try writeJSON(results, to: spec.file("results.json"))
        try AtomicFile.write(table(results), to: spec.file("results.md"))
        try figure(results, to: spec.file("copying.png"))
        print(table(results))
    }

    /// Greedy replies to the first `prompts` dev prompts, graded, and the slot diagnostic.
    static func measure(_ v: Variant, pretraining: URL, sft: URL, prompts: Int, data: Dataset) throws -> Result {
        let (model, template) = try SFTRun.loadModel(sft.appendingPathComponent("model"))
        let items = Array(data.dev.prefix(prompts))
        let ev = ReplyEvaluator(template: template)
        var rng = SeededRandom(seed: 0)
        let grades = items.map { ev.grader.grade(reply: ev.reply(model, prompt: $0.prompt, rng: &rng).text, truth: $0.truth) }
        let mean = { (f: (Grade) -> Double) in grades.map(f).reduce(0, +) / Double(max(grades.count, 1)) }
        return Result(variant: v, pretrainingEvalLoss: lastValue(pretraining.appendingPathComponent("metrics.csv"), "eval_loss"),
                      sftEvalLoss: lastValue(sft.appendingPathComponent("metrics.csv"), "eval_loss"),
                      invented: mean { $0.grounded < 1 ? 1 : 0 }, facts: mean(\.facts), structure: mean(\.structure),
                      slots: SlotDiagnostic.summarise(SlotDiagnostic.measure(model, template, items: data.dev)))
    }

    /// The last logged value of a metrics.csv column.
    static func lastValue(_ url: URL, _ column: String) -> Double {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return .nan }
        let lines = text.split(separator: "\n")
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false),
              let c = header.firstIndex(where: { $0 == column }) else { return .nan }
        for line in lines.dropFirst().reversed() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            if c < cells.count, let v = Double(cells[c]) { return v }
        }
        return .nan
    }

    static func table(_ results: [Result]) -> String {
        let kinds = SlotDiagnostic.FactKind.allCases
        var md = "| variant | pretraining eval loss | SFT eval loss | replies inventing a detail | facts | structure | "
            + kinds.map { "\($0.rawValue) copied" }.joined(separator: " | ") + " |\n"
        md += "|---|---|---|---|---|---|" + kinds.map { _ in "---|" }.joined() + "\n"
        for r in results {
            let slots = kinds.map { k in r.slots.first { $0.kind == k }.map { String(format: "%.0f%%", 100 * $0.copied) } ?? "–" }
            md += "| \(r.variant.name) | " + String(format: "%.3f | %.3f | %.0f%% | %.0f%% | %.0f%% | ", r.pretrainingEvalLoss,
                                                   r.sftEvalLoss, 100 * r.invented, 100 * r.facts, 100 * r.structure)
                + slots.joined(separator: " | ") + " |\n"
        }
        return md
    }

    static func figure(_ results: [Result], to url: URL) throws {
        try SlotFigures.copyRates(results.map { ($0.variant.name, $0.slots) }, to: url)
    }
}
