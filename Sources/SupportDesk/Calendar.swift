import Foundation

/// A calendar day, counted from 1 January 2025 (the world's "current" year). Dates in 2025 are
/// written without a year ("March 6", "3月6日"), other years with it ("March 6, 2027",
/// "2027年3月6日"), so prompts stay short and every date a reply quotes can be checked.
public struct Day: Codable, Sendable, Hashable, Comparable {
    public var index: Int
    public init(_ index: Int) { self.index = index }

    public static func < (a: Day, b: Day) -> Bool { a.index < b.index }
    public static func + (d: Day, n: Int) -> Day { Day(d.index + n) }

    static let monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    /// (year, month 1-12, day 1-31). Leap years are ignored: the world's calendar has 365 days.
    public var ymd: (year: Int, month: Int, day: Int) {
        var year = 2025
        var d = index
        while d < 0 { d += 365; year -= 1 }
        while d >= 365 { d -= 365; year += 1 }
        var month = 0
        while d >= Day.monthLengths[month] { d -= Day.monthLengths[month]; month += 1 }
        return (year, month + 1, d + 1)
    }

    public func text(_ lang: Language) -> String {
        let (y, m, d) = ymd
        switch lang {
        case .en: return y == 2025 ? "\(Day.monthNames[m - 1]) \(d)" : "\(Day.monthNames[m - 1]) \(d), \(y)"
        case .ja: return y == 2025 ? "\(m)月\(d)日" : "\(y)年\(m)月\(d)日"
        }
    }

    /// Adds business days (Monday-Friday); day 0 (1 January 2025) was a Wednesday.
    public func addingBusinessDays(_ n: Int) -> Day {
        var d = self
        var left = n
        while left > 0 {
            d = d + 1
            let weekday = ((d.index % 7) + 7 + 2) % 7  // 0 = Monday
            if weekday < 5 { left -= 1 }
        }
        return d
    }
}

/// A length of time as a policy states it: "45 days", "5-7 business days", "2 years".
public enum Span: Codable, Sendable, Hashable {
    case days(Int)
    case businessDays(Int, Int)  // a range; equal bounds mean a single value
    case months(Int)

    public func text(_ lang: Language) -> String {
        switch (self, lang) {
        case (.days(let n), .en): return n == 1 ? "1 day" : "\(n) days"
        case (.days(let n), .ja): return "\(n)日"
        case (.businessDays(let a, let b), .en):
            if a == b { return a == 1 ? "1 business day" : "\(a) business days" }
            return "\(a)-\(b) business days"
        case (.businessDays(let a, let b), .ja): return a == b ? "\(a)営業日" : "\(a)〜\(b)営業日"
        case (.months(let m), .en):
            if m % 12 == 0 { return m == 12 ? "1 year" : "\(m / 12) years" }
            return "\(m) months"
        case (.months(let m), .ja): return m % 12 == 0 ? "\(m / 12)年" : "\(m)か月"
        }
    }

    /// The form `Extractor` gives this span's text ("5-7 business day", "2 year", "30日").
    public func canonical(_ lang: Language) -> String {
        switch (self, lang) {
        case (.days(let n), .en): return "\(n) day"
        case (.days(let n), .ja): return "\(n)日"
        case (.businessDays(let a, let b), .en): return a == b ? "\(a) business day" : "\(a)-\(b) business day"
        case (.businessDays(let a, let b), .ja): return a == b ? "\(a)営業日" : "\(a)-\(b)営業日"
        case (.months(let m), .en): return m % 12 == 0 ? "\(m / 12) year" : "\(m) month"
        case (.months(let m), .ja): return m % 12 == 0 ? "\(m / 12)年" : "\(m)か月"
        }
    }

    /// The longest it can take, in calendar days (for dates such as "refund expected by").
    public var maxDays: Int {
        switch self {
        case .days(let n): return n
        case .businessDays(_, let b): return b + 2 * ((b + 4) / 5)
        case .months(let m): return m * 365 / 12
        }
    }
}
