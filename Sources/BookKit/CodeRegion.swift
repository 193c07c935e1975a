import Core
import Foundation

/// A named stretch of a source file that the book quotes.
///
/// Sources mark regions with two comment lines:
///
///     // MARK: book attention-scores
///     ...the code the book shows...
///     // MARK: end
///
/// Regions may nest (each `// MARK: end` closes the innermost open region). Every `// MARK:`
/// line inside a region, nested markers and section markers such as `// MARK: - Decoding`
/// alike, is dropped from the quoted text, and the text is de-indented so a region cut from
/// the middle of a type reads as if it stood alone. `KitAnswer.used(...)` lines (the exercise
/// checks' tripwire) and `LearnerCode` look-ups (`--mine`) are dropped too.
public struct CodeRegion: Equatable, Sendable {
    /// The region's name, as written after `// MARK: book`.
    public let name: String
    /// The file it comes from, relative to the package root ("Chapters/01-Autograd/Value.swift").
    public let file: String
    /// 1-based line numbers of the first and last quoted line (the markers themselves excluded).
    public let firstLine: Int, lastLine: Int
    /// The quoted lines: markers dropped, common indentation removed, no blank lines at either end.
    public let lines: [String]

    public var text: String { lines.joined(separator: "\n") }
}

/// Finds the `// MARK: book NAME` ... `// MARK: end` regions of a Swift source text.
public enum RegionExtractor {
    /// The marker that opens a region; the rest of the line is its name.
    static let openPrefix = "// MARK: book "
    static let closeMarker = "// MARK: end"

    /// Every region of `text`, in the order their opening markers appear.
    /// Throws a `CourseError` naming `file:line` for a region that is never closed, an end
    /// marker with no open region, a malformed name, or a name used twice in the file.
    public static func regions(in text: String, file: String) throws -> [CodeRegion] {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        // Open regions: (name, line of the marker, collected (line number, text) pairs).
        var stack: [(name: String, marker: Int, body: [(Int, String)])] = []
        var done: [(order: Int, region: CodeRegion)] = []
        var seen: [String: Int] = [:]
        for (i, line) in all.enumerated() {
            let number = i + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(openPrefix) {
                let name = String(trimmed.dropFirst(openPrefix.count)).trimmingCharacters(in: .whitespaces)
                guard isValidName(name) else {
                    throw CourseError(file: file, line: number, "region name \"\(name)\" must be lowercase letters, digits and hyphens")
                }
                if let first = seen[name] {
                    throw CourseError(file: file, line: number, "region \"\(name)\" is already defined on line \(first)")
                }
                seen[name] = number
                stack.append((name, number, []))
                continue
            }
            if trimmed == closeMarker {
                guard let open = stack.popLast() else {
                    throw CourseError(file: file, line: number, "`// MARK: end` without an open `// MARK: book` region")
                }
                done.append((open.marker, makeRegion(open.name, file: file, body: open.body)))
                continue
            }
            if trimmed.hasPrefix("// MARK:") { continue }   // section markers inside regions
            // The exercise checks' tripwire (`KitAnswer`) is bookkeeping, not the idea: not shown.
            if trimmed.hasPrefix("KitAnswer.used(") || trimmed.hasPrefix("if let mine = LearnerCode.") { continue }
            for k in stack.indices { stack[k].body.append((number, line)) }
        }
        if let open = stack.last {
            throw CourseError(file: file, line: open.marker, "region \"\(open.name)\" has no `// MARK: end`")
        }
        return done.sorted { $0.order < $1.order }.map(\.region)
    }

    /// The region called `name` in the file at `root/file`.
    public static func region(named name: String, file: String, root: URL) throws -> CodeRegion {
        let url = root.appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw CourseError(file: file, "cannot read the file (does it exist?)")
        }
        let found = try regions(in: text, file: file)
        guard let r = found.first(where: { $0.name == name }) else {
            let names = found.map(\.name).joined(separator: ", ")
            throw CourseError(file: file, "no region \"\(name)\" (regions here: \(names.isEmpty ? "none" : names))")
        }
        return r
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
    }

    /// Trims blank lines at both ends and removes the indentation all non-blank lines share.
    static func makeRegion(_ name: String, file: String, body: [(Int, String)]) -> CodeRegion {
        var body = body
        while let f = body.first, f.1.allSatisfy(\.isWhitespace) { body.removeFirst() }
        while let l = body.last, l.1.allSatisfy(\.isWhitespace) { body.removeLast() }
        let indent = body.filter { !$0.1.allSatisfy(\.isWhitespace) }
            .map { $0.1.prefix(while: { $0 == " " || $0 == "\t" }).count }
            .min() ?? 0
        let lines = body.map { $0.1.allSatisfy(\.isWhitespace) ? "" : String($0.1.dropFirst(indent)) }
        return CodeRegion(name: name, file: file, firstLine: body.first?.0 ?? 0,
                          lastLine: body.last?.0 ?? 0, lines: lines)
    }
}
