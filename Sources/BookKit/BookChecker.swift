import Core
import Foundation

/// One thing wrong with the book, at a line of a page.
public struct BookProblem: Equatable, Sendable, CustomStringConvertible {
    public let page: String     // "book/01-autograd.md"
    public let line: Int
    public let message: String
    public var description: String { "\(page):\(line): \(message)" }
}

/// The book's consistency checks, run by the tests and by `course book` before it renders:
/// - every `@code(file#region)` names a region that exists;
/// - every internal link, anchor and image resolves;
/// - every exercise mentioned ("exercise 1.3", "exercises 1.1–1.6", `course check 1`,
///   `course hint 1.3`) exists in the exercise catalogue;
/// - every repository path written in `inline code` exists;
/// - no code is pasted by hand: fenced blocks carry one of `allowedFences` (shell sessions,
///   text, formulas, data), never Swift and never an unlabelled fence;
/// - no page, and no comment it quotes, speaks of how the kit was made (`EditorialDebris`);
/// - every number a chapter's results sections quote is in a results file it includes
///   (`RecordedNumbers`).
///
/// With a `translation` (the Japanese edition), every check runs on its pages too, and the two
/// editions are compared (`editionDrift`); the shipped font must cover both (`fontCoverage`).
public struct BookChecker: Sendable {
    public let book: Book
    /// The other edition of `book`, checked with it.
    public let translation: Book?
    /// Exercise id ("1.3") -> the file the learner edits.
    public let exercises: [String: String]
    /// Chapters whose exercises are being written: while the catalogue has none of theirs, a
    /// mention of them (or of their `exercises/NN-*` folder) is accepted. Once one lands, every
    /// mention is checked again.
    public let awaitingChapters: Set<Int>

    /// The chapters whose exercises are being written right now (the default for
    /// `awaitingChapters`); a chapter drops out of the leniency by itself once the catalogue
    /// has any of its exercises.
    public static let chaptersAwaitingExercises: Set<Int> = []

    public static let allowedFences: Set<String> = ["sh", "shell", "bash", "console", "text", "formula", "json", "jsonl", "csv"]
    /// Top-level folders of the package whose paths, written in inline code, must exist.
    static let checkedFolders = ["Chapters/", "Sources/", "exercises/", "solutions/", "Tests/", "scripts/", "book/", "benchmarks/"]

    public init(book: Book, translation: Book? = nil, exercises: [(id: String, file: String)], awaitingChapters: Set<Int> = []) {
        self.book = book
        self.translation = translation
        self.exercises = Dictionary(exercises.map { ($0.id, $0.file) }, uniquingKeysWith: { a, _ in a })
        self.awaitingChapters = awaitingChapters
    }

    /// Both editions, English first.
    public var editions: [Book] { [book] + (translation.map { [$0] } ?? []) }

    /// A checker of one edition alone: this one's, then the translation's.
    public var editionCheckers: [BookChecker] {
        editions.map { BookChecker(book: $0, exercises: exercises.map { ($0.key, $0.value) }, awaitingChapters: awaitingChapters) }
    }

    /// Every problem: each edition's pages, then the drift between them and the font.
    public func problems() -> [BookProblem] {
        editionCheckers.flatMap { $0.pageProblems() } + editionDrift() + fontCoverage()
    }

    /// Every problem of this edition's pages, page by page.
    public func pageProblems() -> [BookProblem] {
        missingRegions() + missingResults() + brokenLinks() + unknownExercises() + missingPaths() + handWrittenCode() + rawHTML()
            + editorialDebris() + unrecordedNumbers()
    }

    /// Inline HTML in prose: Ink swallows everything after an unclosed tag such as `<br>` (or a
    /// special token such as `<|im_end|>` outside backticks), and
    /// GitHub drops many tags, so pages hold none except `<sub>`/`<sup>` pairs. (Write formulas
    /// in Unicode: σ, √, Σ, ŷ, xᵢ, β₁.)
    public func rawHTML() -> [BookProblem] {
        let tag = try! NSRegularExpression(pattern: #"<(/?)([A-Za-z!][A-Za-z0-9-]*)"#)
        var out: [BookProblem] = []
        for page in book.pages {
            var inFence = false
            for (i, line) in BookPage.lines(of: page.markdown).enumerated() {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
                if inFence { continue }
                let prose = line.replacingOccurrences(of: "`[^`]*`", with: "``", options: .regularExpression)
                if prose.contains("<|") {
                    out.append(problem(page, i + 1, "a special token such as <|im_end|> outside backticks: Ink reads it as HTML and swallows the rest of the page (write `<|im_end|>`)"))
                }
                let ns = prose as NSString
                for m in tag.matches(in: prose, range: NSRange(location: 0, length: ns.length)) {
                    let name = ns.substring(with: m.range(at: 2)).lowercased()
                    if name == "sub" || name == "sup" { continue }
                    out.append(problem(page, i + 1, "inline HTML <\(ns.substring(with: m.range(at: 1)))\(name)> is not allowed in the book (write Markdown, formulas in Unicode)"))
                }
            }
        }
        return out
    }

    func problem(_ page: BookPage, _ line: Int, _ message: String) -> BookProblem {
        BookProblem(page: book.path(of: page), line: line, message: message)
    }

    public func missingRegions() -> [BookProblem] {
        book.pages.flatMap { page in
            page.directives.compactMap { d -> BookProblem? in
                do { _ = try RegionExtractor.region(named: d.region, file: d.file, root: book.root); return nil }
                catch let e as CourseError { return problem(page, d.line, "\(d.source): \(e.message)") }
                catch { return problem(page, d.line, "\(d.source): \(error)") }
            }
        }
    }

    public func brokenLinks() -> [BookProblem] {
        let fm = FileManager.default
        var out: [BookProblem] = []
        for page in book.pages {
            for link in page.links {
                let t = link.target
                if t.contains("://") || t.hasPrefix("mailto:") { continue }
                let (path, fragment) = PageRenderer.splitFragment(t)
                let anchor = String(fragment.dropFirst())
                if path.isEmpty {
                    if !page.headings.contains(where: { $0.anchor == anchor }) {
                        out.append(problem(page, link.line, "no heading for anchor #\(anchor) in this page"))
                    }
                    continue
                }
                let resolved = PageRenderer.normalise("book/" + path)
                if link.isImage && !resolved.hasPrefix("book/") {
                    out.append(problem(page, link.line, "image \(t) is outside book/ (put figures in book/figures/)"))
                    continue
                }
                if !path.contains("/"), path.hasSuffix(".md") {
                    guard let target = book.page(named: path) else {
                        out.append(problem(page, link.line, "link to a missing page \(path)"))
                        continue
                    }
                    if !anchor.isEmpty, !target.headings.contains(where: { $0.anchor == anchor }) {
                        out.append(problem(page, link.line, "no heading for anchor #\(anchor) in \(path)"))
                    }
                    continue
                }
                if resolved.hasPrefix("..") || !fm.fileExists(atPath: book.root.appendingPathComponent(resolved).path) {
                    out.append(problem(page, link.line, "\(link.isImage ? "image" : "link") target \(t) does not exist"))
                }
            }
        }
        return out
    }

    /// Exercise ids mentioned on a line, and chapters mentioned by `course check N`.
    static func mentions(in line: String) -> (ids: [String], chapters: [Int]) {
        var ids: [String] = [], chapters: [Int] = []
        let ns = line as NSString
        let all = NSRange(location: 0, length: ns.length)
        // "exercise 1.3", "exercises 1.1–1.6"; in Japanese "演習 1.3", "演習 1.1〜1.6".
        let exercise = try! NSRegularExpression(
            pattern: #"(?:\b[Ee]xercises?\s+|演習\s*)(\d+)\.(\d+)(?:\s*(?:–|—|-|〜|～|to|から)\s*(\d+)\.(\d+))?"#)
        for m in exercise.matches(in: line, range: all) {
            let c = Int(ns.substring(with: m.range(at: 1)))!, a = Int(ns.substring(with: m.range(at: 2)))!
            if m.range(at: 3).location != NSNotFound {
                let c2 = Int(ns.substring(with: m.range(at: 3)))!, b = Int(ns.substring(with: m.range(at: 4)))!
                if c2 == c && b >= a && b - a < 50 { ids += (a...b).map { "\(c).\($0)" }; continue }
                ids += ["\(c).\(a)", "\(c2).\(b)"]
            } else {
                ids.append("\(c).\(a)")
            }
        }
        let command = try! NSRegularExpression(pattern: #"\bcourse\s+(check|hint)\s+(\d+)(?:\.(\d+))?"#)
        for m in command.matches(in: line, range: all) {
            let c = ns.substring(with: m.range(at: 2))
            if m.range(at: 3).location != NSNotFound { ids.append("\(c).\(ns.substring(with: m.range(at: 3)))") }
            else if ns.substring(with: m.range(at: 1)) == "check" { chapters.append(Int(c)!) }
        }
        return (ids, chapters)
    }

    func chapterHasExercises(_ c: Int) -> Bool { exercises.keys.contains { $0.hasPrefix("\(c).") } }
    func pending(_ c: Int) -> Bool { awaitingChapters.contains(c) && !chapterHasExercises(c) }

    public func unknownExercises() -> [BookProblem] {
        var out: [BookProblem] = []
        for page in book.pages {
            for (i, line) in BookPage.lines(of: page.markdown).enumerated() {
                let (ids, chapters) = Self.mentions(in: line)
                for id in ids where exercises[id] == nil {
                    let c = Int(id.split(separator: ".")[0]) ?? 0
                    if pending(c) { continue }
                    out.append(problem(page, i + 1, "exercise \(id) is not in the catalogue"))
                }
                for c in chapters where !chapterHasExercises(c) && !pending(c) {
                    out.append(problem(page, i + 1, "`course check \(c)`: chapter \(c) has no exercises in the catalogue"))
                }
            }
        }
        return out
    }

    /// Repository paths written in inline code (`exercises/01-autograd/ScalarBackward.swift`) must exist.
    public func missingPaths() -> [BookProblem] {
        let fm = FileManager.default
        let code = try! NSRegularExpression(pattern: "`([^`\\s]+)`")
        var out: [BookProblem] = []
        for page in book.pages {
            for (i, line) in BookPage.lines(of: page.markdown).enumerated() {
                let ns = line as NSString
                for m in code.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                    let path = ns.substring(with: m.range(at: 1))
                    guard Self.checkedFolders.contains(where: { path.hasPrefix($0) }), !path.contains("*") else { continue }
                    if fm.fileExists(atPath: book.root.appendingPathComponent(path).path) { continue }
                    if let c = Self.chapterOfExercisePath(path), pending(c) { continue }
                    out.append(problem(page, i + 1, "\(path) does not exist"))
                }
            }
        }
        return out
    }

    /// 2 for "exercises/02-transformer/..." or "solutions/02-transformer/...".
    static func chapterOfExercisePath(_ path: String) -> Int? {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts[0] == "exercises" || parts[0] == "solutions" else { return nil }
        return Int(parts[1].prefix(2))
    }

    public func handWrittenCode() -> [BookProblem] {
        book.pages.flatMap { page in
            page.fences.compactMap { f -> BookProblem? in
                let lang = f.language.lowercased()
                if lang.hasPrefix("swift") {
                    return problem(page, f.line, "Swift pasted by hand: mark a region in the source and use @code(file#region)")
                }
                if lang.isEmpty { return problem(page, f.line, "fenced block without a language (use one of: \(Self.allowedFences.sorted().joined(separator: ", ")))") }
                if !Self.allowedFences.contains(lang) { return problem(page, f.line, "fenced block language \"\(f.language)\" is not allowed (use one of: \(Self.allowedFences.sorted().joined(separator: ", ")))") }
                return nil
            }
        }
    }

    /// Regions marked in the sources of a chapter that has a book page (Chapters/02-* for
    /// book/02-*.md) but quoted nowhere in the book: "file#region" strings, sorted.
    public func unquotedRegions() throws -> [String] {
        let quoted = Set(book.pages.flatMap { $0.directives.map { "\($0.file)#\($0.region)" } })
        let numbers = Set(book.pages.compactMap { Int($0.fileName.prefix(2)) })
        let chapters = book.root.appendingPathComponent("Chapters")
        guard let walker = FileManager.default.enumerator(atPath: chapters.path) else { return [] }
        var out: [String] = []
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".swift"), let n = Int(rel.prefix(2)), numbers.contains(n) else { continue }
            let file = "Chapters/" + rel
            let text = try String(contentsOf: chapters.appendingPathComponent(rel), encoding: .utf8)
            for r in try RegionExtractor.regions(in: text, file: file) where !quoted.contains("\(file)#\(r.name)") {
                out.append("\(file)#\(r.name)")
            }
        }
        return out.sorted()
    }
}
