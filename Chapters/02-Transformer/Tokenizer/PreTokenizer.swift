// GPT-2 does not run BPE over a whole text: it first cuts the text into pieces with a regex,
// and merges never cross a piece boundary. The pattern is
//
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// tried left to right at each position, first alternative that matches wins:
//   1. an English contraction suffix ('s 't 're 've 'm 'll 'd, lowercase only);
//   2. an optional single space and a run of letters (so " world" is one piece);
//   3. an optional single space and a run of numbers;
//   4. an optional single space and a run of anything else that is not whitespace;
//   5. a run of whitespace that is not followed by a non-space: inside text, this leaves the
//      last whitespace character for the next word ("a   b" -> "a", "  ", " b");
//   6. any other run of whitespace (a single newline before a word, say).
// Here the pattern is matched by hand over Unicode scalars (Swift's Regex is far too slow for
// a corpus), with the same classes as Python's `regex` module: \s is White_Space, \p{L} the
// letter categories, \p{N} the number categories.

/// GPT-2's pre-tokenisation: text -> pieces, each encoded by BPE on its own.
public enum PreTokenizer {
    /// Character classes of the regex.
    enum Kind: UInt8 { case letter, number, space, other }

    /// The pieces of `text`, as strings (for tests and for the book).
    public static func split(_ text: String) -> [String] {
        let utf8 = Array(text.utf8)
        return utf8.withUnsafeBufferPointer { buf in
            var out: [String] = []
            forEachPiece(buf) { r in out.append(String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)) }
            return out
        }
    }

    /// Calls `body` with the byte range of each piece of valid UTF-8 `bytes`, in order.
    /// The ranges tile the input: concatenated, the pieces give back the text.
    static func forEachPiece(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        // Decode once: per scalar its class, its value, and its byte offset.
        var kinds: [Kind] = []
        var values: [UInt32] = []
        var offsets: [Int] = []
        kinds.reserveCapacity(bytes.count)
        values.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var p = 0
        while p < bytes.count {
            let (v, len) = decodeScalar(bytes, at: p)
            offsets.append(p)
            values.append(v)
            kinds.append(kind(of: v))
            p += len
        }
        offsets.append(bytes.count)
        let n = values.count

        func run(_ k: Kind, from start: Int) -> Int {
            var j = start
            while j < n, kinds[j] == k { j += 1 }
            return j
        }

        var i = 0
        while i < n {
            let c = values[i]
            var end: Int
            if c == 0x27, let e = contractionEnd(values, i) {
                end = e                                               // 1. 's 't 're ...
            } else if c == 0x20, i + 1 < n, kinds[i + 1] != .space {
                end = run(kinds[i + 1], from: i + 1)                  // 2-4. " " + run
            } else if kinds[i] != .space {
                end = run(kinds[i], from: i)                          // 2-4. run, no space
            } else {
                let e = run(.space, from: i)
                if e == n { end = e }                                 // 5. trailing whitespace
                else if e - i >= 2 { end = e - 1 }                    // 5. leave one for the word
                else { end = e }                                      // 6. one lone whitespace
            }
            body(offsets[i]..<offsets[end])
            i = end
        }
    }

    /// End index of a contraction starting at the apostrophe at `i`, if there is one.
    @inline(__always)
    static func contractionEnd(_ v: [UInt32], _ i: Int) -> Int? {
        guard i + 1 < v.count else { return nil }
        switch v[i + 1] {
        case 0x73, 0x74, 0x6D, 0x64: return i + 2                    // s t m d
        case 0x72, 0x76:                                             // re ve
            return i + 2 < v.count && v[i + 2] == 0x65 ? i + 3 : nil
        case 0x6C:                                                   // ll
            return i + 2 < v.count && v[i + 2] == 0x6C ? i + 3 : nil
        default: return nil
        }
    }

    /// Classes of the 128 ASCII characters, looked up without touching Unicode tables.
    static let asciiKinds: [Kind] = (0..<128).map { v in
        let s = Unicode.Scalar(UInt8(v))
        return slowKind(of: s)
    }

    @inline(__always)
    static func kind(of v: UInt32) -> Kind {
        if v < 128 { return asciiKinds[Int(v)] }
        return slowKind(of: Unicode.Scalar(v) ?? "\u{FFFD}")
    }

    static func slowKind(of s: Unicode.Scalar) -> Kind {
        let p = s.properties
        if p.isWhitespace { return .space }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }

    /// Decodes one scalar of valid UTF-8 at `p`: (value, byte length).
    @inline(__always)
    static func decodeScalar(_ b: UnsafeBufferPointer<UInt8>, at p: Int) -> (UInt32, Int) {
        let b0 = UInt32(b[p])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(b[p + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(b[p + 1] & 0x3F) << 6 | UInt32(b[p + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(b[p + 1] & 0x3F) << 12 | UInt32(b[p + 2] & 0x3F) << 6 | UInt32(b[p + 3] & 0x3F), 4)
    }
}
