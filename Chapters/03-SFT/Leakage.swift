import Core
import Foundation

// MARK: book leakage
/// The train/eval leakage check `course run sft` runs before training: an evaluation prompt that
/// equals a training prompt after normalisation, or nearly equals one, measures memory, not
/// skill. Texts are lower-cased and split on whitespace, cut into shingles of `n` consecutive
/// words (a text of fewer than `n` words is one shingle of all its words), and compared by the
/// Jaccard index of their shingle sets, |A ∩ B| / |A ∪ B|. An eval prompt leaks when its most
/// similar training prompt (the lowest index among equals) reaches `threshold`.
///
/// The answer is that of comparing every eval prompt with every training prompt, but only the
/// training prompts that can reach the threshold are compared: J ≥ t needs |A ∩ B| ≥ t·|A|, so
/// any |A| − ⌈t·|A|⌉ + 1 of A's shingles include one of B's. An inverted index of the training
/// shingles gives the prompts holding any of A's rarest ones; the rest cannot leak.
public enum Leakage {
    public struct Leak: Codable, Sendable, Equatable {
        /// Indices into the eval and training lists, and their Jaccard similarity (1: the same text).
        public var eval: Int
        public var train: Int
        public var similarity: Double
        public init(eval: Int, train: Int, similarity: Double) { (self.eval, self.train, self.similarity) = (eval, train, similarity) }
    }

    /// The shingles of a text, each numbered by `ids`: new shingles get new numbers when `grow`,
    /// and otherwise numbers below 0 (no training prompt holds them; they count in |A| only).
    static func shingles(_ text: String, n: Int, ids: inout [String: Int], grow: Bool) -> [Int] {
        let words = text.lowercased().split(whereSeparator: { $0.isWhitespace })
        let strings = Set(words.count < n ? [words.joined(separator: " ")]
                              : (0...(words.count - n)).map { words[$0..<($0 + n)].joined(separator: " ") })
        return strings.enumerated().map { k, s in
            if let id = ids[s] { return id }
            guard grow else { return -1 - k }
            ids[s] = ids.count
            return ids.count - 1
        }.sorted()
    }

    /// The leaked eval prompts in ascending eval index: the kit's check, or under `--mine` the
    /// learner's (exercise 3.5), which takes the same arguments.
    public static func check(train: [String], eval: [String], n: Int = 3, threshold: Double = 0.9) -> [Leak] {
        if let mine = LearnerCode.function("leakedPrompts", as: LeakedPromptsFunction.self) {
            return mine(train, eval, n, threshold).map { Leak(eval: $0.eval, train: $0.train, similarity: $0.similarity) }
        }
        KitAnswer.used("Leakage.check", answers: "3.5")
        var ids: [String: Int] = [:]
        let trainSets = train.map { Set(shingles($0, n: n, ids: &ids, grow: true)) }
        var holders = [[Int]](repeating: [], count: ids.count)   // shingle → the training prompts holding it
        for (j, s) in trainSets.enumerated() { for id in s { holders[id].append(j) } }
        var leaks: [Leak] = []
        for (i, text) in eval.enumerated() {
            let a = shingles(text, n: n, ids: &ids, grow: false)
            let frequency = { (id: Int) in id < 0 ? 0 : holders[id].count }
            // How many of A's shingles may be missing from a leaking B; a hair of slack for rounding.
            let missing = a.count - Int((threshold * Double(a.count) * (1 - 1e-12)).rounded(.up))
            let candidates: [Int]
            if missing >= a.count {
                candidates = Array(train.indices)   // threshold ≤ 0: every training prompt leaks
            } else {
                let rarest = a.sorted { (frequency($0), $0) < (frequency($1), $1) }.prefix(missing + 1)
                candidates = Set(rarest.filter { $0 >= 0 }.flatMap { holders[$0] }).sorted()
            }
            var best: Leak?
            for j in candidates {
                let b = trainSets[j]
                let common = a.reduce(0) { b.contains($1) ? $0 + 1 : $0 }
                let similarity = Double(common) / Double(a.count + b.count - common)
                if similarity > best?.similarity ?? -1 { best = Leak(eval: i, train: j, similarity: similarity) }
            }
            if let best, best.similarity >= threshold { leaks.append(best) }
        }
        return leaks
    }
}
// MARK: end

/// The shape of the function a learner plugs in with `course run sft --mine` (see `LearnerCode`):
/// exercise 3.5's signature, without `throws`.
public typealias LeakedPromptsFunction = ([String], [String], Int, Double) -> [(eval: Int, train: Int, similarity: Double)]
