import Core
import Foundation
import SFT
import SupportDesk

/// A blind A/B evaluation by a person (`course label --ab A B`): for each held-out prompt, the
/// greedy replies of two models, shown as [1] and [2] with the sides decided by a seeded coin
/// per prompt, so the labeller cannot tell which model wrote which. Each verdict is appended at
/// once (one fsynced JSON line) with the replies, the sides and the grader's score of each
/// reply, so a later pass, or the grader, can be compared with it (`Agreement`).
public struct BlindComparison {
    public let a: ModelUnderTest
    public let b: ModelUnderTest
    /// Where the models came from (written into every row, so passes over other models are refused).
    public let modelA: String, modelB: String
    public let items: [EvalItem]
    public let outPath: String
    /// Decides the sides: another seed shows the same replies with other sides (a second pass).
    public var sidesSeed: UInt64 = 1
    public var maxNewTokens = ReplyEvaluator.replyTokenLimit

    public init(a: ModelUnderTest, b: ModelUnderTest, modelA: String, modelB: String, items: [EvalItem], outPath: String,
                sidesSeed: UInt64 = 1, maxNewTokens: Int = ReplyEvaluator.replyTokenLimit) {
        (self.a, self.b, self.modelA, self.modelB, self.items, self.outPath) = (a, b, modelA, modelB, items, outPath)
        (self.sidesSeed, self.maxNewTokens) = (sidesSeed, maxNewTokens)
    }

    /// One verdict.
    public struct Row: Codable, Sendable, Equatable {
        public var id: String
        public var modelA: String
        public var modelB: String
        public var prompt: [Message]
        public var replyA: String
        public var replyB: String
        /// Which model was shown as [1]: "a" or "b".
        public var shownFirst: String
        /// The labeller's verdict: "a", "b" or "tie" (identical replies are recorded as a tie
        /// without asking, and flagged).
        public var verdict: Agreement.Verdict
        public var identical: Bool
        /// The grader's overall score of each reply, for agreement with the grader.
        public var graderA: Double
        public var graderB: Double

        public init(id: String, modelA: String, modelB: String, prompt: [Message], replyA: String, replyB: String, shownFirst: String,
                    verdict: Agreement.Verdict, identical: Bool, graderA: Double, graderB: Double) {
            (self.id, self.modelA, self.modelB, self.prompt, self.replyA, self.replyB) = (id, modelA, modelB, prompt, replyA, replyB)
            (self.shownFirst, self.verdict, self.identical, self.graderA, self.graderB) = (shownFirst, verdict, identical, graderA, graderB)
        }

        enum CodingKeys: String, CodingKey {
            case id, prompt, verdict, identical
            case modelA = "model_a", modelB = "model_b", replyA = "reply_a", replyB = "reply_b"
            case shownFirst = "shown_first", graderA = "grader_a", graderB = "grader_b"
        }
    }

    /// Whether model A is shown first for this prompt: a coin from the sides seed and the
    /// prompt's id (FNV-1a), so a pass can stop and resume without the sides changing.
    public static func aFirst(id: String, seed: UInt64) -> Bool {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var rng = SeededRandom(seed: h ^ seed)
        return rng.int(2) == 0
    }

    /// Reads a file of rows; a line that is not a row stops with its file and line.
    public static func load(_ path: String) throws -> [Row] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CourseError(file: path, "cannot read file") }
        var rows: [Row] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do { rows.append(try JSONDecoder().decode(Row.self, from: Data(line.utf8))) } catch let e as DecodingError {
                throw CourseError(file: path, line: i + 1, "not an A/B verdict: \(JSONL.explain(e))")
            }
        }
        return rows
    }

    /// Runs until `pairs` prompts are decided, the prompts run out, or the labeller quits (q or
    /// end of input). Returns the verdicts appended this session.
    @discardableResult
    public func run(pairs: Int, input: LineReader, say: (String) -> Void) throws -> Int {
        let earlier = FileManager.default.fileExists(atPath: outPath) ? try Self.load(outPath) : []
        if let other = earlier.first(where: { $0.modelA != modelA || $0.modelB != modelB }) {
            throw CourseError(file: outPath, "holds verdicts on \(other.modelA) vs \(other.modelB); use another --out for \(modelA) vs \(modelB)")
        }
        let done = Set(earlier.map(\.id))
        let todo = items.filter { !done.contains($0.id) }
        say("\(done.count) prompts already judged in \(outPath); \(todo.count) held-out prompts left.")
        say("Judge each pair as the customer's agent would: is it right about the facts, is it polite, does it follow the house order? Type 1 or 2 for the better reply, t for a tie, s to skip, q to quit.")
        try LabelSessionFile.terminateLastLine(outPath)
        let file = try LineAppender(path: outPath)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let (evA, evB) = (ReplyEvaluator(template: a.template, maxNewTokens: maxNewTokens), ReplyEvaluator(template: b.template, maxNewTokens: maxNewTokens))
        var saved = 0
        for item in todo where saved < pairs {
            var rng = SeededRandom(seed: 0)
            let ra = evA.reply(a.model, prompt: item.prompt, rng: &rng).text.trimmingCharacters(in: .whitespacesAndNewlines)
            let rb = evB.reply(b.model, prompt: item.prompt, rng: &rng).text.trimmingCharacters(in: .whitespacesAndNewlines)
            let aFirst = Self.aFirst(id: item.id, seed: sidesSeed)
            var row = Row(id: item.id, modelA: modelA, modelB: modelB, prompt: item.prompt, replyA: ra, replyB: rb,
                          shownFirst: aFirst ? "a" : "b", verdict: .tie, identical: ra == rb,
                          graderA: evA.grader.grade(reply: ra, truth: item.truth).overall,
                          graderB: evB.grader.grade(reply: rb, truth: item.truth).overall)
            if !row.identical {
                say("\n──── Pair \(saved + 1) of \(pairs) · prompt \(item.id) ────")
                for m in item.prompt { say("\(m.role == "system" ? "Facts" : "Customer"):\n  " + m.content.replacingOccurrences(of: "\n", with: "\n  ")) }
                for (k, r) in [aFirst ? ra : rb, aFirst ? rb : ra].enumerated() { say("\n[\(k + 1)] " + r.replacingOccurrences(of: "\n", with: "\n    ")) }
                var choice: LabelChoice?
                while choice == nil {
                    say("\nWhich reply is better? 1, 2, t (tie), s (skip), q (quit):")
                    guard let line = input.readLine() else { choice = .quit; break }
                    choice = LabelChoice(line)
                    if choice == nil { say("Please type 1, 2, t, s or q.") }
                }
                switch choice! {
                case .quit:
                    say("Stopped. \(saved) verdicts saved this session in \(outPath).")
                    return saved
                case .skip:
                    say("Skipped.")
                    continue
                case .tie: row.verdict = .tie
                case .first: row.verdict = aFirst ? .a : .b
                case .second: row.verdict = aFirst ? .b : .a
                }
            } else {
                say("(prompt \(item.id): both models wrote the same reply; recorded as a tie without asking)")
            }
            try file.append(line: String(decoding: try encoder.encode(row), as: UTF8.self))
            saved += 1
        }
        say("\nDone: \(saved) verdicts saved this session in \(outPath). `course label --agreement \(outPath)` compares them with the grader.")
        return saved
    }
}

/// A labeller's answer to "which is better?".
public enum LabelChoice: Equatable {
    case first, second, tie, skip, quit

    public init?(_ line: String) {
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1": self = .first
        case "2": self = .second
        case "t", "tie": self = .tie
        case "s", "skip": self = .skip
        case "q", "quit": self = .quit
        default: return nil
        }
    }
}

/// Appending to a label file that something else may have cut off mid-line.
enum LabelSessionFile {
    /// Ends the file with a newline if its last line is unterminated, so the next row starts clean.
    static func terminateLastLine(_ path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { return }
        defer { try? h.close() }
        let size = try h.seekToEnd()
        guard size > 0 else { return }
        try h.seek(toOffset: size - 1)
        if h.readData(ofLength: 1) != Data([10]) { try LineAppender(path: path).append(line: "") }
    }
}
