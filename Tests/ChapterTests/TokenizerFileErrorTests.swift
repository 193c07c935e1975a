import Core
import Foundation
import Testing
@testable import Transformer

/// Hand-made tokenizer files: the 256 byte tokens, three merges ("Ġ t", "h e", "Ġt he") and
/// `<|endoftext|>`, one vocab entry per line (line k+2 holds id k).
enum TinyFiles {
    static var tokens: [String] { ByteEncoder.idOrder.map { ByteEncoder.encode([$0]) } + ["Ġt", "he", "Ġthe", "<|endoftext|>"] }
    static func vocab(_ tokens: [String] = tokens, ids: [Int]? = nil) -> String {
        let ids = ids ?? Array(0..<tokens.count)
        return "{\n" + zip(tokens, ids).map { "  \(StrictJSON.quote($0)): \($1)" }.joined(separator: ",\n") + "\n}\n"
    }
    static let merges = "#version: 0.2\nĠ t\nh e\nĠt he\n"

    /// The load error for the given file texts, or nil when they load.
    static func error(vocab: String = vocab(), merges: String = merges) -> String? {
        error(vocab: Array(vocab.utf8), merges: Array(merges.utf8))
    }
    static func error(vocab: [UInt8], merges: [UInt8]) -> String? {
        do {
            let t = try BPETokenizer.parse(vocab: vocab, merges: merges, vocabPath: "vocab.json", mergesPath: "merges.txt")
            // Whatever loaded must also encode and decode without trapping.
            let text = "the theme <|endoftext|> 日本 ok"
            #expect(t.decode(t.encode(text)) == text)
            return nil
        } catch let e as CourseError {
            return e.message
        } catch {
            return "unexpected error type \(error)"
        }
    }
}

@Suite("Tokenizer file errors") struct TokenizerFileErrorTests {
    @Test("the hand-made files load and merge as written")
    func valid() throws {
        #expect(TinyFiles.error() == nil)
        let t = try BPETokenizer.parse(vocab: Array(TinyFiles.vocab().utf8), merges: Array(TinyFiles.merges.utf8),
                                       vocabPath: "v", mergesPath: "m")
        #expect(t.encode(" the") == [258])
        #expect(t.encode("<|endoftext|>") == [259])
        #expect(t.eosID == 259)
    }

    static let badVocab: [(String, String, String)] = {
        var t = TinyFiles.tokens
        var noBang = t; noBang[0] = "zz"                           // "!" replaced: byte 33 has no token
        var notByteLevel = t; notByteLevel[259] = "日本"           // not a stand-in character
        var ids = Array(0..<t.count)
        var gap = ids; gap[259] = 300                               // ids not contiguous
        var dup = ids; dup[259] = 5                                 // id 5 twice
        t.removeAll()
        return [
            ("truncated", "{\n  \"a\": 1,\n", "vocab.json:3: column 1: expected a string key"),
            ("not an object", "[1, 2]", "vocab.json: expected a JSON object of token -> id, found an array"),
            ("string id", "{\n\"a\": \"1\"}", "vocab.json:2: id of \"a\" must be an integer, found a string"),
            ("gap", TinyFiles.vocab(ids: gap), "vocab.json:261: id 300 of \"<|endoftext|>\" is outside 0..<260"),
            ("duplicate id", TinyFiles.vocab(ids: dup), "vocab.json:261: duplicate id 5"),
            ("duplicate key", "{\"a\": 0, \"a\": 1}", "vocab.json:1: column 10: duplicate key \"a\""),
            ("missing byte", TinyFiles.vocab(noBang), "vocab.json: no token for byte 33 (\"!\")"),
            ("not byte-level", TinyFiles.vocab(notByteLevel), "vocab.json:261: token \"日本\" is neither byte-level text nor a special token"),
        ]
    }()

    @Test("a malformed vocab.json gets a one-line error with file and line", arguments: 0..<badVocab.count)
    func vocabErrors(_ k: Int) throws {
        let (name, text, expected) = Self.badVocab[k]
        let message = try #require(TinyFiles.error(vocab: text), "\(name) was accepted")
        #expect(message.hasPrefix(expected), "\(name): \(message)")
        #expect(!message.contains("\n"))
    }

    @Test("a malformed merges.txt gets a one-line error with file and line", arguments: [
        ("#version: 0.2\nĠ t x\n", "merges.txt:2: expected two tokens separated by one space"),
        ("#version: 0.2\nĠ t\nhe\n", "merges.txt:3: expected two tokens separated by one space"),
        ("#version: 0.2\nĠ  t\n", "merges.txt:2: expected two tokens separated by one space"),
        ("#version: 0.2\nĠ t\nq Ġt\n", "merges.txt:3: token \"qĠt\" is not in vocab.json"),
        ("#version: 0.2\nĠ t\nĠ t\n", "merges.txt:3: duplicate merge \"Ġ t\""),
        ("#version: 0.2\nĠ xyz\n", "merges.txt:2: token \"xyz\" is not in vocab.json"),
    ])
    func mergesErrors(_ text: String, _ expected: String) throws {
        let message = try #require(TinyFiles.error(merges: text))
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test("merges.txt that is not UTF-8, and missing files, are errors")
    func otherErrors() {
        #expect(TinyFiles.error(vocab: Array(TinyFiles.vocab().utf8), merges: [0x23, 0xFF, 0x0A])?.contains("not valid UTF-8") == true)
        #expect(throws: CourseError.self) { try BPETokenizer.load(directory: "/nonexistent-dir-for-tests") }
    }

    @Test("CRLF line ends and a merges.txt without the version line are accepted")
    func lenient() {
        #expect(TinyFiles.error(merges: "#version: 0.2\r\nĠ t\r\nh e\r\nĠt he\r\n") == nil)
        #expect(TinyFiles.error(merges: "Ġ t\nh e\nĠt he") == nil)
    }

    @Test("mutated tokenizer files never crash the loader or the encoder")
    func fuzz() {
        var rng = SeededRandom(seed: 99)
        let vocab = Array(TinyFiles.vocab().utf8), merges = Array(TinyFiles.merges.utf8)
        var rejected = 0
        for _ in 0..<300 {
            var v = vocab, m = merges
            for _ in 0...rng.int(3) {
                let target = rng.int(2)
                var bytes = target == 0 ? v : m
                let pos = rng.int(bytes.count)
                switch rng.int(3) {
                case 0: bytes[pos] = UInt8(truncatingIfNeeded: rng.int(256))
                case 1: bytes.remove(at: pos)
                default: bytes.insert(rng.pick(Array("\"{}[],: \n0123456789ĠtheÃ".utf8)), at: pos)
                }
                if target == 0 { v = bytes } else { m = bytes }
            }
            if TinyFiles.error(vocab: v, merges: m) != nil { rejected += 1 }
        }
        #expect(rejected > 0)
    }

    @Test("random Unicode text round-trips through GPT-2's tokenizer")
    func randomRoundTrip() {
        var rng = SeededRandom(seed: 5)
        let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x3000...0x30FF, 0x4E00...0x4EFF, 0x1F300...0x1F64F, 0x0300...0x036F, 0x2000...0x206F]
        for _ in 0..<300 {
            var s = String.UnicodeScalarView()
            for _ in 0..<rng.int(30) {
                let r = rng.pick(ranges)
                if let u = Unicode.Scalar(r.lowerBound + UInt32(rng.int(Int(r.upperBound - r.lowerBound) + 1))) { s.append(u) }
            }
            let text = String(s)
            #expect(TokenizerFixtures.gpt2.decode(TokenizerFixtures.gpt2.encode(text)) == text)
        }
    }
}
