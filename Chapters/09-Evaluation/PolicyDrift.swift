import Core
import Foundation
import SFT
import SupportDesk

/// Operations: the shop's policy changed after a model was trained. Which of its replies are
/// now wrong? The same model answers the held-out prompts of the world it was trained on and
/// of the world after the change (the same orders, the new policy in every facts block), and
/// the grader, which knows the new policy, scores both. The prompts are those whose reply must
/// quote a policy value the change touched; elsewhere nothing changed.
public enum PolicyDrift {
    /// One model on one world.
    public struct Row: Codable, Sendable {
        public var model: String
        /// "current policies" or the change ("return-window=45").
        public var world: String
        public var prompts: Int
        public var overall: Double
        public var facts: Double
        /// Share of replies with a policy value the grader found wrong or missing.
        public var wrongPolicy: Double
        /// Share of replies that quote a changed policy's *old* value (nil on the current world).
        public var quotesOldPolicy: Double?
        public var finished: Double
    }

    /// The held-out prompts of `world` whose replies must quote a value the change touched,
    /// each with the changed facts (name -> old and new text).
    public static func affected(_ items: [EvalItem], changed: World, old: Policies) -> [(item: EvalItem, facts: [String: (old: String, new: String)])] {
        items.compactMap { item in
            let facts = changed.changedPolicyFacts(item, old: old)
            return facts.isEmpty ? nil : (item, facts)
        }
    }

    // MARK: book policy-drift
    /// Greedy replies of one model to `items`, graded; `stale` holds, per item, the old values
    /// of the policies that changed (empty on the world the model was trained on). A reply that
    /// quotes one of them answered from what the model remembers, not from the facts block.
    public static func measure(_ model: ModelUnderTest, items: [EvalItem], stale: [[String]], world: String) -> Row {
        var m = ModelMeasurements(name: model.name)
        ModelEvaluation.grade(model, items: items, into: &m)
        let wrong = m.grades.map { g in g.findings.contains { $0.hasPrefix("wrong policy") } ? 1.0 : 0 }
        let old = zip(m.replies, stale).map { reply, values in values.contains { World.quotes(reply, $0) } ? 1.0 : 0 }
        return Row(model: model.name, world: world, prompts: items.count, overall: Statistics.mean(m.overall),
                   facts: Statistics.mean(m.scores(.facts)), wrongPolicy: Statistics.mean(wrong),
                   quotesOldPolicy: stale.allSatisfy(\.isEmpty) ? nil : Statistics.mean(old),
                   finished: Statistics.mean(m.finished.map { $0 ? 1 : 0 }))
    }
    // MARK: end

    /// The table `course eval` prints and writes.
    public static func markdown(_ rows: [Row], change: String, note: String) -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.0f%%", 100 * $0) } ?? "–" }
        var md = "| model | world | prompts | grader | facts | wrong policy | quotes the old policy | finished |\n|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            md += "| \(r.model) | \(r.world) | \(r.prompts) | \(String(format: "%.3f", r.overall)) | \(pct(r.facts)) | \(pct(r.wrongPolicy)) "
                + "| \(pct(r.quotesOldPolicy)) | \(pct(r.finished)) |\n"
        }
        return md + "\n" + note + "\n"
    }
}
