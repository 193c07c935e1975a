import Core
import Foundation
import Testing
@testable import Transformer

/// Fixtures folder (copied into the test bundle).
enum TokenizerFixtures {
    static let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    static let gpt2Dir = root.appendingPathComponent("gpt2-tokenizer").path

    /// Loaded once: GPT-2's real tokenizer (50,257 tokens, 50,000 merges).
    static let gpt2: BPETokenizer = try! BPETokenizer.load(directory: gpt2Dir)

    struct Case: Decodable { var text: String; var ids: [Int]; var ids_no_special: [Int] }
    struct Expected: Decodable { var cases: [Case] }
    static let gpt2Cases: [Case] = {
        let data = FileManager.default.contents(atPath: gpt2Dir + "/expected.json")!
        return try! JSONDecoder().decode(Expected.self, from: data).cases
    }()

    static func tempDir(_ name: String) -> String {
        let d = ScratchFolder.root.path + "/tokenizer-tests-\(getpid())/\(name)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// A small seeded corpus of English-like and Japanese text for training tests.
    static func corpus(lines: Int, seed: UInt64) -> [String] {
        var rng = SeededRandom(seed: seed)
        let words = ["the", "order", "return", "refund", "shipping", "we're", "sorry", "please", "your", "parcel",
                     "arrives", "in", "days", "customer", "support", "it's", "policy", "window", "30", "2024",
                     "damaged", "item", "label", "address", "thank", "you", "for", "waiting", "!", "?", ",", "."]
        let japanese = ["ご注文", "ありがとうございます", "返品", "送料", "お問い合わせ", "確認", "手続き", "。", "、"]
        return (0..<lines).map { _ in
            var s = ""
            for k in 0..<(5 + rng.int(12)) {
                let w = rng.int(10) == 0 ? rng.pick(japanese) : rng.pick(words)
                s += (k == 0 || rng.int(8) == 0 ? "" : " ") + (rng.int(6) == 0 ? w.capitalized : w)
            }
            return s + (rng.int(3) == 0 ? "\n\n" : "\n")
        }
    }
}

@Suite("Byte-level BPE: GPT-2's byte table and pre-tokenisation") struct ByteLevelTests {
    @Test("the byte table is a bijection with GPT-2's stand-ins and id order")
    func byteTable() {
        #expect(Set(ByteEncoder.scalars).count == 256)
        #expect(ByteEncoder.scalars[32] == "Ġ")
        #expect(ByteEncoder.scalars[10] == "Ċ")
        #expect(ByteEncoder.scalars[65] == "A")
        #expect(ByteEncoder.idOrder[0] == UInt8(ascii: "!"))
        #expect(ByteEncoder.idOrder[220] == 32)
        for b in 0..<256 { #expect(ByteEncoder.byte(for: ByteEncoder.scalars[b]) == UInt8(b)) }
        #expect(ByteEncoder.decode(ByteEncoder.encode(Array("héllo 日本".utf8))) == Array("héllo 日本".utf8))
        #expect(ByteEncoder.decode("a b") == nil)
    }

    @Test("the pre-tokeniser splits like GPT-2's regex", arguments: [
        ("Hello world", ["Hello", " world"]),
        ("a   b", ["a", "  ", " b"]),
        ("a  \nb", ["a", "  ", "\n", "b"]),
        ("x\n\ny", ["x", "\n", "\n", "y"]),
        ("end  ", ["end", "  "]),
        ("I'm we'll THEY'RE", ["I", "'m", " we", "'ll", " THEY", "'", "RE"]),
        ("'s'x", ["'s", "'", "x"]),
        ("abc123 456!!? ok", ["abc", "123", " 456", "!!?", " ok"]),
        ("日本語のテキスト。", ["日本語のテキスト", "。"]),
        ("e\u{301}t\u{e9}", ["e", "\u{301}", "t\u{e9}"]),
        ("\u{a0}word \u{3000}x", ["\u{a0}", "word", " ", "\u{3000}", "x"]),
        ("😀 😀", ["😀", " 😀"]),
    ])
    func preTokenizer(_ text: String, _ pieces: [String]) {
        #expect(PreTokenizer.split(text) == pieces)
        #expect(PreTokenizer.split(text).joined() == text)
    }
}

@Suite("GPT-2's real tokenizer files") struct GPT2TokenizerTests {
    @Test("GPT-2's vocab.json and merges.txt load with GPT-2's layout")
    func loads() {
        let t = TokenizerFixtures.gpt2
        #expect(t.vocabSize == 50257)
        #expect(t.merges.count == 50000)
        #expect(t.eosID == 50256)
        #expect(t.specialTokens == ["<|endoftext|>": 50256])
        #expect(t.tokenText(0) == "!")
        #expect(t.tokenText(220) == "Ġ")
        #expect(t.tokenText(262) == "Ġthe")
    }

    @Test("encoding reproduces the ids of GPT-2's reference encoder on every test text")
    func encodesAsGPT2() {
        let t = TokenizerFixtures.gpt2
        var mismatches = 0
        for c in TokenizerFixtures.gpt2Cases {
            let ids = t.encode(c.text)
            if ids != c.ids {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(c.text.debugDescription): got \(ids), GPT-2 gives \(c.ids)") }
            }
            #expect(t.encode(c.text, allowSpecial: false) == c.ids_no_special, "\(c.text.debugDescription)")
            #expect(t.decode(ids) == c.text)
        }
        #expect(mismatches == 0)
        #expect(TokenizerFixtures.gpt2Cases.count > 300)
    }

    @Test("well-known GPT-2 ids")
    func knownIDs() {
        let t = TokenizerFixtures.gpt2
        #expect(t.encode("Hello world") == [15496, 995])
        #expect(t.encode("<|endoftext|>") == [50256])
        #expect(t.encode("<|endoftext|>", allowSpecial: false) != [50256])
        #expect(t.id(ofSpecial: "<|im_start|>") == nil)
    }
}

@Suite("Training, saving and loading a BPE tokenizer") struct BPETrainingTests {
    static let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]

    @Test("training reaches the vocabulary size, puts special tokens last and is deterministic")
    func trains() {
        let corpus = TokenizerFixtures.corpus(lines: 2000, seed: 1)
        let a = BPETokenizer.train(corpus: corpus, vocabSize: 400, specialTokens: Self.specials)
        let b = BPETokenizer.train(corpus: corpus, vocabSize: 400, specialTokens: Self.specials)
        #expect(a.vocabSize == 400)
        #expect(a.merges.count >= 400 - 256 - 4)
        #expect(a.merges.map(\.result) == b.merges.map(\.result))
        #expect(a.merges.map(\.left) == b.merges.map(\.left))
        #expect(a.id(ofSpecial: "<|endoftext|>") == 396)
        #expect(a.id(ofSpecial: "<|pad|>") == 399)
        #expect(a.eosID == 396)
        // Frequent words become single tokens.
        #expect(a.encode(" order").count == 1)
        #expect(a.encode(" the order").count == 2)
    }

    @Test("any UTF-8 text round-trips, Japanese and emoji included", arguments: [
        "Hello, world!", "ご注文ありがとうございます。返品は30日以内です。", "👨‍👩‍👧‍👦 🇯🇵 😀!!", "",
        "<|im_start|>user\nこんにちは<|im_end|>\n<|im_start|>assistant\n", "  \t\n\u{0}\u{7f}\u{feff}end  ",
    ])
    func roundTrip(_ text: String) {
        let t = BPETokenizer.train(corpus: TokenizerFixtures.corpus(lines: 300, seed: 2), vocabSize: 300, specialTokens: Self.specials)
        #expect(t.decode(t.encode(text)) == text)
        #expect(t.decode(t.encode(text, allowSpecial: false)) == text)
        #expect(TokenizerFixtures.gpt2.decode(TokenizerFixtures.gpt2.encode(text)) == text)
    }

    @Test("special tokens are matched before pre-tokenisation, only when allowed")
    func specialTokens() throws {
        let t = BPETokenizer.train(corpus: TokenizerFixtures.corpus(lines: 300, seed: 3), vocabSize: 300, specialTokens: Self.specials)
        let start = try #require(t.id(ofSpecial: "<|im_start|>")), end = try #require(t.id(ofSpecial: "<|im_end|>"))
        let ids = t.encode("<|im_start|>user\nhi<|im_end|>")
        #expect(ids.first == start && ids.last == end)
        #expect(!t.encode("<|im_start|>", allowSpecial: false).contains(start))
        #expect(t.decode([start]) == "<|im_start|>")
    }

    @Test("a saved tokenizer loads back with the same ids and files")
    func saveLoad() throws {
        let t = BPETokenizer.train(corpus: TokenizerFixtures.corpus(lines: 1000, seed: 4), vocabSize: 350, specialTokens: Self.specials)
        let dir = TokenizerFixtures.tempDir("save-load")
        try t.save(directory: dir)
        let merges = try String(contentsOfFile: dir + "/merges.txt", encoding: .utf8)
        #expect(merges.hasPrefix("#version: 0.2\n"))
        let u = try BPETokenizer.load(directory: dir)
        #expect(u.vocabSize == t.vocabSize)
        #expect(u.specialTokens == t.specialTokens)
        #expect(u.tokenBytes == t.tokenBytes)
        for text in TokenizerFixtures.corpus(lines: 50, seed: 5) { #expect(u.encode(text) == t.encode(text)) }
        let dir2 = TokenizerFixtures.tempDir("save-load-2")
        try u.save(directory: dir2)
        #expect(FileManager.default.contents(atPath: dir + "/vocab.json") == FileManager.default.contents(atPath: dir2 + "/vocab.json"))
        #expect(FileManager.default.contents(atPath: dir + "/merges.txt") == FileManager.default.contents(atPath: dir2 + "/merges.txt"))
    }

    @Test("GPT-2's files saved by us load back identically")
    func gpt2SaveLoad() throws {
        let dir = TokenizerFixtures.tempDir("gpt2-resave")
        try TokenizerFixtures.gpt2.save(directory: dir)
        let u = try BPETokenizer.load(directory: dir)
        #expect(u.tokenBytes == TokenizerFixtures.gpt2.tokenBytes)
        #expect(u.merges.map(\.result) == TokenizerFixtures.gpt2.merges.map(\.result))
        #expect(u.eosID == 50256)
    }
}

@Suite("Training matches Hugging Face tokenizers") struct HFTrainingParityTests {
    /// Made by Fixtures/make_hf_bpe_training_fixture.py: `tokenizers`' BpeTrainer with GPT-2's
    /// byte-level pre-tokenizer on a seeded corpus.
    @Test("our trainer learns the same merges, in the same order, as tokenizers' BpeTrainer")
    func sameMerges() throws {
        let dir = TokenizerFixtures.root.appendingPathComponent("hf-bpe-training").path
        let hf = try BPETokenizer.load(directory: dir)
        let text = try String(contentsOfFile: dir + "/corpus.txt", encoding: .utf8)
        let corpus = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { String($0) + "\n" }
        let ours = BPETokenizer.train(corpus: corpus, vocabSize: hf.vocabSize, specialTokens: [])
        #expect(ours.vocabSize == hf.vocabSize)
        let oursText = ours.merges.map { ByteEncoder.encode(ours.tokenBytes[$0.left]) + " " + ByteEncoder.encode(ours.tokenBytes[$0.right]) }
        let hfText = hf.merges.map { ByteEncoder.encode(hf.tokenBytes[$0.left]) + " " + ByteEncoder.encode(hf.tokenBytes[$0.right]) }
        let firstDiff = zip(oursText, hfText).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDiff == nil, "first different merge at rank \(firstDiff?.offset ?? -1): ours \(firstDiff?.element.0 ?? "") vs tokenizers \(firstDiff?.element.1 ?? "")")
        #expect(oursText.count == hfText.count)
        #expect(ours.tokenBytes == hf.tokenBytes)
    }
}

@Suite("BPE training edge cases") struct BPETrainingEdgeTests {
    @Test("training stops early when no pair is left, and tiny vocabulary sizes still give bytes + specials")
    func edges() {
        let t = BPETokenizer.train(corpus: ["ab ab ab"], vocabSize: 1000, specialTokens: ["<|endoftext|>"])
        // Words "ab" x1 and " ab" x2: merges "a b" (count 3), then "Ġ ab" (count 2), then nothing.
        #expect(t.merges.count == 2)
        #expect(t.vocabSize == 256 + 2 + 1)
        #expect(t.encode("ab ab") == [256, 257])
        let tiny = BPETokenizer.train(corpus: ["hello"], vocabSize: 10, specialTokens: ["<|endoftext|>", "<|endoftext|>", ""])
        #expect(tiny.vocabSize == 257)
        #expect(tiny.merges.isEmpty)
        let empty = BPETokenizer.train(corpus: [], vocabSize: 300, specialTokens: [])
        #expect(empty.vocabSize == 256)
        #expect(empty.decode(empty.encode("ok 日本")) == "ok 日本")
    }

    /// The book's corpus, round by round, then a token renamed (what the trainer does when a
    /// merge's bytes already have a token): the next round counts the renamed words.
    @Test("rounds of training merge the most frequent pair, and a renamed token is counted under its new id")
    func rounds() {
        let (t, e, a, m, s) = (116, 101, 97, 109, 115)
        var words = BPEWordCounts([[t, e, a]: 5, [t, e, a, m]: 3, [s, t, e, a, m]: 2, [e, a, t]: 4])
        #expect(words.mergeMostFrequentPair(into: 256)! == (e, a))
        #expect(words.wordCounts == [[t, 256]: 5, [t, 256, m]: 3, [s, t, 256, m]: 2, [256, t]: 4])
        #expect(words.mergeMostFrequentPair(into: 257)! == (t, 256))
        words.rename(257, to: 300)
        #expect(words.wordCounts == [[300]: 5, [300, m]: 3, [s, 300, m]: 2, [256, t]: 4])
        #expect(words.mergeMostFrequentPair(into: 301)! == (300, m))   // 5 times, against ea+t 4
        #expect(words.mergeMostFrequentPair(into: 302)! == (256, t))
        #expect(words.mergeMostFrequentPair(into: 303)! == (s, 301))
        #expect(words.mergeMostFrequentPair(into: 304) == nil)
    }

    /// `course run transformer --mine` installs the learner's round (exercise 2.1): every round
    /// of training is then theirs, its pairs become the merges and its words the next round's.
    @Test("with a round installed, training learns the installed round's merges")
    func installedRound() {
        var seen: [[[Int]: Int]] = [], chosen: [[Int]] = []
        let firstPair: BPETrainingRoundFunction = { words, newID in   // not the most frequent: the longest word's first pair
            seen.append(words)
            let long = words.keys.filter { $0.count > 1 }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
            guard let w = long.first else { return nil }
            var merged = words
            merged[w] = nil
            merged[[newID] + w.dropFirst(2), default: 0] += words[w]!
            chosen.append([w[0], w[1]])
            return (w[0], w[1], merged)
        }
        let t = LearnerCode.$installed.withValue(LearnerCode.Table(["bpeTrainingRound": firstPair])) {
            BPETokenizer.train(corpus: ["abc abc xy"], vocabSize: 1000, specialTokens: [])
        }
        #expect(t.merges.map { [$0.left, $0.right] } == chosen && chosen.count == 7)   // " abc" and " xy" end as one token each
        #expect(t.merges.map { t.decode([$0.result]) }.sorted() == [" a", " ab", " abc", " x", " xy", "ab", "abc"])
        #expect(seen.count == 8 && seen.last!.keys.allSatisfy { $0.count == 1 })
    }

    /// With `splitDigits` the words are cut at their digits before training; a digit run never
    /// merges, and the pairs around it are learned as without the digits.
    @Test("with splitDigits no merge holds a digit")
    func digits() {
        let t = BPETokenizer.train(corpus: ["SD-23340 SD-23340 SD-11 order 2233 2233"], vocabSize: 300, specialTokens: [], splitDigits: true)
        #expect(t.merges.allSatisfy { m in !t.tokenBytes[m.result].contains { $0 >= 0x30 && $0 <= 0x39 } })
        #expect(t.encode(" 2233") == [t.encode(" ")[0]] + "2233".utf8.map { t.encode(String(UnicodeScalar($0)))[0] })
    }
}
