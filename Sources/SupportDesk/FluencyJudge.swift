import Core
import Foundation

/// A judge of fluency that no method in the course trains against: a trigram language model
/// with interpolated Kneser-Ney smoothing, trained on clean reference replies of a separately
/// seeded shop (seed `FluencyJudge.worldSeed`, a world no run trains on), with a threshold
/// calibrated on other clean replies of that shop and on corrupted copies of them.
///
/// A reply is read as tokens: English words and punctuation (lower-cased), Japanese characters;
/// digits become "0", and an English word that occurs in the prompt becomes "<p>", so the judge
/// reads the language of a reply, not its values. The reply's score is the mean log-probability
/// of its worst window of three tokens: one garbled phrase is enough to fail.
public struct FluencyJudge: Sendable {
    public static let worldSeed: UInt64 = 1_000_003
    static let discount = 0.75
    static let window = 3

    let lang: Language
    var trigrams: [String: [String: Int]] = [:]      // "u v" → w → count
    var bigramContinuation: [String: [String: Int]] = [:]   // v → w → number of distinct u before "v w"
    var unigramContinuation: [String: Int] = [:]      // w → number of distinct v before w
    var bigramTypes = 0
    /// A reply is fluent when its worst-window score is at least this (nats per token).
    public private(set) var threshold = -Double.infinity

    /// The judge for a language, trained and calibrated once (about a second).
    public static func shared(_ lang: Language) -> FluencyJudge { lang == .en ? english : japanese }
    static let english = FluencyJudge.calibrated(.en)
    static let japanese = FluencyJudge.calibrated(.ja)

    static func calibrated(_ lang: Language) -> FluencyJudge {
        let data = Dataset.generate(seed: worldSeed, lang: lang, size: .default)
        let train = data.sft.filter { $0.habit == nil }.map { ($0.messages.last!.content, $0.messages.dropLast().map(\.content).joined(separator: "\n")) }
        var judge = FluencyJudge(lang: lang, replies: train)
        let clean = data.dev.map { ($0.reference[0].content, $0.prompt.map(\.content).joined(separator: "\n")) }
        var rng = SeededRandom(seed: worldSeed)
        let corrupted = clean.map { (FluencyJudge.corrupt($0.0, lang: lang, rng: &rng), $0.1) }
        judge.threshold = bestThreshold(clean: clean.map { judge.score($0.0, prompt: $0.1) },
                                        corrupted: corrupted.map { judge.score($0.0, prompt: $0.1) })
        return judge
    }

    /// The cut between clean and corrupted scores with the best balanced accuracy.
    static func bestThreshold(clean: [Double], corrupted: [Double]) -> Double {
        let candidates = (clean + corrupted).sorted()
        var best = (accuracy: -1.0, cut: -Double.infinity)
        for c in candidates {
            let a = Double(clean.filter { $0 >= c }.count) / Double(clean.count)
                + Double(corrupted.filter { $0 < c }.count) / Double(corrupted.count)
            if a > best.accuracy { best = (a, c) }
        }
        return best.cut
    }

    init(lang: Language, replies: [(reply: String, prompt: String)]) {
        self.lang = lang
        var bigramLeft: [String: Set<String>] = [:], unigramLeft: [String: Set<String>] = [:]
        for (reply, prompt) in replies {
            let t = ["<s>", "<s>"] + tokens(reply, prompt: prompt) + ["</s>"]
            for i in 2..<t.count {
                trigrams[t[i - 2] + " " + t[i - 1], default: [:]][t[i], default: 0] += 1
                bigramLeft[t[i - 1] + " " + t[i], default: []].insert(t[i - 2])
                unigramLeft[t[i], default: []].insert(t[i - 1])
            }
        }
        for (pair, left) in bigramLeft {
            let parts = pair.split(separator: " ", maxSplits: 1).map(String.init)
            bigramContinuation[parts[0], default: [:]][parts.count > 1 ? parts[1] : "", default: 0] = left.count
        }
        unigramContinuation = unigramLeft.mapValues(\.count)
        bigramTypes = unigramContinuation.values.reduce(0, +)
    }

    /// The reply's tokens (see the type's comment).
    func tokens(_ reply: String, prompt: String) -> [String] {
        let text = Extractor.normalize(reply).lowercased()
        if lang == .ja {
            // Names and product names come from the prompt: each value chunk of the facts block
            // (two characters or more, split at spaces and punctuation) reads as one "<p>".
            var marked = text
            let chunks = Set(Extractor.normalize(prompt).lowercased().split(separator: "\n").flatMap { line -> [String] in
                guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return [] }
                return line[line.index(after: colon)...].split(whereSeparator: { $0.isWhitespace || "、,()（）・:：".contains($0) })
                    .map(String.init).filter { $0.count >= 2 && !$0.allSatisfy(\.isNumber) }
            })
            for c in chunks.sorted(by: { $0.count > $1.count }) { marked = marked.replacingOccurrences(of: c, with: "\u{E000}") }
            return marked.filter { !$0.isWhitespace }.map { $0 == "\u{E000}" ? "<p>" : $0.isNumber ? "0" : String($0) }
        }
        let promptWords = Set(FluencyJudge.words(Extractor.normalize(prompt).lowercased()))
        return FluencyJudge.words(text).map { w in
            if w.contains(where: \.isNumber) { return "0" }
            return promptWords.contains(w) && w.count > 2 && w.first!.isLetter ? "<p>" : w
        }
    }

    static func words(_ text: String) -> [String] {
        var out: [String] = [], current = ""
        for c in text {
            if c.isLetter || c.isNumber || c == "'" || c == "-" { current.append(c); continue }
            if !current.isEmpty { out.append(current); current = "" }
            if !c.isWhitespace { out.append(String(c)) }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    // MARK: book kneser-ney
    /// log P(w | u v), interpolated Kneser-Ney: the trigram's discounted count, plus the mass
    /// the discount freed spread by the continuation bigram, which backs off the same way to
    /// how many different words precede w (not how often w occurs).
    func logProb(_ w: String, after u: String, _ v: String) -> Double {
        let d = FluencyJudge.discount
        let unigram = (Double(unigramContinuation[w] ?? 0) + 0.5) / (Double(bigramTypes) + 0.5 * Double(unigramContinuation.count + 1))
        var p = unigram
        if let next = bigramContinuation[v] {
            let total = Double(next.values.reduce(0, +))
            p = max(Double(next[w] ?? 0) - d, 0) / total + d * Double(next.count) / total * unigram
        }
        if let next = trigrams[u + " " + v] {
            let total = Double(next.values.reduce(0, +))
            p = max(Double(next[w] ?? 0) - d, 0) / total + d * Double(next.count) / total * p
        }
        return log(p)
    }
    // MARK: end

    /// Mean log-probability per token of the reply's worst window of three tokens.
    public func score(_ reply: String, prompt: String) -> Double {
        let t = ["<s>", "<s>"] + tokens(reply, prompt: prompt) + ["</s>"]
        let lp = (2..<t.count).map { logProb(t[$0], after: t[$0 - 2], t[$0 - 1]) }
        guard lp.count >= FluencyJudge.window else { return lp.isEmpty ? -.infinity : lp.reduce(0, +) / Double(lp.count) }
        var worst = Double.infinity
        for i in 0...(lp.count - FluencyJudge.window) {
            worst = min(worst, lp[i..<(i + FluencyJudge.window)].reduce(0, +) / Double(FluencyJudge.window))
        }
        return worst
    }

    public func isFluent(_ reply: String, prompt: String) -> Bool { score(reply, prompt: prompt) >= threshold }

    /// A clean reply garbled the way a small model garbles: two neighbours swapped, a word (a
    /// character in Japanese) dropped or doubled, in one sentence.
    public static func corrupt(_ reply: String, lang: Language, rng: inout SeededRandom) -> String {
        var units: [String] = lang == .ja ? reply.map(String.init) : reply.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard units.count > 4 else { return reply + reply }
        let i = 1 + rng.int(units.count - 3)
        switch rng.int(3) {
        case 0: units.swapAt(i, i + 1)
        case 1: units.remove(at: i)
        default: units.insert(units[i], at: i)
        }
        return units.joined(separator: lang == .ja ? "" : " ")
    }
}
