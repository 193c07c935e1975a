import Core
import Foundation

/// Numbers a chapter quotes from its runs must be the recorded ones. In a chapter's results
/// sections — a section (with its subsections) that includes a results file with
/// `@results(...)` — every number written with two or more decimals (0.873) and every
/// percentage with a decimal (12.5 %) must appear in one of the results files the chapter
/// includes. A number typed by hand from an older run then fails the check as soon as the
/// tables are rendered again from new runs.
///
/// Worked examples and formulas live in the explanatory sections, which are not checked; fenced
/// blocks, `inline code`, link targets and prices ($196.99, data-world values) are skipped.
enum RecordedNumbers {
    /// "0.873", "12.5%" (spaces before % removed), in the order they appear.
    static func quoted(in line: String) -> [String] {
        var prose = line.replacingOccurrences(of: "`[^`]*`", with: " ", options: .regularExpression)
        prose = prose.replacingOccurrences(of: #"\]\([^)]*\)"#, with: "]", options: .regularExpression)
        let ns = prose as NSString
        return pattern.matches(in: prose, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            let s = ns.substring(with: m.range).replacingOccurrences(of: " ", with: "")
            let decimals = s.split(separator: ".").last.map { $0.filter(\.isNumber).count } ?? 0
            return s.hasSuffix("%") || decimals >= 2 ? s : nil
        }
    }

    /// Every decimal number (with its % when it has one) in a results file.
    static func recorded(in text: String) -> Set<String> {
        let ns = text as NSString
        return Set(pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
            ns.substring(with: $0.range).replacingOccurrences(of: " ", with: "")
        })
    }

    /// A decimal number not glued to a Latin letter, a digit, a point or a currency sign before
    /// it (so not a version such as 0.21.2, an id, or a price), not followed by a point and a
    /// digit or by a letter; a following " %" or "%" is part of it. (Japanese text may touch a
    /// number directly: 精度は88.6%.)
    static let pattern = try! NSRegularExpression(pattern: #"(?<![A-Za-z0-9_.$€¥£])[0-9]+\.[0-9]+(?!\.?[0-9])(?![A-Za-z_])(?: ?%)?"#)

    /// 0-based indices of the lines inside a results section of `lines` (outside fenced blocks):
    /// the extent of every heading of level 2 or deeper whose extent has an `@results(...)` line.
    static func resultsLines(_ lines: [String]) -> Set<Int> {
        var headings: [(line: Int, level: Int)] = []
        var inFence = false
        var prose = Set<Int>()
        for (i, raw) in lines.enumerated() {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") || t.hasPrefix("~~~") { inFence.toggle(); continue }
            if inFence { continue }
            if let h = BookPage.heading(t) { headings.append((i, h.level)); continue }
            if t.hasPrefix("@") { continue }   // @code and @results lines are not prose
            prose.insert(i)
        }
        var out = Set<Int>()
        for (k, h) in headings.enumerated() where h.level >= 2 {
            let end = headings[(k + 1)...].first { $0.level <= h.level }?.line ?? lines.count
            let extent = h.line..<end
            if extent.contains(where: { ResultsInclude.path(in: lines[$0]) != nil }) {
                out.formUnion(extent.filter(prose.contains))
            }
        }
        return out
    }
}

extension BookChecker {
    /// Numbers in a chapter's results sections that none of the results files it includes holds.
    public func unrecordedNumbers() -> [BookProblem] {
        var out: [BookProblem] = []
        for page in book.pages where page.fileName.prefix(2).allSatisfy(\.isNumber) {
            let lines = BookPage.lines(of: page.markdown)
            let files = lines.compactMap(ResultsInclude.path(in:))
            let recorded = files.reduce(into: Set<String>()) { set, path in
                if let text = try? ResultsInclude.text(path, book: book) { set.formUnion(RecordedNumbers.recorded(in: text)) }
            }
            for i in RecordedNumbers.resultsLines(lines).sorted() {
                for n in RecordedNumbers.quoted(in: lines[i]) where !recorded.contains(n) {
                    out.append(problem(page, i + 1, "\(n) is in none of the results files this chapter includes (\(files.joined(separator: ", "))): quote the table, or point at it"))
                }
            }
        }
        return out
    }
}
