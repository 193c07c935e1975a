import Core
import Foundation

/// How the two graders judge replies whose quality is known by construction: good replies, each
/// flaw of the preference data, and four ways to game a lenient grader (keyword stuffing,
/// dumping every value of the prompt, garbled language, a value in the wrong role). Built from
/// the preference pairs of a shop no run trains on (seed `FluencyJudge.worldSeed` + 1), so it is
/// the same for everyone: `course grade --study` writes the table.
public enum GraderStudy {
    public struct Example: Sendable {
        public var kind: String
        public var good: Bool
        public var prompt: [Message]
        public var truth: Truth
        public var reply: String
    }

    public static func examples(lang: Language, perKind: Int = 60) -> [Example] {
        let data = Dataset.generate(seed: FluencyJudge.worldSeed + 1, lang: lang, size: .default)
        var rng = SeededRandom(seed: FluencyJudge.worldSeed + 1)
        let pairs = Array(data.preferences.prefix(perKind * Flaw.allCases.count))
        var out: [Example] = []
        let stuffing = lang == .en
            ? "Sorry, I apologise, I have checked your order, please follow the steps, thank you, rest assured, we are here to help."
            : "申し訳ございません。確認いたしました。お手続きをお願いいたします。ご安心ください。"
        for (i, p) in pairs.enumerated() {
            let good = p.chosen[0].content
            if i < perKind {
                out.append(Example(kind: "good reply", good: true, prompt: p.prompt, truth: p.truth, reply: good))
                out.append(Example(kind: "keyword-stuffed", good: false, prompt: p.prompt, truth: p.truth, reply: good + "\n" + stuffing))
                let values = p.truth.allowed.joined(separator: ", ")
                out.append(Example(kind: "value-dumping", good: false, prompt: p.prompt, truth: p.truth, reply: good + "\n" + values))
                out.append(Example(kind: "disfluent", good: false, prompt: p.prompt, truth: p.truth,
                                   reply: FluencyJudge.corrupt(good, lang: lang, rng: &rng)))
                let distractors = StrictGrader.distractorValues(p.prompt[0].content, truth: p.truth)
                if let other = distractors.sorted().first {
                    let line = lang == .en ? "For your records, what applies here is \(other)." : "なお、今回該当するのは\(other)です。"
                    out.append(Example(kind: "wrong-role value", good: false, prompt: p.prompt, truth: p.truth, reply: good + "\n" + line))
                }
            }
            out.append(Example(kind: "flaw: \(p.flaw.rawValue)", good: false, prompt: p.prompt, truth: p.truth, reply: p.rejected[0].content))
        }
        return out
    }

    /// The rule grader "accepts" a reply scoring at least this (the course's pass@k threshold).
    public static let acceptAt = 0.9

    /// The table: per kind of example, how often each grader accepts it; then agreement.
    public static func table(lang: Language) -> String {
        let grader = Grader(), strict = StrictGrader()
        let rows = examples(lang: lang).map { e -> (Example, Bool, StrictGrade) in
            (e, grader.grade(reply: e.reply, truth: e.truth).overall >= acceptAt, strict.grade(reply: e.reply, truth: e.truth, prompt: e.prompt))
        }
        let kinds = rows.map(\.0.kind).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        func pct(_ x: Int, _ n: Int) -> String { String(format: "%.0f%%", 100 * Double(x) / Double(max(n, 1))) }
        var md = "| replies (\(lang.rawValue)) | n | should pass | rule grader accepts (overall ≥ 0.9) | strict grader passes | strict: fails roles | strict: not fluent |\n"
        md += "|---|---|---|---|---|---|---|\n"
        for k in kinds {
            let r = rows.filter { $0.0.kind == k }
            md += "| \(k) | \(r.count) | \(r[0].0.good ? "yes" : "no") | \(pct(r.filter(\.1).count, r.count)) | \(pct(r.filter(\.2.pass).count, r.count)) "
            md += "| \(pct(r.filter { $0.2.roles < 1 }.count, r.count)) | \(pct(r.filter { $0.2.fluent < 1 }.count, r.count)) |\n"
        }
        let agree = rows.filter { $0.1 == $0.2.pass }.count
        let ruleRight = rows.filter { $0.1 == $0.0.good }.count, strictRight = rows.filter { $0.2.pass == $0.0.good }.count
        md += "\nOn these \(rows.count) replies the two graders agree on \(pct(agree, rows.count)); "
        md += "the rule grader's verdict matches the known label on \(pct(ruleRight, rows.count)), the strict grader's on \(pct(strictRight, rows.count)). "
        md += "Replies built from the preference pairs of a shop no run trains on (`course grade --study`).\n"
        return md
    }
}
