import Foundation

/// Finds the checkable values in a text (order ids, dates, amounts, durations, percentages) and
/// writes them in one canonical form, so "5–7 business days", "5 to 7 business days" and
/// "５〜７営業日" compare equal to what the facts block says. The grader uses it to tell quoted
/// facts from invented ones.
public enum Extractor {
    /// Lowercase, full-width ASCII folded to ASCII, every dash and wave dash made "-",
    /// "5 to 7" made "5-7", whitespace collapsed.
    public static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var lastWasSpace = true  // drops leading spaces
        var hasTo = false, hasSpacedDash = false
        for u in text.unicodeScalars {
            var c = fold(u)
            switch c.value {
            case 0x3000, 0x09, 0x0A, 0x0D, 0x20: c = " "
            case 0x41...0x5A: c = Unicode.Scalar(c.value + 32)!
            case 0x80...: if c.properties.changesWhenLowercased, let l = c.properties.lowercaseMapping.unicodeScalars.first { c = l }
            default: break
            }
            if c == " " {
                if lastWasSpace { continue }
                lastWasSpace = true
            } else {
                if c == "-" && lastWasSpace { hasSpacedDash = true }
                if c == "o", scalars.last == "t", lastWasSpace == false { hasTo = true }
                lastWasSpace = false
            }
            if c == " " && scalars.last == "-" { hasSpacedDash = true }
            scalars.append(c)
        }
        if scalars.last == " " { scalars.removeLast() }
        var s = String(scalars)
        if hasTo, s.has(" to ") { s = toRange.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "$1-$2") }
        if hasSpacedDash {
            s = spacedDash.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "$1-$2")
        }
        return s
    }

    /// Full-width ASCII made ASCII, and every dash, minus and wave dash ("〜", "~") made "-":
    /// one scalar for one, so positions in a folded text are positions in the original.
    static func fold(_ u: Unicode.Scalar) -> Unicode.Scalar {
        let c = (0xFF01...0xFF5E).contains(u.value) ? Unicode.Scalar(u.value - 0xFEE0)! : u
        switch c.value {
        case 0x2010...0x2015, 0x2212, 0x301C, 0x7E: return "-"
        default: return c
        }
    }

    /// The canonical values in `text` (which need not be normalised), in order of appearance.
    public static func values(in text: String, lang: Language) -> [String] {
        values(normalized: normalize(text))
    }

    /// Both languages' patterns are applied: a reply may mix scripts.
    static func values(normalized s: String) -> [String] {
        var found: [(Int, String)] = []
        let text = s as NSString
        let whole = NSRange(location: 0, length: text.length)
        var taken: [NSRange] = []
        // Patterns run in priority order; a later match overlapping an earlier one is skipped
        // (the "6日" inside "3月6日" is part of a date, not a duration).
        func scan(_ rx: NSRegularExpression, _ canon: (String) -> String) {
            var mine: [NSRange] = []
            for m in rx.matches(in: s, range: whole)
            where !taken.contains(where: { NSIntersectionRange($0, m.range).length > 0 }) {
                found.append((m.range.location, canon(text.substring(with: m.range))))
                mine.append(m.range)
            }
            taken += mine
        }
        // Cheap tests first: most texts lack most kinds of value, and regexes are the cost here.
        let cjk = s.unicodeScalars.contains { $0.value >= 0x3000 }
        if s.has("-") { scan(orderID) { $0 } }
        if Extractor.monthPrefixes.contains(where: { s.has($0) }) {
            scan(dateEN) { ordinal.stringByReplacingMatches(in: $0, range: NSRange($0.startIndex..., in: $0), withTemplate: "$1") }
        }
        if cjk && s.has("月") { scan(dateJA) { $0 } }
        if s.has("$") || (cjk && s.has("円")) {
            scan(money) { m in
                let digits = m.replacingOccurrences(of: ",", with: "")
                if digits.hasPrefix("$") { return digits.contains(".") ? digits : digits + ".00" }
                return digits
            }
        }
        if ["day", "week", "month", "year", "hour"].contains(where: { s.has($0) }) {
            scan(durationEN) { d in
                var t = d.replacingOccurrences(of: "-day", with: " day").replacingOccurrences(of: "-week", with: " week")
                    .replacingOccurrences(of: "-month", with: " month").replacingOccurrences(of: "-year", with: " year")
                    .replacingOccurrences(of: "working ", with: "business ")
                if t.hasSuffix("s") { t.removeLast() }
                return t
            }
        }
        if cjk {
            scan(durationJA) { d in
                d.replacingOccurrences(of: "日間", with: "日").replacingOccurrences(of: "ヶ月", with: "か月")
                    .replacingOccurrences(of: "カ月", with: "か月").replacingOccurrences(of: "年間", with: "年")
            }
        }
        if s.has("%") { scan(percent) { $0.replacingOccurrences(of: " ", with: "") } }
        return found.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static let monthPrefixes = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let ordinal = try! NSRegularExpression(pattern: #"(\d)(?:st|nd|rd|th)\b"#)
    static let toRange = try! NSRegularExpression(pattern: #"(\d) to (\d)"#)
    static let spacedDash = try! NSRegularExpression(pattern: #"(\d) ?- ?(\d)"#)
    /// Lookarounds, not \b: in Japanese "番号SD-48213を" has no word boundary around the id.
    static let orderID = try! NSRegularExpression(pattern: #"(?<![a-z0-9])[a-z]{2}-\d{4,6}(?![0-9])"#)
    static let dateEN = try! NSRegularExpression(
        pattern: #"\b(?:january|february|march|april|may|june|july|august|september|october|november|december) \d{1,2}(?:st|nd|rd|th)?\b(?:, \d{4})?"#)
    static let dateJA = try! NSRegularExpression(pattern: #"(?:\d{4}年)?\d{1,2}月\d{1,2}日"#)
    static let money = try! NSRegularExpression(pattern: #"\$\d[\d,]*(?:\.\d{2})?|\d[\d,]*円"#)
    static let durationEN = try! NSRegularExpression(
        pattern: #"\b\d+(?:-\d+)?(?: (?:business |working |calendar )?(?:days?|weeks?|months?|years?|hours?)\b|-(?:day|week|month|year)\b)"#)
    static let durationJA = try! NSRegularExpression(pattern: #"\d+(?:-\d+)?(?:営業日|日間|日|ヶ月|カ月|か月|年間|年|時間)"#)
    static let percent = try! NSRegularExpression(pattern: #"\d+ ?%"#)
}
