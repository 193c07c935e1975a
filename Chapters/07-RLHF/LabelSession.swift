import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// One labelling session of `course label`: for each held-out prompt not yet labelled, sample
/// two replies from the model, show them, and append the learner's choice to a preference file
/// in TRL's format, `{"prompt": [...], "chosen": [...], "rejected": [...]}`, one fsynced line
/// per confirmed choice (so a session killed at any moment keeps every label it confirmed).
/// Ties go to a side file (`<name>.ties.jsonl`): they carry no preference but are not asked
/// again. Skipped prompts are asked again next session.
public struct LabelSession {
    let model: GPT
    let template: ChatTemplate
    let prompts: [EvalItem]
    let outPath: String
    var maxNewTokens = ReplyEvaluator.replyTokenLimit
    var temperature: Float = 1
    var seed: UInt64 = 1

    public init(model: GPT, template: ChatTemplate, prompts: [EvalItem], outPath: String,
                maxNewTokens: Int = ReplyEvaluator.replyTokenLimit, temperature: Float = 1, seed: UInt64 = 1) {
        (self.model, self.template, self.prompts, self.outPath) = (model, template, prompts, outPath)
        (self.maxNewTokens, self.temperature, self.seed) = (maxNewTokens, temperature, seed)
    }

    var tiesPath: String {
        let base = outPath.hasSuffix(".jsonl") ? String(outPath.dropLast(6)) : outPath
        return base + ".ties.jsonl"
    }

    /// A row of the preference file (TRL's conversational preference format, plus the id of the
    /// held-out prompt so the file can be traced back).
    struct Row: Codable {
        var id: String?
        var prompt: [Message]
        var chosen: [Message]
        var rejected: [Message]
    }
    struct Tie: Codable {
        var id: String?
        var prompt: [Message]
        var replies: [String]
    }

    /// Prompts already decided in earlier sessions (their messages), read from both files.
    /// Unreadable lines are reported and ignored, never fatal: the labels around them stand.
    static func decided(_ paths: [String], warn: (String) -> Void) -> Set<[Message]> {
        struct P: Codable { var prompt: [Message] }
        var seen = Set<[Message]>()
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                if let p = try? JSONDecoder().decode(P.self, from: Data(line.utf8)) { seen.insert(p.prompt) } else {
                    warn("\(path):\(i + 1): not a preference row; ignored")
                }
            }
        }
        return seen
    }

    /// Makes sure the file ends with a newline before appending (a line cut off by a crash
    /// outside this tool must not swallow the next label).
    static func terminateLastLine(_ path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { return }
        defer { try? h.close() }
        let size = try h.seekToEnd()
        guard size > 0 else { return }
        try h.seek(toOffset: size - 1)
        if h.readData(ofLength: 1) != Data([10]) { try LineAppender(path: path).append(line: "") }
    }

    enum Choice { case first, second, tie, skip, quit }

    static func parse(_ line: String) -> Choice? {
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1": .first
        case "2": .second
        case "t", "tie": .tie
        case "s", "skip": .skip
        case "q", "quit": .quit
        default: nil
        }
    }

    /// Runs until `pairs` prompts are decided (1, 2 or tie), the prompts run out, or the learner
    /// quits (q or end of input). Returns the number of labels appended this session.
    @discardableResult
    public func run(pairs: Int, input: LineReader, say: (String) -> Void) throws -> Int {
        let done = Self.decided([outPath, tiesPath], warn: say)
        let todo = prompts.filter { !done.contains($0.prompt) }
        say("\(done.count) prompts already labelled in \(outPath); \(todo.count) held-out prompts left.")
        if todo.isEmpty { return 0 }
        try Self.terminateLastLine(outPath)
        try Self.terminateLastLine(tiesPath)
        let labels = try LineAppender(path: outPath)
        var ties: LineAppender?
        let sampler = RolloutSampler(template: template, maxNewTokens: maxNewTokens, temperature: temperature)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var rng = SeededRandom(seed: seed)
        var decided = 0, saved = 0
        for item in todo where decided < pairs {
            // Two different, non-empty replies (a few tries; otherwise the prompt is skipped).
            var replies: [String] = []
            for _ in 0..<3 {
                let r = sampler.sample(model, prompt: RLPrompt(id: item.id, messages: item.prompt, truth: item.truth), count: 2, rng: &rng)
                    .map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
                if r[0] != r[1] && !r[0].isEmpty && !r[1].isEmpty { replies = r; break }
            }
            if replies.isEmpty { say("(the model wrote the same or an empty reply twice for \(item.id); skipped)"); continue }
            say("\n──── Pair \(decided + 1) of \(pairs) · prompt \(item.id) ────")
            for m in item.prompt { say("\(m.role == "system" ? "Facts" : "Customer"):\n  " + m.content.replacingOccurrences(of: "\n", with: "\n  ")) }
            for (i, r) in replies.enumerated() { say("\n[\(i + 1)] " + r.replacingOccurrences(of: "\n", with: "\n    ")) }
            var choice: Choice?
            while choice == nil {
                say("\nWhich reply is better? 1, 2, t (tie), s (skip), q (quit):")
                guard let line = input.readLine() else { choice = .quit; break }
                choice = Self.parse(line)
                if choice == nil { say("Please type 1, 2, t, s or q.") }
            }
            switch choice! {
            case .quit:
                say("Stopped. \(saved) labels saved this session in \(outPath).")
                return saved
            case .skip:
                say("Skipped.")
            case .tie:
                if ties == nil { ties = try LineAppender(path: tiesPath) }
                try ties!.append(line: String(decoding: try encoder.encode(Tie(id: item.id, prompt: item.prompt, replies: replies)), as: UTF8.self))
                decided += 1
                say("Tie noted (in \(tiesPath); not a preference).")
            case .first, .second:
                let (c, r) = choice! == .first ? (replies[0], replies[1]) : (replies[1], replies[0])
                let row = Row(id: item.id, prompt: item.prompt, chosen: [Message(role: "assistant", content: c)],
                              rejected: [Message(role: "assistant", content: r)])
                try labels.append(line: String(decoding: try encoder.encode(row), as: UTF8.self))
                decided += 1; saved += 1
                say("Saved (\(done.count + decided) labelled in \(outPath)).")
            }
        }
        say("\nDone: \(saved) labels saved this session in \(outPath).")
        return saved
    }
}
