import Foundation

/// What the grader scores.
public enum Criterion: String, Codable, Sendable, CaseIterable {
    /// The four moves present, in order (and no sentence repeated).
    case structure
    /// Required facts quoted correctly and the procedure steps present.
    case facts
    /// No cold, dismissive or contradicting phrases.
    case tone
    /// No invented order ids, dates, amounts or durations (every one must be in the prompt).
    case grounded
    /// No over-assertive promises.
    case noOverPromise = "no_over_promise"
}

/// A reply's scores, each in [0, 1], and what the grader found.
public struct Grade: Codable, Sendable, Equatable {
    public var structure: Double
    public var facts: Double
    public var tone: Double
    public var grounded: Double
    public var noOverPromise: Double
    /// Weighted mean of the criteria, scaled down when the reply has little content
    /// (`min(1, structure + facts)`), so an empty or one-word reply scores near 0.
    public var overall: Double
    /// The moves found, in the order they first appear.
    public var moves: [Move]
    /// Human-readable findings: "missing move: procedure", "invented detail: \"SD-99999\"".
    public var findings: [String]

    public func score(_ c: Criterion) -> Double {
        switch c {
        case .structure: structure
        case .facts: facts
        case .tone: tone
        case .grounded: grounded
        case .noOverPromise: noOverPromise
        }
    }
}

/// The course's rule-based rater and automatic evaluator: it knows a prompt's ground truth and
/// scores any reply to it. It is deterministic and cheap, so it also serves as a verifiable
/// reward for PPO/GRPO.
///
/// Robust to small-model noise: text is normalised (case, full-width characters, dashes,
/// "5 to 7"), moves are recognised by cue phrases sentence by sentence, facts match either
/// literally or by their canonical value ("45-day" = "45 days").
public struct Grader: Sendable {
    /// Criterion weights (they sum to 1).
    public var weights: [Criterion: Double] = [.structure: 0.3, .facts: 0.3, .tone: 0.15, .grounded: 0.15, .noOverPromise: 0.1]
    /// What one cold phrase, invented value or over-promise costs on its criterion.
    public var penalty = 0.5

    public init() {}

    public func grade(reply: String, truth: Truth) -> Grade {
        let cues = Cues.of(truth.lang)
        let text = Extractor.normalize(reply)
        var findings: [String] = []

        // MARK: book grader-structure
        // Structure: label each sentence with its moves, then keep the longest run of moves that
        // appear in the house order (apology → confirm → procedure → close).
        let sentences = Grader.sentences(text)
        var first: [Move: Int] = [:]
        for (i, s) in sentences.enumerated() {
            for m in Grader.moves(in: s, cues: cues) where first[m] == nil { first[m] = i }
        }
        let found = Move.allCases.filter { first[$0] != nil }
        let chain = Grader.longestOrderedChain(found.map { first[$0]! })
        for m in Move.allCases where first[m] == nil { findings.append("missing move: \(m.rawValue)") }
        if chain < found.count { findings.append("moves out of order: \(found.sorted { first[$0]! < first[$1]! }.map(\.rawValue).joined(separator: " → "))") }
        var seen = Set<String>()
        var repeats = 0
        for s in sentences where s.count >= 8 {
            if !seen.insert(s).inserted { repeats += 1 }
        }
        if repeats > 0 { findings.append("repeated sentences: \(repeats)") }
        let structure = max(0, Double(chain) / 4 - 0.25 * Double(repeats))
        // MARK: end

        // Facts: each required fact literally or by canonical value; each step by any cue.
        let replyValues = Extractor.values(normalized: text)
        let replyValueSet = Set(replyValues)
        var hits = 0
        for f in truth.required {
            if Grader.quotes(text, f.value, values: replyValueSet) { hits += 1 } else {
                // A policy number the reply does not quote is a wrong (or missing) policy: the
                // flaw the preference data's wrong_policy replies show.
                let kind = f.isPolicy ? "wrong policy" : "missing fact"
                findings.append("\(kind): \(f.name.replacingOccurrences(of: "_", with: " ")) \"\(f.value)\"")
            }
        }
        for s in truth.steps {
            if s.cues.contains(where: { text.has($0) }) { hits += 1 } else { findings.append("missing step: \(s.name)") }
        }
        let total = truth.required.count + truth.steps.count
        let facts = total == 0 ? 1 : Double(hits) / Double(total)

        // Tone: cold phrases and phrases that contradict this ticket.
        let cold = (cues.cold + truth.forbidden).filter { text.has($0) }
        for c in cold { findings.append("cold or contradicting phrase: \"\(c)\"") }
        let tone = max(0, 1 - penalty * Double(cold.count))

        // Grounded: every order id, date, amount and duration must come from the prompt.
        let allowed = Set(truth.allowed)
        var invented: [String] = []
        for v in replyValues where !allowed.contains(v) && !invented.contains(v) { invented.append(v) }
        for v in invented { findings.append("invented detail: \"\(v)\" is not in the facts") }
        let grounded = max(0, 1 - penalty * Double(invented.count))

        let promises = cues.overPromise.filter { text.has($0) }
        for p in promises { findings.append("over-promise: \"\(p)\"") }
        let noOverPromise = max(0, 1 - penalty * Double(promises.count))

        var grade = Grade(structure: structure, facts: facts, tone: tone, grounded: grounded, noOverPromise: noOverPromise,
                          overall: 0, moves: found.sorted { first[$0]! < first[$1]! }, findings: findings)
        var weighted = 0.0
        for c in Criterion.allCases { weighted += (weights[c] ?? 0) * grade.score(c) }
        grade.overall = weighted * min(1, structure + facts)
        return grade
    }

    /// Splits normalised text into sentences at line breaks, "。", "!", "?", and at "." followed
    /// by a space or the end (so "$89.00" stays whole).
    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            if c == "\n" { flush(); continue }
            current.append(c)
            if c == "。" || c == "!" || c == "?" { flush() }
            if c == ".", i + 1 == chars.count || chars[i + 1] == " " { flush() }
        }
        flush()
        return out
        func flush() {
            let t = current.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty { out.append(t) }
            current = ""
        }
    }

    static func moves(in sentence: String, cues: Cues) -> [Move] {
        if cues.moves[.close]!.contains(where: { sentence.has($0) }) { return [.close] }
        return [Move.apology, .confirm, .procedure].filter { m in cues.moves[m]!.contains { sentence.has($0) } }
    }

    /// Length of the longest non-decreasing subsequence (positions of the moves in house order).
    static func longestOrderedChain(_ positions: [Int]) -> Int {
        var best = [Int](repeating: 1, count: positions.count)
        for i in positions.indices {
            for j in 0..<i where positions[j] <= positions[i] { best[i] = max(best[i], best[j] + 1) }
        }
        return best.max() ?? 0
    }

    /// Whether `text` (normalised) quotes `value`: literally (digits not glued to other digits,
    /// spaces optional for Japanese names), or by canonical value.
    static func quotes(_ text: String, _ value: String, values: Set<String>) -> Bool {
        let v = Extractor.normalize(value)
        if containsBounded(text, v) { return true }
        if v.contains(" "), containsBounded(text.replacingOccurrences(of: " ", with: ""), v.replacingOccurrences(of: " ", with: "")) { return true }
        let canon = Extractor.values(normalized: v)
        return !canon.isEmpty && canon.allSatisfy(values.contains)
    }

    static func containsBounded(_ text: String, _ needle: String) -> Bool {
        !needle.isEmpty && text.firstOffset(of: needle, digitBounded: true) != nil
    }
}
