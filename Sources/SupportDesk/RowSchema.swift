import Core
import Foundation

/// The kinds of rows the data files hold, recognised by their keys (TRL's formats).
public enum RowKind: String, Sendable, CaseIterable {
    /// An SFT example: `{"messages": [...]}`, or (TRL dialect) prompt-completion
    /// `{"prompt", "completion"}` without a label.
    case sft
    /// `{"prompt", "chosen", "rejected"}`
    case preference
    /// `{"prompt", "completion", "label"}`
    case unpaired
    /// `{"prompt", "truth"}` without a completion: a held-out evaluation prompt.
    case eval
    /// `{"prompt", "kind", "expected"}`: an adversarial prompt (evaluation only).
    case adversarial
    /// `{"text"}`
    case corpus

    /// Training rows are compared against evaluation rows for leakage.
    public var isEvaluation: Bool { self == .eval || self == .adversarial }
}

/// Which spellings of a row are well formed. The generator writes one spelling; the training
/// runs read more (a learner's own data comes in whichever TRL format their tools wrote), and
/// `course data check` must accept exactly what the runs accept, or it would reject files the
/// runs train on.
public enum RowDialect: Sendable {
    /// The SupportDesk generator's files, as `Dataset.load` decodes them: every prompt and reply
    /// a list of messages, SFT rows as `messages`, ids strings.
    case builtIn
    /// What the chapter loaders read from a learner's file (`SFTData`, `PreferenceData`,
    /// `UnpairedPreference`): TRL's standard (plain string) and conversational (list of
    /// messages) spellings of every format, SFT rows as `messages` or `prompt`/`completion`,
    /// preference replies as one assistant message; ids are not read.
    case trl
}

/// Shape checks on parsed JSON rows, shared by the loaders and `course data check`, so both
/// report the same one-line problems ("messages[2].content is empty").
public enum RowSchema {
    /// Recognises a row's kind from its keys; nil when it matches none. In the TRL dialect a
    /// row with a prompt but neither a label nor a truth is an SFT prompt-completion row (a
    /// missing completion is then reported as such, not as a missing truth).
    public static func kind(of row: [String: Any], dialect: RowDialect = .builtIn) -> RowKind? {
        if row["messages"] != nil { return .sft }
        if row["chosen"] != nil || row["rejected"] != nil { return .preference }
        if row["label"] != nil { return .unpaired }
        if row["completion"] != nil { return dialect == .trl ? .sft : .unpaired }
        if row["expected"] != nil && row["prompt"] != nil { return .adversarial }
        if row["truth"] != nil { return .eval }
        if row["prompt"] != nil { return dialect == .trl ? .sft : .eval }
        if row["text"] != nil { return .corpus }
        return nil
    }

    /// The shapes `kind(of:)` recognises, for the error on a row it does not.
    public static let shapes = "text | messages | prompt+completion | prompt+chosen+rejected | prompt+completion+label | prompt+truth"

    /// Every shape problem of `row` read as `kind` (empty when the row is well formed).
    public static func problems(_ row: [String: Any], as kind: RowKind, dialect: RowDialect = .builtIn) -> [String] {
        var check = Check(row: row, plain: dialect == .trl)
        switch (kind, dialect) {
        case (.sft, .trl) where row["messages"] == nil:
            // SFTData: prompt then completion, the whole conversation ending with the assistant.
            check.conversation("prompt", plainRole: "user")
            check.conversation("completion", plainRole: "assistant", lastRole: "assistant")
        case (.sft, _):
            check.conversation("messages", plainRole: nil, lastRole: "assistant")
        case (.preference, .builtIn):
            check.conversation("prompt", plainRole: "user", lastRole: "user")
            check.conversation("chosen", plainRole: "assistant", onlyRole: "assistant")
            check.conversation("rejected", plainRole: "assistant", onlyRole: "assistant")
            check.distinctReplies()
        case (.preference, .trl):
            // PreferenceData: any prompt not ending with the assistant; one reply each; a named flaw.
            check.conversation("prompt", plainRole: "user", notLastRole: "assistant")
            check.reply("chosen")
            check.reply("rejected")
            check.distinctReplies()
            check.nonEmptyString("flaw", required: false)
        case (.unpaired, .builtIn):
            check.conversation("prompt", plainRole: "user", lastRole: "user")
            check.conversation("completion", plainRole: "assistant", onlyRole: "assistant")
            check.label()
        case (.unpaired, .trl):
            // UnpairedPreference: any prompt, one reply, a JSON boolean label.
            check.conversation("prompt", plainRole: "user")
            check.reply("completion")
            check.label()
        case (.eval, _):
            check.conversation("prompt", plainRole: nil, lastRole: "user")
            check.object("truth")
        case (.adversarial, _):
            check.conversation("prompt", plainRole: nil, lastRole: "user")
            check.nonEmptyString("kind", required: true)
            check.nonEmptyString("expected", required: true)
            check.object("truth")
        case (.corpus, _):
            check.nonEmptyString("text", required: true)
        }
        if kind != .corpus && dialect == .builtIn { check.nonEmptyString("id", required: false) }
        return check.out
    }

    /// The (role, content) turns of a field: a plain string is one turn from `plainRole`, a list
    /// gives its messages; anything else gives none. Used on rows `problems` passed.
    public static func turns(_ value: Any?, plainRole: String) -> [(role: String, content: String)] {
        if let s = value as? String { return [(plainRole, s)] }
        return (value as? [Any] ?? []).compactMap { item in
            guard let m = item as? [String: Any], let c = m["content"] as? String else { return nil }
            return ((m["role"] as? String) ?? plainRole, c)
        }
    }

    /// JSON true/false (Foundation reads them as NSNumber, and `1 is Bool` is true on Linux).
    static func isJSONBool(_ v: Any) -> Bool {
        if let n = v as? NSNumber { return String(describing: type(of: n)).contains("Boolean") }
        return false
    }
}

extension RowSchema {
    /// Collects the problems of one row, field by field, in the loaders' order.
    struct Check {
        let row: [String: Any]
        /// Whether prompts and replies may be plain strings (TRL's standard format).
        let plain: Bool
        var out: [String] = []

        static func blank(_ s: String) -> Bool { s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

        /// A list of `{"role", "content"}` messages, or (when `plain` and `plainRole` is set) a
        /// string, which reads as one message from `plainRole`.
        mutating func conversation(_ key: String, plainRole: String?, lastRole: String? = nil,
                                   onlyRole: String? = nil, notLastRole: String? = nil) {
            guard let value = row[key] else { out.append("missing key \"\(key)\""); return }
            if plain, let role = plainRole, let s = value as? String {
                if Check.blank(s) { out.append("\"\(key)\" is empty") }
                if let last = lastRole, role != last { out.append("the last message of \"\(key)\" should be from the \(last)") }
                if let not = notLastRole, role == not { out.append("the last message of \"\(key)\" should not be from the \(not)") }
                return
            }
            guard let list = value as? [Any] else {
                out.append(plain && plainRole != nil ? "\"\(key)\" should be a string or a list of messages" : "\"\(key)\" should be a list of messages")
                return
            }
            if list.isEmpty { out.append("\"\(key)\" is empty"); return }
            for (i, item) in list.enumerated() {
                guard let m = item as? [String: Any] else { out.append("\(key)[\(i)] should be an object with role and content"); continue }
                guard let role = m["role"] else { out.append("\(key)[\(i)]: missing key \"role\""); continue }
                guard let r = role as? String else { out.append("\(key)[\(i)].role should be a string"); continue }
                if !["system", "user", "assistant"].contains(r) { out.append("\(key)[\(i)].role \"\(CourseError.escape(r, limit: 40))\" is not system, user or assistant") }
                if let only = onlyRole, r != only { out.append("\(key)[\(i)].role should be \"\(only)\"") }
                guard let content = m["content"] else { out.append("\(key)[\(i)]: missing key \"content\""); continue }
                guard let c = content as? String else { out.append("\(key)[\(i)].content should be a string"); continue }
                if Check.blank(c) { out.append("\(key)[\(i)].content is empty") }
            }
            let lastRoleSeen = (list.last as? [String: Any])?["role"] as? String
            if let last = lastRole, let r = lastRoleSeen, r != last {
                out.append("the last message of \"\(key)\" should be from the \(last)")
            }
            if let not = notLastRole, let r = lastRoleSeen, r == not {
                out.append("the last message of \"\(key)\" should not be from the \(not)")
            }
        }

        /// One assistant reply: a string, or a list holding exactly one assistant message.
        mutating func reply(_ key: String) {
            let before = out.count
            conversation(key, plainRole: "assistant", onlyRole: "assistant")
            guard out.count == before, let list = row[key] as? [Any], list.count != 1 else { return }
            out.append("\"\(key)\" should be one assistant message (it has \(list.count))")
        }

        mutating func distinctReplies() {
            guard let c = row["chosen"], let r = row["rejected"] else { return }
            let a = RowSchema.turns(c, plainRole: "assistant"), b = RowSchema.turns(r, plainRole: "assistant")
            if !a.isEmpty, a.map(\.content) == b.map(\.content) { out.append("chosen and rejected are the same") }
        }

        mutating func label() {
            guard let l = row["label"] else { out.append("missing key \"label\""); return }
            if !RowSchema.isJSONBool(l) { out.append("\"label\" should be true or false") }
        }

        mutating func nonEmptyString(_ key: String, required: Bool) {
            guard let v = row[key] else { if required { out.append("missing key \"\(key)\"") }; return }
            guard let s = v as? String else { out.append("\"\(key)\" should be a string"); return }
            if Check.blank(s) { out.append("\"\(key)\" is empty") }
        }

        mutating func object(_ key: String) {
            guard let v = row[key] else { out.append("missing key \"\(key)\""); return }
            if !(v is [String: Any]) { out.append("\"\(key)\" should be an object") }
        }
    }
}
