import Core
import Foundation

/// A request in a book page to show a region of the real sources.
///
/// The directive stands alone on its line, with the file path relative to the package root and
/// the region name after `#`:
///
///     @code(Chapters/02-Transformer/Attention.swift#attention-scores)
///
/// On GitHub the raw line reads as a pointer to the source; `course book` replaces it with the
/// region's code, syntax-highlighted, under a caption naming the file and lines (and keeps the
/// directive as an HTML comment beside it).
public struct CodeDirective: Equatable, Sendable {
    public let file: String
    public let region: String
    /// 1-based line of the directive in its page.
    public let line: Int

    /// The directive's text as written in the page.
    public var source: String { "@code(\(file)#\(region))" }

    /// Parses one line. Returns nil for a line that is not a directive; throws for a line that
    /// starts with `@code` but is malformed (so a typo never silently shows nothing).
    public static func parse(_ line: String, lineNumber: Int, page: String) throws -> CodeDirective? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("@code") else { return nil }
        let usage = "expected @code(path/to/File.swift#region-name) alone on its line"
        guard t.hasPrefix("@code("), t.hasSuffix(")") else {
            throw CourseError(file: page, line: lineNumber, usage)
        }
        let inner = t.dropFirst("@code(".count).dropLast()
        let parts = inner.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(" "), parts[0].hasSuffix(".swift"),
              RegionExtractor.isValidName(String(parts[1])) else {
            throw CourseError(file: page, line: lineNumber, usage)
        }
        return CodeDirective(file: String(parts[0]), region: String(parts[1]), line: lineNumber)
    }
}
