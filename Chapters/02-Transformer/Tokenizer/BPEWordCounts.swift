import Core

/// The corpus as BPE training sees it: the distinct pre-tokenised words, each a list of token
/// ids with the number of times it occurs ("the" appears 40,000 times but is one entry).
///
/// One round of training (`mergeMostFrequentPair`, exercise 2.1's idea) counts every adjacent
/// pair, weighted by the words' counts, takes the most frequent one (ties: the smaller left id,
/// then the smaller right id) and merges it in every word, left to right, without overlaps.
///
/// Done naively, each round re-counts the whole corpus, far too slow for a real vocabulary.
/// Here the counts are kept between rounds, as in Hugging Face `tokenizers`: for each pair,
/// its count and the words it occurs in, and a merge updates both for just those words. The
/// most frequent pair comes from a max-heap whose stale entries are re-checked when popped.
/// The answer is the naive round's, and the merges the same as `tokenizers`' BpeTrainer's.
public struct BPEWordCounts {
    /// The words as token ids, and how often each occurs (same order).
    public private(set) var words: [[Int32]]
    public private(set) var counts: [Int]

    // The pair index: each pair's count, the words it occurs in (may hold stale or repeated
    // entries), and a heap of (count, pair). Built on the first round, rebuilt after `rename`.
    private var pairCount: [UInt64: Int] = [:]
    private var pairWords: [UInt64: [Int32]] = [:]
    private var heap = PairHeap()
    private var indexed = false
    private var seenStamp: [Int] = []
    private var round = 0

    init(words: [[Int32]], counts: [Int]) {
        (self.words, self.counts) = (words, counts)
    }

    /// `words`: token list → count (a word's tokens are ids ≥ 0).
    public init(_ words: [[Int]: Int]) {
        self.init(words: words.keys.map { $0.map(Int32.init) }, counts: Array(words.values))   // any order: the same rounds
    }

    /// The words as token list → count.
    public var wordCounts: [[Int]: Int] {
        var out: [[Int]: Int] = [:]
        for (w, c) in zip(words, counts) { out[w.map(Int.init), default: 0] += c }
        return out
    }

    @inline(__always) static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 { BPETokenizer.pairKey(a, b) }

    // MARK: book bpe-train-round
    /// One round of BPE training: the most frequent adjacent pair (weighted by the words'
    /// counts; ties to the smaller left id, then the smaller right id) becomes token `newID`
    /// in every word, left to right, without overlaps. Returns the pair, or nil when no word
    /// has two tokens left.
    public mutating func mergeMostFrequentPair(into newID: Int) -> (left: Int, right: Int)? {
        KitAnswer.used("BPEWordCounts.mergeMostFrequentPair", answers: "2.1")
        if let mine = LearnerCode.function("bpeTrainingRound", as: BPETrainingRoundFunction.self) {
            guard let r = mine(wordCounts, newID) else { return nil }
            (words, counts, indexed) = (r.words.keys.map { $0.map(Int32.init) }, Array(r.words.values), false)
            return (r.left, r.right)
        }
        if !indexed { buildIndex() }
        while let top = heap.pop() {
            let current = pairCount[top.pair] ?? 0
            if current != top.count {                       // a stale entry: the count has changed
                if current > 0 { heap.push(count: current, pair: top.pair) }
                continue
            }
            let left = Int32(truncatingIfNeeded: top.pair >> 32), right = Int32(truncatingIfNeeded: top.pair)
            merge(top.pair, left, right, into: Int32(newID))
            return (Int(left), Int(right))
        }
        return nil
    }

    /// Re-counts only the words that contain the pair (left, right), now merged into `result`.
    private mutating func merge(_ pair: UInt64, _ left: Int32, _ right: Int32, into result: Int32) {
        round += 1
        var created: Set<UInt64> = []
        for w32 in pairWords[pair] ?? [] {
            let w = Int(w32)
            if seenStamp[w] == round { continue }           // a word listed twice
            seenStamp[w] = round
            let old = words[w], c = counts[w]
            var merged: [Int32] = []
            merged.reserveCapacity(old.count)
            var k = 0
            while k < old.count {
                if k + 1 < old.count, old[k] == left, old[k + 1] == right {
                    merged.append(result)
                    k += 2
                } else {
                    merged.append(old[k])
                    k += 1
                }
            }
            if merged.count == old.count { continue }       // a stale entry: the pair is no longer here
            for k in 0..<(old.count - 1) { pairCount[Self.pairKey(old[k], old[k + 1]), default: 0] -= c }
            for k in 0..<max(merged.count - 1, 0) {
                let key = Self.pairKey(merged[k], merged[k + 1])
                pairCount[key, default: 0] += c
                if merged[k] == result || merged[k + 1] == result {
                    pairWords[key, default: []].append(w32)
                    created.insert(key)
                }
            }
            words[w] = merged
        }
        pairCount[pair] = nil
        pairWords[pair] = nil
        // Only pairs with the new token can have grown; push them with their new counts.
        for key in created.sorted() {
            if let c = pairCount[key], c > 0 { heap.push(count: c, pair: key) }
        }
    }
    // MARK: end

    /// Renames token `id` to `other` in every word: the trainer's fix when a merge's bytes
    /// already have a token (reached by another merge order), which then takes both places.
    public mutating func rename(_ id: Int, to other: Int) {
        let (a, b) = (Int32(id), Int32(other))
        for w in words.indices where words[w].contains(a) { words[w] = words[w].map { $0 == a ? b : $0 } }
        indexed = false
    }

    private mutating func buildIndex() {
        (pairCount, pairWords, heap) = ([:], [:], PairHeap())
        for (w, syms) in words.enumerated() where syms.count > 1 {
            for k in 0..<(syms.count - 1) {
                let key = Self.pairKey(syms[k], syms[k + 1])
                pairCount[key, default: 0] += counts[w]
                pairWords[key, default: []].append(Int32(w))
            }
        }
        for (key, c) in pairCount { heap.push(count: c, pair: key) }
        seenStamp = [Int](repeating: -1, count: words.count)
        (round, indexed) = (0, true)
    }
}

/// The shape of the function a learner plugs in with `course run transformer --mine` (see
/// `LearnerCode`): exercise 2.1's signature, without `throws`.
public typealias BPETrainingRoundFunction = ([[Int]: Int], Int) -> (left: Int, right: Int, words: [[Int]: Int])?

/// A binary max-heap of (count, pair): highest count first, then the smaller pair.
struct PairHeap {
    private var items: [(count: Int, pair: UInt64)] = []

    @inline(__always)
    private func above(_ a: (count: Int, pair: UInt64), _ b: (count: Int, pair: UInt64)) -> Bool {
        a.count != b.count ? a.count > b.count : a.pair < b.pair
    }

    mutating func push(count: Int, pair: UInt64) {
        items.append((count, pair))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard above(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (count: Int, pair: UInt64)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < items.count, above(items[l], items[best]) { best = l }
            if r < items.count, above(items[r], items[best]) { best = r }
            if best == i { break }
            items.swapAt(i, best)
            i = best
        }
        return top
    }
}
