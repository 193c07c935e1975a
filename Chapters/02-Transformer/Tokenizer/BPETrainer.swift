import Core
// Training a byte-level BPE: start from the 256 bytes and repeatedly add the most frequent
// adjacent pair of tokens as a new token, until the vocabulary has the size asked for.
//
// Done naively (re-count every pair of the corpus after each merge) this is far too slow. Two
// observations make it fast, as in Hugging Face `tokenizers`:
//   - merges never cross a pre-tokenised piece, so the corpus is a bag of distinct words with
//     counts: count them once ("the" appears 40,000 times but is merged once);
//   - a merge only changes the words that contain the pair, so keep, for each pair, its count
//     and the words it occurs in, and update both for just those words.
// The most frequent pair comes from a max-heap whose stale entries are re-checked when popped.
// Ties go to the pair with the smaller (left, right) ids, so training is deterministic (and
// picks the same merges as `tokenizers`' BpeTrainer, whose ids are in the same order).

extension BPETokenizer {
    /// Trains a tokenizer on `corpus` with `vocabSize` ids in all: the 256 byte tokens (in
    /// GPT-2's order), the learned merges, then `specialTokens` (like GPT-2's `<|endoftext|>`,
    /// which comes after its 50,000 merges). Special token texts in the corpus are not learned
    /// from. Training stops early if no pair is left to merge.
    ///
    /// `splitDigits`: learn no merge whose result contains a digit, so every digit stays a token
    /// of its own ("SD-23340" is S D - 2 3 3 4 0, not "2" "33" "40"). A model then copies a
    /// number digit by digit with the same few tokens, instead of learning each multi-digit
    /// token's row on its own. The files stay GPT-2's vocab.json and merges.txt, and any GPT-2
    /// tokenizer (Hugging Face's too) gives the same ids, because a merge that is not in the
    /// list never happens.
    public static func train(corpus: [String], vocabSize: Int, specialTokens: [String], splitDigits: Bool = false) -> BPETokenizer {
        var specials: [String] = []
        for s in specialTokens where !s.isEmpty && !specials.contains(s) { specials.append(s) }

        // The 256 byte tokens, with ids in GPT-2's order.
        var tokenBytes: [[UInt8]] = ByteEncoder.idOrder.map { [$0] }
        var byteIDs = [Int32](repeating: 0, count: 256)
        for (id, b) in ByteEncoder.idOrder.enumerated() { byteIDs[Int(b)] = Int32(id) }
        var idOfBytes: [[UInt8]: Int32] = [:]
        for (id, t) in tokenBytes.enumerated() { idOfBytes[t] = Int32(id) }

        // Count the distinct pre-tokenised words, in order of first appearance.
        let splitter = BPETokenizer(tokenBytes: tokenBytes, byteIDs: byteIDs, merges: [],
                                    specialTokens: Dictionary(specials.enumerated().map { ($1, 256 + $0) }) { a, _ in a })
        var wordIndex: [[UInt8]: Int] = [:]
        var words: [[Int32]] = []
        var counts: [Int] = []
        for text in corpus {
            splitter.forEachOrdinaryPiece(text) { piece in
                if let w = wordIndex[piece] {
                    counts[w] += 1
                } else {
                    wordIndex[piece] = words.count
                    words.append(piece.map { byteIDs[Int($0)] })
                    counts.append(1)
                }
            }
        }

        // Pair counts and, per pair, the words it occurs in (may hold stale or repeated entries).
        var pairCount: [UInt64: Int] = [:]
        var pairWords: [UInt64: [Int32]] = [:]
        for (w, syms) in words.enumerated() where syms.count > 1 {
            for k in 0..<(syms.count - 1) {
                let key = pairKey(syms[k], syms[k + 1])
                pairCount[key, default: 0] += counts[w]
                pairWords[key, default: []].append(Int32(w))
            }
        }
        var heap = PairHeap()
        for (key, c) in pairCount { heap.push(count: c, pair: key) }

        var merges: [(left: Int, right: Int, result: Int)] = []
        var seenStamp = [Int](repeating: -1, count: words.count)
        let target = max(vocabSize - specials.count, 256)
        while tokenBytes.count < target, let top = heap.pop() {
            let current = pairCount[top.pair] ?? 0
            if current != top.count {
                if current > 0 { heap.push(count: current, pair: top.pair) }
                continue
            }
            if splitDigits && (hasDigit(tokenBytes[Int(top.pair >> 32)]) || hasDigit(tokenBytes[Int(UInt32(truncatingIfNeeded: top.pair))])) {
                continue                    // dropped from the heap: this pair is never merged
            }
            // MARK: book bpe-train-merge
            let left = Int32(truncatingIfNeeded: top.pair >> 32), right = Int32(truncatingIfNeeded: top.pair)
            let bytes = tokenBytes[Int(left)] + tokenBytes[Int(right)]
            let result: Int32
            if let existing = idOfBytes[bytes] {
                result = existing               // the same bytes reached by another merge order
            } else {
                result = Int32(tokenBytes.count)
                tokenBytes.append(bytes)
                idOfBytes[bytes] = result
            }
            merges.append((Int(left), Int(right), Int(result)))

            // Re-count only the words that contain the pair.
            var created: Set<UInt64> = []
            for w32 in pairWords[top.pair] ?? [] {
                let w = Int(w32)
                if seenStamp[w] == merges.count { continue }
                seenStamp[w] = merges.count
                let old = words[w]
                let c = counts[w]
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
                if let mine = LearnerCode.function("mergePair", as: MergePairFunction.self) { merged = mine(old.map(Int.init), Int(left), Int(right), Int(result)).map(Int32.init) }
                if merged.count == old.count { continue }   // stale entry: pair no longer here
                for k in 0..<(old.count - 1) { pairCount[pairKey(old[k], old[k + 1]), default: 0] -= c }
                for k in 0..<max(merged.count - 1, 0) {
                    let key = pairKey(merged[k], merged[k + 1])
                    pairCount[key, default: 0] += c
                    if merged[k] == result || merged[k + 1] == result {
                        pairWords[key, default: []].append(w32)
                        created.insert(key)
                    }
                }
                words[w] = merged
            }
            // MARK: end
            pairCount[top.pair] = nil
            pairWords[top.pair] = nil
            // Only pairs with the new token can have grown; push them with their new counts.
            for key in created.sorted() {
                if let c = pairCount[key], c > 0 { heap.push(count: c, pair: key) }
            }
        }

        var specialIDs: [String: Int] = [:]
        for s in specials {
            specialIDs[s] = tokenBytes.count
            tokenBytes.append(Array(s.utf8))
        }
        return BPETokenizer(tokenBytes: tokenBytes, byteIDs: byteIDs, merges: merges, specialTokens: specialIDs)
    }

    static func hasDigit(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 >= 0x30 && $0 <= 0x39 } }

    /// Calls `body` with the bytes of each pre-tokenised piece of `text`, skipping special tokens.
    func forEachOrdinaryPiece(_ text: String, _ body: ([UInt8]) -> Void) {
        var text = text
        text.withUTF8 { buf in
            var start = 0
            var i = 0
            func flush(_ end: Int) {
                let seg = UnsafeBufferPointer(rebasing: buf[start..<end])
                PreTokenizer.forEachPiece(seg) { r in body(Array(UnsafeBufferPointer(rebasing: seg[r]))) }
            }
            while i < buf.count {
                if specialFirstBytes[Int(buf[i])], let (len, _) = matchSpecial(buf, at: i) {
                    flush(i)
                    i += len
                    start = i
                } else {
                    i += 1
                }
            }
            flush(buf.count)
        }
    }
}

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
