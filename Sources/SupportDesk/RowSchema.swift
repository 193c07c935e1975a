import Core
import Foundation

/// The kinds of rows the data files hold, recognised by their keys (TRL's formats).
public enum RowKind: String, Sendable, CaseIterable {
    /// `{"messages": [...]}`
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

/// Shape checks on parsed JSON rows, shared by the loaders and `course data check`, so both
/// report the same one-line problems ("messages[2].content is empty").
public enum RowSchema {
    /// Recognises a row's kind from its keys; nil when it matches none.
    public static func kind(of row: [String: Any]) -> RowKind? {
        if row["messages"] != nil { return .sft }
        if row["chosen"] != nil || row["rejected"] != nil { return .preference }
        if row["completion"] != nil || row["label"] != nil { return .unpaired }
        if row["expected"] != nil && row["prompt"] != nil { return .adversarial }
        if row["truth"] != nil || row["prompt"] != nil { return .eval }
        if row["text"] != nil { return .corpus }
        return nil
    }

    /// Every shape problem of `row` read as `kind` (empty when the row is well formed).
    public static func problems(_ row: [String: Any], as kind: RowKind) -> [String] {
        var out: [String] = []
        func conversation(_ key: String, lastRole: String?, onlyRole: String? = nil) {
            guard let value = row[key] else { out.append("missing key \"\(key)\""); return }
            guard let list = value as? [Any] else { out.append("\"\(key)\" should be a list of messages"); return }
            if list.isEmpty { out.append("\"\(key)\" is empty"); return }
            for (i, item) in list.enumerated() {
                guard let m = item as? [String: Any] else { out.append("\(key)[\(i)] should be an object with role and content"); continue }
                guard let role = m["role"] else { out.append("\(key)[\(i)]: missing key \"role\""); continue }
                guard let r = role as? String else { out.append("\(key)[\(i)].role should be a string"); continue }
                if !["system", "user", "assistant"].contains(r) { out.append("\(key)[\(i)].role \"\(CourseError.escape(r, limit: 40))\" is not system, user or assistant") }
                if let only = onlyRole, r != only { out.append("\(key)[\(i)].role should be \"\(only)\"") }
                guard let content = m["content"] else { out.append("\(key)[\(i)]: missing key \"content\""); continue }
                guard let c = content as? String else { out.append("\(key)[\(i)].content should be a string"); continue }
                if c.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append("\(key)[\(i)].content is empty") }
            }
            if let last = lastRole, let m = list.last as? [String: Any], let r = m["role"] as? String, r != last {
                out.append("the last message of \"\(key)\" should be from the \(last)")
            }
        }
        func nonEmptyString(_ key: String, required: Bool) {
            guard let v = row[key] else { if required { out.append("missing key \"\(key)\"") }; return }
            guard let s = v as? String else { out.append("\"\(key)\" should be a string"); return }
            if s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append("\"\(key)\" is empty") }
        }
        func object(_ key: String) {
            guard let v = row[key] else { out.append("missing key \"\(key)\""); return }
            if !(v is [String: Any]) { out.append("\"\(key)\" should be an object") }
        }
        switch kind {
        case .sft:
            conversation("messages", lastRole: "assistant")
        case .preference:
            conversation("prompt", lastRole: "user")
            conversation("chosen", lastRole: nil, onlyRole: "assistant")
            conversation("rejected", lastRole: nil, onlyRole: "assistant")
            if let c = row["chosen"] as? [[String: Any]], let r = row["rejected"] as? [[String: Any]],
               c.map({ $0["content"] as? String }) == r.map({ $0["content"] as? String }) {
                out.append("chosen and rejected are the same")
            }
        case .unpaired:
            conversation("prompt", lastRole: "user")
            conversation("completion", lastRole: nil, onlyRole: "assistant")
            if let l = row["label"] { if !isJSONBool(l) { out.append("\"label\" should be true or false") } } else { out.append("missing key \"label\"") }
        case .eval:
            conversation("prompt", lastRole: "user")
            object("truth")
        case .adversarial:
            conversation("prompt", lastRole: "user")
            nonEmptyString("kind", required: true)
            nonEmptyString("expected", required: true)
            object("truth")
        case .corpus:
            nonEmptyString("text", required: true)
        }
        if kind != .corpus { nonEmptyString("id", required: false) }
        return out
    }

    /// JSON true/false (Foundation reads them as NSNumber, and `1 is Bool` is true on Linux).
    static func isJSONBool(_ v: Any) -> Bool {
        if let n = v as? NSNumber { return String(describing: type(of: n)).contains("Boolean") }
        return false
    }
}
