import Core
import Foundation
import SupportDesk

/// Loads a learner's own SFT data in the TRL formats: conversational `{"messages": [...]}` or
/// prompt-completion `{"prompt": ..., "completion": ...}` (each a string or a list of
/// messages). Every line is validated before anything is returned: a malformed line stops the
/// load with its file and line number, so nothing is ever trained on half-read data.
public enum SFTData {
    public static func load(path: String) throws -> [[Message]] {
        let rows = try JSONL.objects(path: path)
        if rows.isEmpty { throw CourseError(file: path, "no examples (the file is empty)") }
        return try rows.map { line, obj in try conversation(obj, file: path, line: line) }
    }

    static func conversation(_ obj: [String: Any], file: String, line: Int) throws -> [Message] {
        func fail(_ m: String) -> CourseError { CourseError(file: file, line: line, m) }
        func messages(_ v: Any?, key: String, defaultRole: String) throws -> [Message] {
            if let s = v as? String {
                if s.isEmpty { throw fail("\"\(key)\" is an empty string") }
                return [Message(role: defaultRole, content: s)]
            }
            guard let list = v as? [Any] else { throw fail("\"\(key)\" must be a string or a list of messages") }
            if list.isEmpty { throw fail("\"\(key)\" is an empty list") }
            return try list.enumerated().map { i, item in
                guard let m = item as? [String: Any], let role = m["role"] as? String, let content = m["content"] as? String else {
                    throw fail("\"\(key)\"[\(i)] must be an object with string \"role\" and \"content\"")
                }
                guard ChatTemplate.roles.contains(role) else { throw fail("\"\(key)\"[\(i)]: unknown role \"\(CourseError.escape(role, limit: 40))\"") }
                if content.isEmpty { throw fail("\"\(key)\"[\(i)]: empty content") }
                return Message(role: role, content: content)
            }
        }
        let conv: [Message]
        if obj["messages"] != nil {
            conv = try messages(obj["messages"], key: "messages", defaultRole: "user")
        } else if obj["prompt"] != nil || obj["completion"] != nil {
            guard obj["prompt"] != nil else { throw fail("missing key \"prompt\"") }
            guard obj["completion"] != nil else { throw fail("missing key \"completion\"") }
            conv = try messages(obj["prompt"], key: "prompt", defaultRole: "user")
                + messages(obj["completion"], key: "completion", defaultRole: "assistant")
        } else {
            throw fail("expected \"messages\" or \"prompt\"/\"completion\" (TRL formats)")
        }
        guard conv.last?.role == "assistant" else { throw fail("the conversation must end with an assistant message") }
        return conv
    }
}
