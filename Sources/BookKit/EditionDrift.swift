import Foundation

/// The two editions must say the same thing with the same structure: a translated page shows
/// the same code, results and figures in the same order, under the same section anchors, so a
/// change to one edition that the other lacks is caught here instead of by a reader.
///
/// Compared for every page pair: the page lists, the directive lines (`@code`, `@results`, any
/// line starting with `@`), the figure paths, and the section headings (level and anchor; the
/// English anchors are GitHub slugs, the Japanese ones are written as `{#id}`). Every section
/// heading of the translation must carry its `{#id}`.
extension BookChecker {
    public func editionDrift() -> [BookProblem] {
        guard let translation else { return [] }
        var out: [BookProblem] = []
        let english = Set(book.pages.map(\.fileName)), japanese = Set(translation.pages.map(\.fileName))
        for page in book.pages where !japanese.contains(page.fileName) {
            out.append(BookProblem(page: translation.edition.folder + "/" + page.fileName, line: 1,
                                   message: "missing: \(book.path(of: page)) has no translation"))
        }
        for page in translation.pages where !english.contains(page.fileName) {
            out.append(BookProblem(page: translation.path(of: page), line: 1,
                                   message: "no English page \(book.edition.folder)/\(page.fileName) for this translation"))
        }
        for ja in translation.pages {
            guard let en = book.page(named: ja.fileName) else { continue }
            out += Self.drift(en, ja, at: translation.path(of: ja))
        }
        return out
    }

    /// Where `ja` departs from `en`, reported on the lines of `ja`.
    static func drift(_ en: BookPage, _ ja: BookPage, at path: String) -> [BookProblem] {
        var out: [BookProblem] = []
        func report(_ line: Int, _ message: String) { out.append(BookProblem(page: path, line: line, message: message)) }

        for h in ja.headings where h.level >= 2 && !h.explicitID {
            report(h.line, "heading \"\(h.text)\" has no {#id}: append the English heading's anchor")
        }
        let sections = { (p: BookPage) in p.headings.filter { $0.level >= 2 } }
        compare(sections(en), sections(ja), what: "heading", show: { "\(String(repeating: "#", count: $0.level)) {#\($0.anchor)}" },
                line: { $0.line }, report: report)
        compare(en.directiveLines, ja.directiveLines, what: "directive line", show: \.text, line: \.line, report: report)
        let figures = { (p: BookPage) in p.links.filter(\.isImage) }
        compare(figures(en), figures(ja), what: "figure", show: \.target, line: \.line, report: report)
        return out
    }

    /// Reports the first place two sequences part (one problem per kind, so a single missing
    /// item does not report every item after it).
    static func compare<T>(_ en: [T], _ ja: [T], what: String, show: (T) -> String, line: (T) -> Int,
                           report: (Int, String) -> Void) {
        let a = en.map(show), b = ja.map(show)
        guard a != b else { return }
        let i = zip(a, b).prefix { $0 == $1 }.count
        let where_ = i < ja.count ? line(ja[i]) : (ja.last.map(line) ?? 1)
        if i >= b.count {
            report(where_, "\(what)s drift from English: \(a.count - b.count) missing after the last one, next English \(what): \(a[i])")
        } else if i >= a.count {
            report(where_, "\(what)s drift from English: extra \(what) \(b[i]) (English has \(a.count))")
        } else {
            report(where_, "\(what)s drift from English at \(what) \(i + 1): English has \(a[i]), this page has \(b[i]) (English line \(line(en[i])))")
        }
    }
}
