import Foundation

/// Tick values and labels: "nice" numbers in 1-2-5 steps for linear axes, decades (with 2 and
/// 5 between them when the range is short) for log axes, and labels with just enough digits.
enum Ticks {
    /// 10^k, exact for every k the parser can represent (so labels never show 0.30000000000000004).
    static func pow10(_ k: Int) -> Double { Double("1e\(k)") ?? .nan }

    /// The smallest step of the form {1, 2, 5} x 10^k that is >= raw.
    static func niceStep(atLeast raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let k = Int(log10(raw).rounded(.down))
        for e in k - 1...k + 1 {
            for m in [1.0, 2, 5] where m * pow10(e) >= raw * (1 - 1e-9) { return m * pow10(e) }
        }
        return pow10(k + 2)
    }

    /// Ticks covering [lo, hi] with at most `maxCount` values, and their common step.
    static func linear(_ lo: Double, _ hi: Double, maxCount: Int) -> (values: [Double], step: Double) {
        guard lo.isFinite, hi.isFinite, hi > lo else { return (lo.isFinite ? [lo] : [], 1) }
        var step = niceStep(atLeast: (hi - lo) / Double(max(1, maxCount - 1)))
        while true {
            let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
            if last - first + 1 <= Double(max(1, maxCount)) || first > last {
                var v: [Double] = []
                if first <= last { for k in Int(first)...Int(last) { v.append(Double(k) * step) } }
                return (v, step)
            }
            step = niceStep(atLeast: step * 1.0001)
        }
    }

    /// Major ticks for a log axis over [lo, hi] (both > 0) and minor ticks for faint grid lines.
    /// Several decades: the powers of ten (every n-th if crowded). Shorter ranges: 1-2-5, then
    /// 1-2-3-5, then 1-2-3-4-5-6-8 multiples, the densest whose neighbours stay `minGap` apart
    /// (as a fraction of the axis); failing all of those, linear ticks.
    static func log(_ lo: Double, _ hi: Double, maxCount: Int, minGap: Double = 0.05) -> (major: [Double], minor: [Double], step: Double?) {
        guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return ([], [], nil) }
        let k0 = Int(log10(lo).rounded(.down)), k1 = Int(log10(hi).rounded(.up))
        let span = log10(hi) - log10(lo)
        let inRange = { (v: Double) in v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) }
        func multiples(_ ms: [Int]) -> [Double] {
            var v: [Double] = []
            for k in k0...k1 { for m in ms { let x = Double(m) * pow10(k); if inRange(x) { v.append(x) } } }
            return v
        }
        func spaced(_ v: [Double]) -> Bool {
            zip(v, v.dropFirst()).allSatisfy { (log10($1) - log10($0)) / span >= minGap }
        }
        let decades = multiples([1])
        if decades.count >= 3 || (decades.count == 2 && !spaced(multiples([1, 2, 5]))) {
            let every = max(1, (decades.count + maxCount - 1) / max(1, maxCount))
            let kept = decades.enumerated().filter { $0.offset % every == 0 }.map(\.element)
            let minor = every == 1 && k1 - k0 <= 8 ? multiples(Array(2...9)) : decades.filter { !kept.contains($0) }
            return (kept, minor, nil)
        }
        for ms in [[1, 2, 3, 4, 5, 6, 8], [1, 2, 3, 5], [1, 2, 5]] {
            let v = multiples(ms)
            if v.count >= 3 && v.count <= maxCount && spaced(v) {
                return (v, multiples(Array(1...9)).filter { !v.contains($0) }, nil)
            }
        }
        let lin = linear(lo, hi, maxCount: maxCount)
        return (lin.values, [], lin.step)
    }

    /// Labels for linear ticks with a common step: as many decimals as the step needs, a "k" or
    /// "M" suffix for round thousands or millions (steps and tokens of training runs), and short
    /// scientific notation ("2e-5") for very small or very large values.
    static func labels(_ values: [Double], step: Double) -> [String] {
        guard let biggest = values.map(abs).max(), step > 0, step.isFinite else { return values.map { format($0, decimals: 0) } }
        let stepExp = Int(log10(step).rounded(.down))
        if biggest >= 1e10 || stepExp < -4 {
            return values.map { scientific($0, step: step) }
        }
        for (unit, suffix) in [(1e6, "M"), (1e3, "k")] where biggest >= 10 * unit {
            if values.allSatisfy({ ($0 / unit).rounded() * unit == $0 }) || step >= unit {
                let d = max(0, -Int(log10(step / unit).rounded(.down)))
                return values.map { $0 == 0 ? "0" : format($0 / unit, decimals: d) + suffix }
            }
        }
        return values.map { format($0, decimals: max(0, -stepExp)) }
    }

    /// Labels for log-axis ticks that are not on a common step (decades, 1-2-5 multiples).
    static func logLabels(_ values: [Double]) -> [String] {
        values.map { v in
            let e = Int(log10(v).rounded(.down))
            if e >= -4 && e <= 5 {
                let m = v / pow10(e)
                let d = (m - m.rounded()).magnitude < 1e-6 ? max(0, -e) : max(0, -e + 1)
                return format(v, decimals: d)
            }
            return scientific(v, step: v)
        }
    }

    /// Fixed-point text with `decimals` digits after the point; "-0" is printed as "0".
    static func format(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        let d = max(0, min(decimals, 12))
        let scaled = (abs(v) * pow10(d)).rounded()
        guard scaled < 9e15 else { return scientific(v, step: abs(v)) }
        var digits = String(Int64(scaled))
        if d > 0 {
            if digits.count <= d { digits = String(repeating: "0", count: d - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
        }
        return (v < 0 && scaled != 0 ? "-" : "") + digits
    }

    /// "1.5e-5": mantissa with the digits the step needs, trailing zeros dropped.
    static func scientific(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        var e = Int(log10(abs(v)).rounded(.down))
        let stepExp = Int(log10(abs(step)).rounded(.down))
        let d = max(0, min(6, e - stepExp))
        if (abs(v) / pow10(e) * pow10(d)).rounded() >= 10 * pow10(d) {
            e += 1 // 9.99e-5 rounds to "10.0": write it as 1e-4
        }
        var m = format(v / pow10(e), decimals: max(0, min(6, e - stepExp)))
        if m.contains(".") {
            while m.hasSuffix("0") { m.removeLast() }
            if m.hasSuffix(".") { m.removeLast() }
        }
        return m + "e\(e)"
    }

    /// A short label for a single value with no step context (legend text, bar values).
    static func compact(_ v: Double) -> String {
        guard v.isFinite else { return format(v, decimals: 0) }
        if v == 0 { return "0" }
        let e = Int(log10(abs(v)).rounded(.down))
        if e >= 6 || e < -3 { return scientific(v, step: pow10(e - 2)) }
        var s = format(v, decimals: max(0, 2 - e))
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}
