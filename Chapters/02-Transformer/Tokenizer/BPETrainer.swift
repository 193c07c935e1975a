import Core
// Training a byte-level BPE: start from the 256 bytes and repeatedly add the most frequent
// adjacent pair of tokens as a new token, until the vocabulary has the size asked for.
// Merges never cross a pre-tokenised piece, so the corpus is a bag of distinct words with
// counts (`BPEWordCounts`), and each round of training merges one pair in those words.

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

        // A digit never merges (splitDigits), so no pair across one counts: cut the words at
        // their digits, which leaves exactly the pairs that may merge, with their counts.
        if splitDigits {
            var pieces: [[Int32]: Int] = [:]
            for (w, c) in zip(words, counts) {
                for piece in w.split(whereSeparator: { hasDigit(tokenBytes[Int($0)]) }) { pieces[Array(piece), default: 0] += c }
            }
            (words, counts) = (Array(pieces.keys), Array(pieces.values))
        }

        // MARK: book bpe-train-loop
        // Rounds of training until the vocabulary is full or no pair is left. The new token is
        // the two tokens' bytes; when another merge order already reached those bytes, their
        // token takes the new one's place.
        var corpus = BPEWordCounts(words: words, counts: counts)
        var merges: [(left: Int, right: Int, result: Int)] = []
        let target = max(vocabSize - specials.count, 256)
        while tokenBytes.count < target, let (left, right) = corpus.mergeMostFrequentPair(into: tokenBytes.count) {
            let bytes = tokenBytes[left] + tokenBytes[right]
            if let existing = idOfBytes[bytes] {
                corpus.rename(tokenBytes.count, to: Int(existing))
                merges.append((left, right, Int(existing)))
            } else {
                idOfBytes[bytes] = Int32(tokenBytes.count)
                merges.append((left, right, tokenBytes.count))
                tokenBytes.append(bytes)
            }
        }
        // MARK: end

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
