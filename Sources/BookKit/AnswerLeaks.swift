import Core
import Foundation

/// The code that answers an exercise: a reference solution's body, or a region of the kit's
/// sources that implements the same idea. The book teaches the idea, the formula and a worked
/// number; it must never print one of these, or the exercise is copied rather than learnt.
public struct ExerciseAnswer: Sendable {
    public let exercise: String     // "7.1"
    public let origin: String       // "solutions/07-rlhf/GAEAdvantages.swift" or "Chapters/...#gae"
    public let code: String

    public init(exercise: String, origin: String, code: String) {
        (self.exercise, self.origin, self.code) = (exercise, origin, code)
    }

    /// The lines that carry the answer: comments, blank lines, signatures, imports and lines
    /// too short to be telling (`}`, `return out`) are dropped; whitespace is collapsed.
    public var telltaleLines: Set<String> {
        Set(code.split(separator: "\n").compactMap { raw -> String? in
            let line = AnswerLeaks.normalise(String(raw))
            if line.count < 16 || line.hasPrefix("//") || line.hasPrefix("import ") || line.hasPrefix("@") { return nil }
            if line.contains("func ") || line.hasPrefix("public ") || line.hasPrefix("throw Todo") { return nil }
            return line
        })
    }

    /// How many telltale lines a page may share with this answer before it counts as printed:
    /// half of them, at most three (a one-line answer leaks with its one line).
    public var leakThreshold: Int { min(3, max(1, (telltaleLines.count + 1) / 2)) }
}

public enum AnswerLeaks {
    static func normalise(_ line: String) -> String {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Lines of code a page shows in its Markdown: every `@code` directive expanded to its
    /// region's lines, plus the page's own lines (inline code, fenced blocks).
    static func markdownLines(_ page: BookPage, root: URL) -> Set<String> {
        var lines = BookPage.lines(of: page.markdown)
        for d in page.directives {
            if let r = try? RegionExtractor.region(named: d.region, file: d.file, root: root) {
                lines += r.lines
            }
        }
        return Set(lines.flatMap { $0.components(separatedBy: "`") }.map(normalise))
    }

    /// The text lines of rendered HTML: tags stripped and entities decoded.
    static func htmlLines(_ html: String) -> Set<String> {
        var text = html.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        for (entity, char) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: char)
        }
        return Set(text.split(separator: "\n").map { normalise(String($0)) })
    }
}

extension BookChecker {
    /// Pages that print an exercise's answer: the page quotes one of `answerRegions`
    /// ("file#region" kit regions holding an exercise's answer), or its Markdown (regions
    /// expanded) or its rendered HTML shares `leakThreshold` telltale lines with an answer.
    public func answerLeaks(_ answers: [ExerciseAnswer], answerRegions: [String: String] = [:],
                            html: [String: String] = [:]) -> [BookProblem] {
        var out: [BookProblem] = []
        for page in book.pages {
            for d in page.directives {
                if let id = answerRegions["\(d.file)#\(d.region)"] {
                    out.append(problem(page, d.line, "\(d.source) prints the answer to exercise \(id): give the idea, the formula and a worked number instead"))
                }
            }
            let shown = AnswerLeaks.markdownLines(page, root: book.root)
            let rendered = html[page.fileName].map(AnswerLeaks.htmlLines) ?? []
            for a in answers {
                let tell = a.telltaleLines
                guard !tell.isEmpty else { continue }
                for (what, lines) in [("Markdown", shown), ("HTML", rendered)] {
                    let common = tell.intersection(lines)
                    if common.count >= a.leakThreshold {
                        out.append(problem(page, 1, "its \(what) prints \(common.count) lines of the answer to exercise \(a.exercise) (\(a.origin)), e.g. `\(common.sorted().first!)`"))
                    }
                }
            }
        }
        return out
    }
}
