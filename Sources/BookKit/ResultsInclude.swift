import Core
import Foundation

/// `@results(results/NAME.md)` on a line of its own: the Markdown a run wrote (a results table),
/// committed under book/results/ and put into the page when the book renders. The numbers on
/// the page are then the recorded ones, never typed in by hand; `scripts/update-book-results.sh`
/// copies them from the runs.
enum ResultsInclude {
    /// The path inside book/ a line names, or nil for any other line.
    static func path(in line: String) -> String? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("@results("), t.hasSuffix(")") else { return nil }
        return String(t.dropFirst("@results(".count).dropLast())
    }

    static func text(_ path: String, book: Book) throws -> String {
        let url = book.directory.appendingPathComponent(path)
        guard let s = try? String(contentsOf: url, encoding: .utf8) else {
            throw CourseError("@results(\(path)): no file book/\(path) (record it with scripts/update-book-results.sh)")
        }
        return "\n" + s.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }
}

extension BookChecker {
    /// Every `@results(...)` names a recorded file.
    public func missingResults() -> [BookProblem] {
        book.pages.flatMap { page in
            BookPage.lines(of: page.markdown).enumerated().compactMap { i, line -> BookProblem? in
                guard let path = ResultsInclude.path(in: line) else { return nil }
                do { _ = try ResultsInclude.text(path, book: book); return nil }
                catch let e as CourseError { return problem(page, i + 1, e.message) }
                catch { return problem(page, i + 1, "\(error)") }
            }
        }
    }
}
