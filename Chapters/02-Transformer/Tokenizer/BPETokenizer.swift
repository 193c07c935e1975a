import Core
import Foundation

/// A byte-level BPE tokenizer that encodes exactly as GPT-2's does.
///
/// The vocabulary starts with the 256 byte values; each merge (learned in order, its index is
/// its rank) adds the concatenation of two existing tokens. Encoding a text:
///   1. special tokens (`<|endoftext|>`, `<|im_start|>`, ...) are cut out first and become
///      their own ids;
///   2. the rest is split into pieces by GPT-2's pre-tokenisation regex (`PreTokenizer`);
///   3. each piece starts as its UTF-8 bytes, and the adjacent pair with the lowest rank is
///      merged everywhere in the piece, again and again, until no adjacent pair has a merge.
/// Decoding concatenates the tokens' bytes, so any UTF-8 text round-trips exactly.
///
/// A class because it keeps a cache of encoded pieces (text repeats words a lot); the cache is
/// guarded by a lock, so one tokenizer can be shared across threads.
public final class BPETokenizer: @unchecked Sendable {
    /// The bytes of every token, by id. A special token's bytes are its text in UTF-8.
    public let tokenBytes: [[UInt8]]
    /// The merges in rank order: `merges[r]` joins token `left` and token `right` into `result`.
    public let merges: [(left: Int, right: Int, result: Int)]
    /// Special tokens by text, e.g. `["<|endoftext|>": 50256]`.
    public let specialTokens: [String: Int]

    /// Id of the token for each byte value.
    let byteIDs: [Int32]
    /// (left, right) packed in a UInt64 -> (rank, result).
    let mergeTable: [UInt64: MergeRule]
    /// Special tokens' UTF-8, longest first so that the longest match wins.
    let specials: [(bytes: [UInt8], id: Int)]
    /// Which bytes can start a special token (a quick filter before comparing).
    let specialFirstBytes: [Bool]

    struct MergeRule { var rank: Int32; var result: Int32 }

    private let lock = NSLock()
    private var cache: [[UInt8]: [Int32]] = [:]
    static let cacheLimit = 100_000

    /// Builds a tokenizer from parts already checked by the caller (the trainer or the file
    /// loader): every byte has a token, merges refer to existing ids, ids are 0..<count.
    init(tokenBytes: [[UInt8]], byteIDs: [Int32], merges: [(left: Int, right: Int, result: Int)],
         specialTokens: [String: Int]) {
        self.tokenBytes = tokenBytes
        self.byteIDs = byteIDs
        self.merges = merges
        self.specialTokens = specialTokens
        var table: [UInt64: MergeRule] = [:]
        table.reserveCapacity(merges.count)
        for (rank, m) in merges.enumerated() {
            table[Self.pairKey(Int32(m.left), Int32(m.right))] = MergeRule(rank: Int32(rank), result: Int32(m.result))
        }
        mergeTable = table
        specials = specialTokens.map { (Array($0.key.utf8), $0.value) }
            .sorted { a, b in
                a.bytes.count != b.bytes.count ? a.bytes.count > b.bytes.count : a.bytes.lexicographicallyPrecedes(b.bytes)
            }
        var first = [Bool](repeating: false, count: 256)
        for s in specials { if let b = s.bytes.first { first[Int(b)] = true } }
        specialFirstBytes = first
    }

    @inline(__always) static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    /// Number of token ids, special tokens included.
    public var vocabSize: Int { tokenBytes.count }

    /// The id of a special token such as `"<|im_start|>"`, if this vocabulary has it.
    public func id(ofSpecial text: String) -> Int? { specialTokens[text] }

    /// The id of `<|endoftext|>`, GPT-2's end-of-sequence token, if this vocabulary has it.
    public var eosID: Int? { specialTokens["<|endoftext|>"] }

    /// A token as GPT-2's vocab.json writes it ("Ġthe" for " the"); special tokens as they are.
    public func tokenText(_ id: Int) -> String? {
        guard id >= 0, id < tokenBytes.count else { return nil }
        if let s = specialTokens.first(where: { $0.value == id })?.key { return s }
        return ByteEncoder.encode(tokenBytes[id])
    }

    // MARK: - Encoding

    /// Token ids of `text`. With `allowSpecial`, special token texts in the input become their
    /// ids; without it they are encoded as ordinary text (safe for untrusted user input).
    public func encode(_ text: String, allowSpecial: Bool = true) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(text.utf8.count / 3 + 1)
        var text = text
        text.withUTF8 { buf in
            var start = 0
            if allowSpecial, !specials.isEmpty {
                var i = 0
                while i < buf.count {
                    if specialFirstBytes[Int(buf[i])], let (len, id) = matchSpecial(buf, at: i) {
                        encodeOrdinary(UnsafeBufferPointer(rebasing: buf[start..<i]), into: &out)
                        out.append(id)
                        i += len
                        start = i
                    } else {
                        i += 1
                    }
                }
            }
            encodeOrdinary(UnsafeBufferPointer(rebasing: buf[start...]), into: &out)
        }
        return out
    }

    /// The longest special token that starts at byte `i`, as (byte length, id).
    func matchSpecial(_ buf: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int)? {
        for s in specials where !s.bytes.isEmpty && s.bytes.count <= buf.count - i {
            var k = 0
            while k < s.bytes.count, buf[i + k] == s.bytes[k] { k += 1 }
            if k == s.bytes.count { return (k, s.id) }
        }
        return nil
    }

    /// Text without special tokens: pre-tokenise, then BPE each piece.
    private func encodeOrdinary(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int]) {
        guard !bytes.isEmpty else { return }
        PreTokenizer.forEachPiece(bytes) { r in
            if r.count == 1 {
                out.append(Int(byteIDs[Int(bytes[r.lowerBound])]))
                return
            }
            let piece = Array(UnsafeBufferPointer(rebasing: bytes[r]))
            lock.lock()
            let hit = cache[piece]
            lock.unlock()
            if let hit {
                for id in hit { out.append(Int(id)) }
                return
            }
            var symbols = piece.map { byteIDs[Int($0)] }
            applyMerges(&symbols)
            for id in symbols { out.append(Int(id)) }
            lock.lock()
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[piece] = symbols
            lock.unlock()
        }
    }

    // MARK: book bpe-merge-loop
    /// GPT-2's merge loop on one piece: find the adjacent pair with the lowest merge rank,
    /// replace every occurrence of it (left to right, not overlapping), repeat until no
    /// adjacent pair can be merged.
    func applyMerges(_ symbols: inout [Int32]) {
        while symbols.count > 1 {
            var best = MergeRule(rank: .max, result: -1)
            var left: Int32 = -1, right: Int32 = -1
            for k in 0..<(symbols.count - 1) {
                if let m = mergeTable[Self.pairKey(symbols[k], symbols[k + 1])], m.rank < best.rank {
                    best = m
                    left = symbols[k]
                    right = symbols[k + 1]
                }
            }
            if best.result < 0 { break }
            var w = 0, k = 0
            while k < symbols.count {
                if k + 1 < symbols.count, symbols[k] == left, symbols[k + 1] == right {
                    symbols[w] = best.result
                    k += 2
                } else {
                    symbols[w] = symbols[k]
                    k += 1
                }
                w += 1
            }
            symbols.removeLast(symbols.count - w)
        }
    }
    // MARK: end

    // MARK: - Decoding

    /// The bytes the ids stand for. An id outside the vocabulary becomes U+FFFD's bytes.
    public func decodeBytes(_ ids: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        for id in ids {
            if id >= 0, id < tokenBytes.count { out += tokenBytes[id] } else { out += [0xEF, 0xBF, 0xBD] }
        }
        return out
    }

    /// The text the ids stand for. Ids that cut a multi-byte character in half (possible when
    /// a model samples freely) decode to U+FFFD, as GPT-2's `errors="replace"` does.
    public func decode(_ ids: [Int]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }
}
