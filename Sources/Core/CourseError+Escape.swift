import Foundation

extension CourseError {
    /// Text from a file, made safe to quote in a one-line error: control characters and line
    /// separators become escapes (`\n`, `\u{1C}`), so a tensor name or a CSV cell holding a
    /// newline cannot split the message or garble the terminal. Long text is cut at `limit`
    /// characters (with "…").
    public static func escape(_ s: some StringProtocol, limit: Int = 200) -> String {
        var out = ""
        var n = 0
        for u in s.unicodeScalars {
            if n == limit { out += "…"; break }
            n += 1
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x7F || u.value == 0x85 || u.value == 0x2028 || u.value == 0x2029:
                out += "\\u{\(String(u.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
