import Core
import Foundation
import SupportDesk

/// One preference: a prompt (the conversation so far) and two replies to it, `chosen` better
/// than `rejected`. `flaw` names what is wrong with `rejected` when the data says so (the
/// SupportDesk pairs do; a learner's own file may not).
public struct PreferenceExample: Sendable, Equatable {
    public var prompt: [Message]
    public var chosen: String
    public var rejected: String
    public var flaw: String?
    public init(prompt: [Message], chosen: String, rejected: String, flaw: String? = nil) {
        (self.prompt, self.chosen, self.rejected, self.flaw) = (prompt, chosen, rejected, flaw)
    }

    public init(_ p: PreferencePair) {
        self.init(prompt: p.prompt, chosen: p.chosen.map(\.content).joined(separator: "\n"),
                  rejected: p.rejected.map(\.content).joined(separator: "\n"), flaw: p.flaw.rawValue)
    }

    /// The built-in preference data: the flaw pairs, then one safety pair per training
    /// adversarial prompt (the house's refusal or policy reply chosen over a reply that gives in;
    /// flaw "gave_in"), so the reward model and DPO see what SFT's safety examples teach.
    public static func builtIn(_ data: Dataset) -> [PreferenceExample] {
        data.preferences.map(PreferenceExample.init) + data.safety.compactMap { item in
            item.compliant.map { PreferenceExample(prompt: item.prompt, chosen: item.reference.map(\.content).joined(separator: "\n"),
                                                   rejected: $0.map(\.content).joined(separator: "\n"), flaw: "gave_in") }
        }
    }
}

/// Preference pairs in TRL's formats, shared by the reward model (Chapter 6) and DPO (Chapter 8).
public enum PreferenceData {
    // MARK: book held-out-rule
    /// The held-out rule used by Chapters 6 and 8: every 10th pair (index 0, 10, 20, ...) is
    /// kept for evaluation, the rest are trained on. The SupportDesk generator deals the five
    /// flaws in shuffled rounds of five, so every flaw is held out about equally often.
    public static func split<T>(_ items: [T], every: Int = 10) -> (train: [T], heldOut: [T]) {
        var train: [T] = [], held: [T] = []
        for (i, x) in items.enumerated() { if i % every == 0 { held.append(x) } else { train.append(x) } }
        return (train, held)
    }
    // MARK: end

    /// Loads a learner's preference file in TRL's formats: `{"prompt", "chosen", "rejected"}`,
    /// each a string or a list of `{"role", "content"}` messages (the prompt's last message from
    /// the user, the replies from the assistant); an optional string `"flaw"`. Every line is
    /// checked before anything is returned; the first bad one throws with its file and line.
    public static func load(path: String) throws -> [PreferenceExample] {
        let rows = try JSONL.objects(path: path)
        if rows.isEmpty { throw CourseError(file: path, "no preference pairs (the file is empty)") }
        return try rows.map { line, obj in
            let f = RowReader(file: path, line: line, row: obj)
            let prompt = try f.messages("prompt", defaultRole: "user")
            guard prompt.last?.role != "assistant" else { throw f.fail("the prompt must not end with an assistant message") }
            let chosen = try f.reply("chosen"), rejected = try f.reply("rejected")
            if chosen == rejected { throw f.fail("\"chosen\" and \"rejected\" are the same reply") }
            var flaw: String?
            if let v = obj["flaw"] {
                guard let s = v as? String, !s.isEmpty else { throw f.fail("\"flaw\" must be a non-empty string") }
                flaw = s
            }
            return PreferenceExample(prompt: prompt, chosen: chosen, rejected: rejected, flaw: flaw)
        }
    }
}

/// Reads the fields of one JSONL row, throwing `CourseError`s that name the file and line.
public struct RowReader {
    public let file: String, line: Int, row: [String: Any]
    public init(file: String, line: Int, row: [String: Any]) { (self.file, self.line, self.row) = (file, line, row) }

    public func fail(_ m: String) -> CourseError { CourseError(file: file, line: line, m) }

    /// A string, or a list of messages (TRL's standard and conversational formats).
    public func messages(_ key: String, defaultRole: String) throws -> [Message] {
        guard let v = row[key] else { throw fail("missing key \"\(key)\"") }
        if let s = v as? String {
            if s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw fail("\"\(key)\" is an empty string") }
            return [Message(role: defaultRole, content: s)]
        }
        guard let list = v as? [Any] else { throw fail("\"\(key)\" must be a string or a list of messages") }
        if list.isEmpty { throw fail("\"\(key)\" is an empty list") }
        return try list.enumerated().map { i, item in
            guard let m = item as? [String: Any], let role = m["role"] as? String, let content = m["content"] as? String else {
                throw fail("\"\(key)\"[\(i)] must be an object with string \"role\" and \"content\"")
            }
            guard ChatTemplate.roles.contains(role) else { throw fail("\"\(key)\"[\(i)]: unknown role \"\(CourseError.escape(role, limit: 40))\"") }
            if content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw fail("\"\(key)\"[\(i)]: empty content") }
            return Message(role: role, content: content)
        }
    }

    /// One assistant reply: a string or a list holding a single assistant message.
    public func reply(_ key: String) throws -> String {
        let m = try messages(key, defaultRole: "assistant")
        guard m.count == 1, m[0].role == "assistant" else { throw fail("\"\(key)\" must be one assistant message") }
        return m[0].content
    }
}

/// A prompt and a reply as token ids: `prompt` ends with the assistant header
/// (`<|im_start|>assistant\n`), `completion` is the reply's tokens and `<|im_end|>`.
/// The model reads `prompt + completion`; only the completion is scored (DPO) and the
/// reward model reads its value at the completion's last token.
public struct PromptCompletion: Sendable, Equatable {
    public var prompt: [Int]
    public var completion: [Int]
    /// The completion tokens a sequence log-probability sums over (indices into `completion`);
    /// nil: all of them. Chapter 8 narrows it to the tokens where two replies of a pair differ.
    public var scored: Range<Int>? = nil
    public init(prompt: [Int], completion: [Int]) { (self.prompt, self.completion) = (prompt, completion) }
    public var ids: [Int] { prompt + completion }
    public var count: Int { prompt.count + completion.count }
    /// How many completion tokens count.
    public var scoredCount: Int { scored?.count ?? completion.count }

    public init(prompt: [Message], reply: String, template: ChatTemplate) {
        self.prompt = template.generationPrompt(prompt)
        completion = template.tokenizer.encode(reply, allowSpecial: false) + [template.end]
    }
}
