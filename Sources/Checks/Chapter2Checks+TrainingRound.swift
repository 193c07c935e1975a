import Core
import Foundation
import Transformer

typealias TrainingRound = (_ words: [[Int]: Int], _ newID: Int) throws -> (left: Int, right: Int, words: [[Int]: Int])?

/// Exercise 2.1: the book's three rounds, ties, overlaps, weights and the end of training by
/// hand; then the kit's round (`BPEWordCounts`) on random corpora; then a whole tokenizer
/// trained with the round plugged into `BPETokenizer.train`, against the kit's merges.
func checkTrainingRound(_ round: @escaping TrainingRound) throws {
    // The book's corpus, letters standing for their byte values; new tokens are named for the page.
    var names: [Int: String] = [256: "ea", 257: "tea", 258: "team"]
    func ids(_ s: String) -> [Int] { s.unicodeScalars.map { Int($0.value) } }
    func token(_ id: Int) -> String { names[id] ?? (id < 128 && id > 32 ? String(UnicodeScalar(UInt8(id))) : "\(id)") }
    func show(_ words: [[Int]: Int]) -> String {
        words.isEmpty ? "no words" : words.map { ($0.key.map(token).joined(separator: "·"), $0.value) }
            .sorted { $0.0 < $1.0 }.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ")
    }
    func expect(_ words: [[Int]: Int], _ newID: Int, _ left: Int, _ right: Int, _ after: [[Int]: Int], _ why: String) throws -> [[Int]: Int] {
        let what = "a round on \(show(words)) (new token \(token(newID)))"
        guard let got = try round(words, newID) else {
            throw CheckFailure("\(what): expected the pair \(token(left))+\(token(right)) (\(why)), got nil, but pairs are left")
        }
        try Expect.that((got.left, got.right) == (left, right),
                        "\(what): expected the pair \(token(left))+\(token(right)) (\(why)), got \(token(got.left))+\(token(got.right))")
        try Expect.that(got.words == after, "\(what), merging \(token(left))+\(token(right)): expected the words \(show(after)), got \(show(got.words))")
        return got.words
    }
    let (t, e, a, m, s) = (ids("t")[0], ids("e")[0], ids("a")[0], ids("m")[0], ids("s")[0])
    var words = [ids("tea"): 5, ids("team"): 3, ids("steam"): 2, ids("eat"): 4]
    words = try expect(words, 256, e, a, [[t, 256]: 5, [t, 256, m]: 3, [s, t, 256, m]: 2, [256, t]: 4], "14 times; t+e 10")
    words = try expect(words, 257, t, 256, [[257]: 5, [257, m]: 3, [s, 257, m]: 2, [256, t]: 4], "10 times")
    _ = try expect(words, 258, 257, m, [[257]: 5, [258]: 3, [s, 258]: 2, [256, t]: 4], "5 times; ea+t 4")
    names = [:]
    // Counts beat ids, a word's count weighs each of its pairs, ties go to the smaller ids, and
    // a run of one token merges left to right, without overlaps.
    _ = try expect([[0, 1]: 1, [5, 6]: 3], 9, 5, 6, [[0, 1]: 1, [9]: 3], "3 times against 1")
    _ = try expect([[1, 2, 3]: 1, [1, 2, 4]: 1, [3, 4]: 5], 9, 3, 4, [[1, 2, 3]: 1, [1, 2, 4]: 1, [9]: 5],
                   "5 times: one word that occurs 5 times, against 1+2 in two words that occur once each")
    _ = try expect([[3, 1]: 2, [3, 0]: 2], 9, 3, 0, [[3, 1]: 2, [9]: 2], "2 times each: the smaller right id wins the tie")
    _ = try expect([[2, 9]: 2, [1, 9]: 2, [1, 8]: 1], 7, 1, 9, [[2, 9]: 2, [7]: 2, [1, 8]: 1], "2 times each: the smaller left id wins the tie")
    _ = try expect([[5, 5, 5]: 1, [5, 5, 5, 5]: 2], 7, 5, 5, [[7, 5]: 1, [7, 7]: 2], "8 times: 2 places in the first word, 3 × 2 in the second")
    _ = try expect([[1, 2, 1, 2, 1]: 1, [2, 1]: 1], 6, 2, 1, [[1, 6, 6]: 1, [6]: 1], "3 times: 2 places in the first word, 1 in the second; 1+2 twice")
    for words in [[[4]: 3, [2]: 1], [:]] as [[[Int]: Int]] {
        if let got = try round(words, 9) {
            throw CheckFailure("a round on \(show(words)): no word has two tokens, so expected nil, got the pair \(got.left)+\(got.right)")
        }
    }

    // Against the kit's round on random corpora of few token ids, so that ties and runs abound.
    var rng = SeededRandom(seed: 21)
    for trial in 0..<150 {
        let alphabet = 1 + trial % 4
        var words: [[Int]: Int] = [:]
        for _ in 0..<(1 + rng.int(7)) { words[(0..<(1 + rng.int(7))).map { _ in rng.int(alphabet) }, default: 0] += 1 + rng.int(5) }
        for r in 0..<4 {
            var kit = BPEWordCounts(words)
            let expected = kit.mergeMostFrequentPair(into: 100 + r)
            let got = try round(words, 100 + r)
            let what = "round \(r + 1) on \(show(words)) (new token \(100 + r))"
            guard let expected else {
                try Expect.that(got == nil, "\(what): no word has two tokens, so expected nil, got the pair \(got!.left)+\(got!.right)")
                break
            }
            guard let got else { throw CheckFailure("\(what): expected the pair \(expected.left)+\(expected.right), got nil") }
            try Expect.that((got.left, got.right) == expected,
                            "\(what): the kit merges \(expected.left)+\(expected.right), you merged \(got.left)+\(got.right)")
            try Expect.that(got.words == kit.wordCounts, "\(what): expected the words \(show(kit.wordCounts)), got \(show(got.words))")
            words = got.words
        }
    }

    // A whole tokenizer trained with your round in place of the kit's (every digit kept single,
    // as the chapter's run does) must learn the kit's merges, in order. The hook cannot throw,
    // so an error is kept and reported.
    var failure: Error?
    let hook: BPETrainingRoundFunction = { words, newID in
        do { return try LearnerCode.$installed.withValue(nil) { try round(words, newID) } } catch {
            if failure == nil { failure = error }
            return nil
        }
    }
    let kit = BPETokenizer.train(corpus: bpeCorpus, vocabSize: 256 + 60, specialTokens: [], splitDigits: true)
    let mine = LearnerCode.$installed.withValue(LearnerCode.Table(["bpeTrainingRound": hook])) {
        BPETokenizer.train(corpus: bpeCorpus, vocabSize: 256 + 60, specialTokens: [], splitDigits: true)
    }
    if let failure { throw failure }
    func text(_ tok: BPETokenizer, _ id: Int) -> String { "\"\(tok.decode([id]))\"" }
    for (k, (x, y)) in zip(kit.merges, mine.merges).enumerated() where (x.left, x.right, x.result) != (y.left, y.right, y.result) {
        throw CheckFailure("a tokenizer trained with your rounds: merge \(k + 1) is \(text(mine, y.left))+\(text(mine, y.right)), the kit's \(text(kit, x.left))+\(text(kit, x.right))")
    }
    try Expect.that(mine.merges.count == kit.merges.count,
                    "a tokenizer trained with your rounds learns \(mine.merges.count) merges, the kit's \(kit.merges.count)")
}

/// A small corpus with enough repetition for a few dozen merges, digits (which never merge)
/// and a run of one letter, so that overlapping pairs such as "aa" + "a" appear.
private let bpeCorpus = Array(repeating: [
    "Returns are accepted within 30 days; the order number is on the receipt.",
    "Free shipping on every order over 50 dollars; shipping takes 3 to 5 days.",
    "Your refund was refunded to the card; returns of opened items are refunded too.",
    "aaaaaaa aaaa aaaaaaa the support desk answers every ticket, desk by desk, order SD-23340.",
].joined(separator: " "), count: 20)
