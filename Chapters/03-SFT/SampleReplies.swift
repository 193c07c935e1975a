import Core
import Foundation
import SupportDesk

/// The samples.md a fine-tuning run writes: the first few held-out prompts, and each model's
/// reply to them side by side with the grader's score, so a learner reads what the numbers mean.
public enum SampleReplies {
    /// `columns`: (model name, its replies in the order of `items`). With `findings`, the
    /// grader's findings follow each reply.
    public static func write(title: String, items: [EvalItem], columns: [(name: String, replies: [String])],
                             findings: Bool = false, to url: URL) throws {
        let grader = Grader()
        var md = "# \(title)\n\n"
        for i in 0..<min(4, items.count) {
            let it = items[i]
            md += "## Prompt \(i + 1) (\(it.truth.scenario.rawValue))\n\n"
            for m in it.prompt { md += "**\(m.role):** \(m.content.replacingOccurrences(of: "\n", with: " · "))\n\n" }
            for (name, replies) in columns {
                let r = replies[i], g = grader.grade(reply: r, truth: it.truth)
                md += String(format: "**%@** (grader %.2f):\n\n> %@\n\n", name, g.overall,
                             r.isEmpty ? "(empty)" : r.replacingOccurrences(of: "\n", with: "\n> "))
                if findings && !g.findings.isEmpty { md += "Grader findings: " + g.findings.joined(separator: "; ") + "\n\n" }
            }
        }
        try AtomicFile.write(md, to: url)
    }
}
