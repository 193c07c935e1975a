import Core
import Foundation

/// Text that speaks about how the kit was made instead of to the learner: files a learner's
/// clone does not contain, earlier versions of a chapter, tuning stories and experiments the
/// learner cannot repeat with `course`. The book, the README and every comment the book quotes
/// are read by someone who has only the repository; each of these phrases sends them looking
/// for something that is not there.
public enum EditorialDebris {
    /// A phrase (matched case-insensitively) and why it does not belong in the learner's text.
    public static let phrases: [(phrase: String, why: String)] = [
        ("FACTS.md", "names a file the kit does not contain"),
        ("DESIGN.md", "names a file the kit does not contain"),
        ("../shared", "points outside the repository"),
        ("seed material", "names material the learner never sees"),
        ("earlier version", "speaks of an earlier version instead of what the kit does now"),
        ("previous version", "speaks of an earlier version instead of what the kit does now"),
        ("outside `course`", "cites an experiment the learner cannot run with course"),
        ("outside course", "cites an experiment the learner cannot run with course"),
        ("while tuning this chapter", "tells how the chapter was made; state the lesson and how to measure it"),
        ("while writing the chapter", "tells how the chapter was made; state the lesson and how to measure it"),
        ("while writing this chapter", "tells how the chapter was made; state the lesson and how to measure it"),
    ]

    /// Every occurrence in `text`: (1-based line, message).
    public static func find(in text: String) -> [(line: Int, message: String)] {
        var out: [(line: Int, message: String)] = []
        for (i, line) in BookPage.lines(of: text).enumerated() {
            let lower = line.lowercased()
            for (phrase, why) in phrases where lower.contains(phrase.lowercased()) {
                out.append((i + 1, "\"\(phrase)\" \(why)"))
            }
        }
        return out
    }
}

extension BookChecker {
    /// Editorial debris in the pages and in the code regions they quote (the comments of a
    /// quoted region are part of the page the learner reads).
    public func editorialDebris() -> [BookProblem] {
        var out: [BookProblem] = []
        for page in book.pages {
            for hit in EditorialDebris.find(in: page.markdown) { out.append(problem(page, hit.line, hit.message)) }
            for d in page.directives {
                guard let region = try? RegionExtractor.region(named: d.region, file: d.file, root: book.root) else { continue }
                for hit in EditorialDebris.find(in: region.text) {
                    out.append(problem(page, d.line, "\(d.source), line \(hit.line) of the region: \(hit.message)"))
                }
            }
        }
        return out
    }
}
