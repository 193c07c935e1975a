import ArgumentParser
import Core
import Evaluation
import Foundation
import SFT
import SupportDesk

/// `course eval --model DIR [--model DIR ...] [--policy-change SPEC | --data FILE]`: grade
/// finished model folders on held-out prompts without building anything. With a policy change,
/// each model answers the prompts the change touches twice, on the world it was trained on and
/// on the changed world, so the replies the change made wrong are counted.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Grade model folders on held-out prompts: the built-in test prompts, the world after a policy change, or an eval file.",
        discussion: """
            With --policy-change, only the test prompts whose reply must quote a changed policy value are used, \
            once as the model was trained (current policies) and once after the change; "quotes the old policy" \
            counts replies that still give the old value.
            """)

    @Option(name: .customLong("model"), help: "A model folder (config.json, model.safetensors, tokenizer files); repeat for several.")
    var models: [String] = []
    @Option(help: "Grade on the built-in world after this change, e.g. return-window=45 (keys: return-window, plus-extra, damage-report).")
    var policyChange: String?
    @Option(help: "Grade on the prompts of this JSONL file instead (rows with prompt and truth, as test.jsonl from course data generate).")
    var data: String?
    @Option(help: "Use at most this many prompts (0 = all).") var prompts = 0
    @Option(help: "The built-in world: its seed.") var seed: UInt64 = 1
    @Option(help: "The built-in world: its language, en or ja.") var lang: Language = .en
    @Option(help: "The built-in world: small or default (the size the runs train on with the default preset).") var size: SizePreset = .default
    @Option(help: "Also write the table to this Markdown file.") var out: String?
    @Flag(help: "Print the rows as JSON lines instead of a table.") var json = false

    func validate() throws {
        if models.isEmpty { throw ValidationError("give at least one --model DIR") }
        if policyChange != nil && data != nil { throw ValidationError("choose --policy-change or --data, not both") }
        if prompts < 0 { throw ValidationError("--prompts must be 0 (all) or more") }
    }

    /// "runs/dpo/sigmoid/model" -> "dpo/sigmoid"; any other folder keeps its last component.
    static func name(_ path: String) -> String {
        var parts = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        if parts.last == "model" { parts.removeLast() }
        if let i = parts.lastIndex(of: "runs"), i + 1 < parts.count { return parts[(i + 1)...].joined(separator: "/") }
        return parts.last ?? path
    }

    func run() throws {
        lineBufferedOutput()
        for m in models where !FileManager.default.fileExists(atPath: URL(fileURLWithPath: m).appendingPathComponent("model.safetensors").path) {
            throw CourseError(file: m, "no model.safetensors here (a model folder such as runs/sft/model)")
        }
        // The worlds to grade on: (label, prompts, the old policy values each reply must not quote).
        var worlds: [(label: String, items: [EvalItem], stale: [[String]])] = []
        var note: String
        func limit<T>(_ xs: [T]) -> [T] { prompts > 0 ? Array(xs.prefix(prompts)) : xs }
        if let data {
            let items = limit(try Dataset.loadEval(path: data))
            worlds = [(URL(fileURLWithPath: data).lastPathComponent, items, items.map { _ in [] })]
            note = "Prompts from \(data); greedy replies of up to \(ReplyEvaluator.replyTokenLimit) tokens."
        } else if let policyChange {
            let change = try PolicyChange.parse(policyChange)
            let before = World.generate(seed: seed, lang: lang, size: size)
            let after = World.generate(seed: seed, lang: lang, size: size, policyChange: change)
            // The change is applied before any order is drawn and every draw keeps its place, so
            // test prompt i is the same order in both worlds: only the policy values differ.
            let (old, new) = (Dataset.generate(world: before).test, Dataset.generate(world: after).test)
            let touched = limit(new.indices.filter { !after.changedPolicyFacts(new[$0], old: before.policies).isEmpty })
            if touched.isEmpty { throw CourseError("--policy-change \(change): no test prompt quotes a value this change touches (\(PolicyChange.summary(before: before.policies, after: after.policies, lang: lang)))") }
            worlds = [("current policies", touched.map { old[$0] }, touched.map { _ in [] }),
                      (change.description, touched.map { new[$0] },
                       touched.map { after.changedPolicyFacts(new[$0], old: before.policies).values.map(\.old) })]
            note = "Data world seed \(seed) (\(lang.rawValue), \(size.rawValue)): the \(touched.count) test prompts whose reply must quote a policy value "
                + "the change touches (\(PolicyChange.summary(before: before.policies, after: after.policies, lang: lang))), the same orders in both worlds; "
                + "greedy replies of up to \(ReplyEvaluator.replyTokenLimit) tokens, graded against each world's facts."
        } else {
            let items = limit(Dataset.generate(seed: seed, lang: lang, size: size).test)
            worlds = [("current policies", items, items.map { _ in [] })]
            note = "Data world seed \(seed) (\(lang.rawValue), \(size.rawValue)), \(items.count) test prompts; greedy replies of up to \(ReplyEvaluator.replyTokenLimit) tokens."
        }

        // Every (model, world) pair is independent: two at a time on two cores.
        let tasks = models.flatMap { m in worlds.indices.map { (m, $0) } }
        let done = TickingBar(ProgressBar("eval \(models.count) model(s) on \(worlds.map(\.items.count).reduce(0, +)) prompts", total: tasks.count))
        let rows = try Parallel.map(tasks.count) { i -> PolicyDrift.Row in
            let (path, w) = tasks[i]
            let (model, template) = try SFTRun.loadModel(URL(fileURLWithPath: path))
            let row = PolicyDrift.measure(ModelUnderTest(name: Self.name(path), model: model, template: template),
                                          items: worlds[w].items, stale: worlds[w].stale, world: worlds[w].label)
            done.tick()
            return row
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            for r in rows { print(String(decoding: try enc.encode(r), as: UTF8.self)) }
        } else {
            print(PolicyDrift.markdown(rows, change: policyChange ?? "", note: note), terminator: "")
        }
        if let out {
            try AtomicFile.write(PolicyDrift.markdown(rows, change: policyChange ?? "", note: note), to: URL(fileURLWithPath: out))
            if !json { print("wrote \(out)") }
        }
    }
}

/// A progress bar advanced from worker threads.
final class TickingBar: @unchecked Sendable {
    private let lock = NSLock()
    private let bar: ProgressBar
    private var n = 0
    init(_ bar: ProgressBar) { self.bar = bar }
    func tick() { lock.withLock { n += 1; bar.update(n) } }
}
