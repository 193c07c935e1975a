import Foundation

/// Mends a reply's copying mistakes: an order id, date, amount or duration that is not in the
/// prompt is replaced by the value of the same kind the reply should have quoted, when that
/// value can be told unambiguously. Everything else is left as the reply wrote it, so the
/// mended reply and the original differ only in the wrong values.
///
/// Chapter 8 uses it to make preference pairs from the SFT model's own greedy replies: the
/// rejected reply is the model's, mistakes and all, and the chosen one is the same reply mended.
public enum ValueCorrection {
    /// One mended value: what the reply wrote and the fact that replaced it.
    public struct Fix: Sendable, Equatable {
        public var wrong: String
        public var right: Fact
        public init(wrong: String, right: Fact) { (self.wrong, self.right) = (wrong, right) }
    }

    // MARK: book value-correction
    /// The mended reply and its fixes (none when nothing could be mended unambiguously).
    public static func correct(_ reply: String, truth: Truth) -> (text: String, fixes: [Fix]) {
        let text = Extractor.normalize(reply)
        let quoted = Set(Extractor.values(normalized: text))
        let allowed = Set(truth.allowed)
        // A span the grader reads differently ("7 business days" inside "5 to 7 business days")
        // is not among the values it found, and is left alone.
        let wrong = spans(reply).filter { quoted.contains($0.canon) && !allowed.contains($0.canon) }
        let required = truth.required.map { (fact: $0, kind: Kind.of($0.value)) }
        let inPrompt = truth.allowed.map { (value: $0, kind: Kind.of($0)) }
        var mends: [(span: Span, right: Fact)] = []
        for kind in Kind.allCases {
            let mine = wrong.filter { $0.kind == kind }
            guard !mine.isEmpty else { continue }
            // The required facts of this kind the reply misses; when there are as many as
            // wrong values, the reply's n-th wrong value stands for the n-th missing fact (the
            // templates quote facts in the facts block's order). Failing that, a value of this
            // kind that the prompt holds and the reply does not quote, if there is only one.
            var right = required.filter { $0.kind == kind && !Grader.quotes(text, $0.fact.value, values: quoted) }.map(\.fact)
            if right.count != mine.count {
                let unquoted = inPrompt.filter { $0.kind == kind && !quoted.contains($0.value) }.map(\.value)
                guard mine.count == 1, unquoted.count == 1, let shown = kind.displayed(unquoted[0]) else { continue }
                right = [Fact(name: "value", value: shown)]
            }
            mends += zip(mine, right).map { ($0, $1) }
        }
        // Back to front, so earlier ranges stay valid while later ones are replaced.
        var out = reply
        for m in mends.sorted(by: { $0.span.range.lowerBound > $1.span.range.lowerBound }) {
            out.replaceSubrange(m.span.range, with: m.span.kind.written(m.right.value, like: String(reply[m.span.range])))
        }
        let fixes = mends.sorted { $0.span.range.lowerBound < $1.span.range.lowerBound }
            .map { Fix(wrong: String(reply[$0.span.range]), right: $0.right) }
        return (out, fixes)
    }
    // MARK: end

    /// Kinds of checkable value; a wrong value is only replaced by a right one of its kind.
    enum Kind: CaseIterable {
        case orderID, date, money, duration

        var patterns: [NSRegularExpression] {
            switch self {
            case .orderID: [Extractor.orderID]
            case .date: [Extractor.dateEN, Extractor.dateJA]
            case .money: [Extractor.money]
            case .duration: [Extractor.durationEN, Extractor.durationJA]
            }
        }

        static func of(_ value: String) -> Kind? {
            let v = Extractor.normalize(value)
            return allCases.first { k in k.patterns.contains { $0.firstMatch(in: v, range: NSRange(v.startIndex..., in: v)) != nil } }
        }

        /// A canonical value (from `Truth.allowed`) as a reply would write it: "october 3" →
        /// "October 3", "sd-12345" → "SD-12345"; nil for kinds whose written form is not
        /// recoverable (amounts and durations lose their wording).
        func displayed(_ canon: String) -> String? {
            switch self {
            case .orderID: canon.uppercased()
            case .date: canon.first!.isLetter ? canon.prefix(1).uppercased() + canon.dropFirst() : canon
            case .money, .duration: nil
            }
        }

        /// The fact's value, in the form the wrong one had: "30-day window" stays adjectival.
        func written(_ value: String, like wrong: String) -> String {
            guard self == .duration, let dash = wrong.lastIndex(of: "-"), wrong[wrong.index(after: dash)...].allSatisfy(\.isLetter),
                  let space = value.firstIndex(of: " ") else { return value }
            var unit = String(value[value.index(after: space)...])
            if unit.hasSuffix("s") { unit.removeLast() }
            return value[..<space] + "-" + unit
        }
    }

    /// A value as the reply writes it.
    struct Span {
        var range: Range<String.Index>
        var kind: Kind
        /// The extractor's canonical form, as in `Truth.allowed`.
        var canon: String
    }

    static let caseInsensitive: [(Kind, NSRegularExpression)] = Kind.allCases.flatMap { k in
        k.patterns.map { (k, try! NSRegularExpression(pattern: $0.pattern, options: .caseInsensitive)) }
    }

    /// Every value in the reply as written: its range, kind and canonical form. The extractor's
    /// patterns run case-insensitively on a folded copy of the reply ("7〜10営業日" →
    /// "7-10営業日", `Extractor.fold`), so a match's range is also the reply's own.
    static func spans(_ reply: String) -> [Span] {
        let folded = String(String.UnicodeScalarView(reply.unicodeScalars.map(Extractor.fold)))
        var out: [Span] = []
        var taken: [NSRange] = []
        for (kind, rx) in caseInsensitive {
            for m in rx.matches(in: folded, range: NSRange(folded.startIndex..., in: folded))
            where !taken.contains(where: { NSIntersectionRange($0, m.range).length > 0 }) {
                guard let r = Range(m.range, in: reply), let canon = Extractor.values(in: String(reply[r]), lang: .en).first else { continue }
                out.append(Span(range: r, kind: kind, canon: canon))
                taken.append(m.range)
            }
        }
        return out.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}
