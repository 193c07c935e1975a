// GPT-2's byte-to-character table. A byte-level BPE works on bytes, but GPT-2's files store
// tokens as text, and a token must not contain whitespace or control characters (merges.txt
// separates its two halves by a space). So every byte gets a printable stand-in: the 188 bytes
// that already are printable characters (! .. ~, ¡ .. ¬, ® .. ÿ) stand for themselves, and the
// other 68 (controls, space, DEL, NBSP, soft hyphen) are shifted to U+0100 and up, in order.
// That is why a space shows up as "Ġ" (U+0120) and a newline as "Ċ" (U+010A) in GPT-2's vocab.

/// GPT-2's reversible map between bytes and printable characters (`bytes_to_unicode`).
public enum ByteEncoder {
    /// The character that stands for each byte value, indexed by byte.
    public static let scalars: [Unicode.Scalar] = {
        var out = [Unicode.Scalar](repeating: " ", count: 256)
        var shifted: UInt32 = 0
        for b in 0..<256 {
            if isPrintable(b) {
                out[b] = Unicode.Scalar(UInt8(b))
            } else {
                out[b] = Unicode.Scalar(256 + shifted)!
                shifted += 1
            }
        }
        return out
    }()

    /// Inverse table: scalar value (all stand-ins are below 324) -> byte + 1 (0 means none).
    private static let inverse: [UInt16] = {
        var out = [UInt16](repeating: 0, count: 324)
        for (b, s) in scalars.enumerated() { out[Int(s.value)] = UInt16(b + 1) }
        return out
    }()

    /// Bytes in the order of GPT-2's first 256 ids: sorted by their stand-in character, which
    /// puts the printable ones first ("!" is id 0) and the shifted ones after ("Ġ" is id 220).
    public static let idOrder: [UInt8] = (0..<256).map { UInt8($0) }.sorted { scalars[Int($0)].value < scalars[Int($1)].value }

    static func isPrintable(_ b: Int) -> Bool {
        (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
    }

    /// The byte a stand-in character represents, or nil for any other character.
    @inline(__always)
    public static func byte(for s: Unicode.Scalar) -> UInt8? {
        guard s.value < 324 else { return nil }
        let v = inverse[Int(s.value)]
        return v == 0 ? nil : UInt8(v - 1)
    }

    /// Bytes -> the token text GPT-2's files use.
    public static func encode<S: Sequence<UInt8>>(_ bytes: S) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(scalars[Int(b)]) }
        return String(s)
    }

    /// Token text -> bytes, or nil if a character is not one of the 256 stand-ins.
    public static func decode(_ token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard let b = byte(for: s) else { return nil }
            out.append(b)
        }
        return out
    }
}
