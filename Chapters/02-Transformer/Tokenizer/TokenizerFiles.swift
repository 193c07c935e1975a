import Core
import Foundation

// GPT-2's tokenizer files, as OpenAI released them and Hugging Face still uses them:
//   vocab.json   {"token text": id, ...}: the 256 byte tokens, every merge result, then the
//                special tokens (GPT-2: "<|endoftext|>" = 50256, after 256 + 50,000 tokens);
//   merges.txt   "#version: 0.2", then one merge per line, "left right", in rank order.
// Token texts use `ByteEncoder`'s printable stand-ins, so a token never holds a space.
// Tokenizer files come from strangers on the internet: every rule is checked and a broken
// file gets a one-line error naming the file and line.

extension BPETokenizer {
    public static let vocabFileName = "vocab.json"
    public static let mergesFileName = "merges.txt"

    /// Writes `vocab.json` (one token per line, in id order) and `merges.txt` into `directory`.
    public func save(directory: String) throws {
        let dir = URL(fileURLWithPath: directory)
        var vocab = "{\n"
        for id in 0..<vocabSize {
            vocab += "  \(StrictJSON.quote(tokenText(id) ?? "")): \(id)" + (id + 1 < vocabSize ? ",\n" : "\n")
        }
        vocab += "}\n"
        var lines = "#version: 0.2\n"
        for m in merges {
            lines += ByteEncoder.encode(tokenBytes[m.left]) + " " + ByteEncoder.encode(tokenBytes[m.right]) + "\n"
        }
        try AtomicFile.write(vocab, to: dir.appendingPathComponent(Self.vocabFileName))
        try AtomicFile.write(lines, to: dir.appendingPathComponent(Self.mergesFileName))
    }

    /// Loads `vocab.json` and `merges.txt` from `directory` (ours, or GPT-2's own pair).
    public static func load(directory: String) throws -> BPETokenizer {
        let vocabPath = URL(fileURLWithPath: directory).appendingPathComponent(vocabFileName).path
        let mergesPath = URL(fileURLWithPath: directory).appendingPathComponent(mergesFileName).path
        guard let vocabData = FileManager.default.contents(atPath: vocabPath) else {
            throw CourseError(file: vocabPath, "cannot read the file (missing or not readable)")
        }
        guard let mergesData = FileManager.default.contents(atPath: mergesPath) else {
            throw CourseError(file: mergesPath, "cannot read the file (missing or not readable)")
        }
        return try parse(vocab: [UInt8](vocabData), merges: [UInt8](mergesData), vocabPath: vocabPath, mergesPath: mergesPath)
    }

    /// Parses the two files' bytes (the paths are only used in error messages).
    static func parse(vocab: [UInt8], merges: [UInt8], vocabPath: String, mergesPath: String) throws -> BPETokenizer {
        // vocab.json: an object of token text -> id, ids exactly 0..<count.
        let json: JSONValue
        do { json = try StrictJSON.parse(vocab) } catch {
            throw CourseError(file: vocabPath, line: error.line, "column \(error.column): \(error.reason)")
        }
        guard case .object(let members) = json else {
            throw CourseError(file: vocabPath, "expected a JSON object of token -> id, found \(json.typeName)")
        }
        var idOf: [String: Int] = [:]
        var textOf = [String?](repeating: nil, count: members.count)
        var lineOf = [Int](repeating: 0, count: members.count)
        for m in members {
            guard case .int(let id) = m.value else {
                throw CourseError(file: vocabPath, line: m.line, "id of \(StrictJSON.quote(m.key)) must be an integer, found \(m.value.typeName)")
            }
            guard id >= 0, id < members.count else {
                throw CourseError(file: vocabPath, line: m.line, "id \(id) of \(StrictJSON.quote(m.key)) is outside 0..<\(members.count): ids must be contiguous from 0")
            }
            if let other = textOf[id] {
                throw CourseError(file: vocabPath, line: m.line, "duplicate id \(id): \(StrictJSON.quote(m.key)) and \(StrictJSON.quote(other))")
            }
            guard !m.key.isEmpty else { throw CourseError(file: vocabPath, line: m.line, "empty token text") }
            textOf[id] = m.key
            lineOf[id] = m.line
            idOf[m.key] = id
        }
        // Every byte needs its token.
        var byteIDs = [Int32](repeating: 0, count: 256)
        for b in 0..<256 {
            let text = ByteEncoder.encode([UInt8(b)])
            guard let id = idOf[text] else {
                throw CourseError(file: vocabPath, "no token for byte \(b) (\(StrictJSON.quote(text))): not a byte-level BPE vocabulary")
            }
            byteIDs[b] = Int32(id)
        }
        var reachable = [Bool](repeating: false, count: members.count)
        for id in byteIDs { reachable[Int(id)] = true }

        // merges.txt: "left right" per line, both halves and their concatenation in the vocab.
        guard let mergesText = String(validating: merges, as: UTF8.self) else {
            throw CourseError(file: mergesPath, "the file is not valid UTF-8")
        }
        var rules: [(left: Int, right: Int, result: Int)] = []
        var seenPairs = Set<UInt64>()
        for (k, rawLine) in mergesText.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let lineNo = k + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty || (lineNo == 1 && line.hasPrefix("#version")) { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw CourseError(file: mergesPath, line: lineNo, "expected two tokens separated by one space, found \(StrictJSON.quote(String(line.prefix(80))))")
            }
            let l = String(parts[0]), r = String(parts[1])
            for t in [l, r, l + r] {
                guard idOf[t] != nil else {
                    throw CourseError(file: mergesPath, line: lineNo, "token \(StrictJSON.quote(t)) is not in vocab.json")
                }
                guard ByteEncoder.decode(t) != nil else {
                    throw CourseError(file: mergesPath, line: lineNo, "token \(StrictJSON.quote(t)) is not byte-level text")
                }
            }
            let rule = (left: idOf[l]!, right: idOf[r]!, result: idOf[l + r]!)
            guard seenPairs.insert(pairKey(Int32(rule.left), Int32(rule.right))).inserted else {
                throw CourseError(file: mergesPath, line: lineNo, "duplicate merge \(StrictJSON.quote(String(line)))")
            }
            rules.append(rule)
            reachable[rule.result] = true
        }

        // Tokens no merge produces: special tokens "<|...|>", or plain tokens that merely
        // cannot be produced (kept so that decoding their ids still works).
        var tokenBytes: [[UInt8]] = []
        tokenBytes.reserveCapacity(members.count)
        var specials: [String: Int] = [:]
        for id in 0..<members.count {
            let text = textOf[id]!
            if !reachable[id], text.count > 4, text.hasPrefix("<|"), text.hasSuffix("|>") {
                specials[text] = id
                tokenBytes.append(Array(text.utf8))
            } else if let bytes = ByteEncoder.decode(text) {
                tokenBytes.append(bytes)
            } else {
                throw CourseError(file: vocabPath, line: lineOf[id], "token \(StrictJSON.quote(text)) is neither byte-level text nor a special token <|...|>")
            }
        }
        return BPETokenizer(tokenBytes: tokenBytes, byteIDs: byteIDs, merges: rules, specialTokens: specials)
    }
}
