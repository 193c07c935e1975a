import Foundation

/// Finds personal-data patterns in text: email addresses, phone numbers and payment card
/// numbers (13-19 digits passing the Luhn check, so order ids and amounts do not trigger it).
public enum PersonalData {
    public enum Kind: String, Sendable {
        case email = "email address"
        case phone = "phone number"
        case card = "card number"
    }

    /// Each match, masked for printing ("jo…@example.com", "…5678").
    public static func find(in text: String) -> [(kind: Kind, masked: String)] {
        var out: [(Kind, String)] = []
        let ns = text as NSString
        let range = NSRange(location: 0, length: ns.length)
        var taken: [NSRange] = []
        for m in card.matches(in: text, range: range) {
            let digits = ns.substring(with: m.range).filter(\.isNumber)
            // A long digit run is never a phone number, card or not.
            taken.append(m.range)
            if (13...19).contains(digits.count), luhn(digits) { out.append((.card, "…" + digits.suffix(4))) }
        }
        for m in email.matches(in: text, range: range) {
            let s = ns.substring(with: m.range)
            out.append((.email, String(s.prefix(2)) + "…" + (s.firstIndex(of: "@").map { String(s[$0...]) } ?? "")))
        }
        for m in phone.matches(in: text, range: range) where !taken.contains(where: { NSIntersectionRange($0, m.range).length > 0 }) {
            let digits = ns.substring(with: m.range).filter(\.isNumber)
            if (9...13).contains(digits.count) { out.append((.phone, "…" + digits.suffix(4))) }
        }
        return out
    }

    static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (i, c) in digits.reversed().enumerated() {
            var d = Int(String(c))!
            if i % 2 == 1 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return sum % 10 == 0
    }

    static let email = try! NSRegularExpression(pattern: #"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#)
    /// 090-1234-5678, 03-1234-5678, (555) 123-4567, +1 555 123 4567, 555.123.4567.
    static let phone = try! NSRegularExpression(
        pattern: #"(?<![\w-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w-])"#)
    static let card = try! NSRegularExpression(pattern: #"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])"#)
}
