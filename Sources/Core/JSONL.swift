import Foundation

/// JSON Lines: one JSON object per line. The reader validates the whole file before returning
/// anything, so nothing is ever trained on half-read data; errors name the file and line.
public enum JSONL {
    /// Parses every non-empty line into a JSON object (`[String: Any]`).
    public static func objects(text: String, file: String) throws -> [(line: Int, object: [String: Any])] {
        var out: [(Int, [String: Any])] = []
        var lineNo = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let any: Any
            do {
                any = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
            } catch {
                throw CourseError(file: file, line: lineNo, "malformed JSON")
            }
            guard let obj = any as? [String: Any] else {
                throw CourseError(file: file, line: lineNo, "expected a JSON object")
            }
            out.append((lineNo, obj))
        }
        return out
    }

    public static func objects(path: String) throws -> [(line: Int, object: [String: Any])] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CourseError(file: path, "cannot read file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CourseError(file: path, "not UTF-8 text") }
        return try objects(text: text, file: path)
    }

    /// Decodes each line as `T`, reporting the first bad line with its number.
    public static func decode<T: Decodable>(_ type: T.Type, text: String, file: String) throws -> [T] {
        let decoder = JSONDecoder()
        var out: [T] = []
        var lineNo = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            do {
                out.append(try decoder.decode(T.self, from: Data(line.utf8)))
            } catch let e as DecodingError {
                throw CourseError(file: file, line: lineNo, JSONL.explain(e))
            } catch {
                throw CourseError(file: file, line: lineNo, "malformed JSON")
            }
        }
        return out
    }

    /// Writes values as JSON Lines (sorted keys, so the same data gives the same bytes).
    public static func encode<T: Encodable>(_ values: [T]) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var s = ""
        for v in values { s += String(decoding: try enc.encode(v), as: UTF8.self) + "\n" }
        return s
    }

    /// A one-line explanation of a decoding error ("missing key \"rejected\"").
    public static func explain(_ e: DecodingError) -> String {
        CourseError.escape(explainRaw(e), limit: 300)
    }

    private static func explainRaw(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String { c.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .keyNotFound(let k, let ctx):
            let p = path(ctx.codingPath)
            return "missing key \"\(k.stringValue)\"" + (p.isEmpty ? "" : " in \(p)")
        // At the top level there is no key to name: say what the file should hold.
        case .typeMismatch(let t, let ctx) where ctx.codingPath.isEmpty: return "expected a JSON \(t is [String: Any].Type ? "object" : "\(t)") at the top level"
        case .valueNotFound(let t, let ctx) where ctx.codingPath.isEmpty: return "the top level is null, expected a JSON \(t is [String: Any].Type ? "object" : "\(t)")"
        case .typeMismatch(let t, let ctx): return "\"\(path(ctx.codingPath))\" should be \(t)"
        case .valueNotFound(let t, let ctx): return "\"\(path(ctx.codingPath))\" is null, expected \(t)"
        case .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty ? "malformed JSON" : "\"\(path(ctx.codingPath))\": \(ctx.debugDescription)"
        @unknown default: return "malformed JSON"
        }
    }
}
