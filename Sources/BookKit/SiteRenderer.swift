import Core
import Foundation

/// Renders the book to a static site: one HTML page per Markdown page, a table of contents
/// (`index.html`), the stylesheet, and every non-Markdown file under `book/` (the figures and
/// the Japanese font) copied along. The Japanese edition, when there is one, renders into `ja/`
/// with its own contents page; every page links to the same page in the other edition. No
/// scripts, nothing from the network; the same book gives byte-identical files.
public struct SiteRenderer {
    public let book: Book
    /// The other edition (the Japanese one when `book` is English), rendered alongside.
    public let translation: Book?
    public var title: String
    public var tagline: String

    /// A file the site consists of, path relative to the output folder.
    public struct File: Equatable, Sendable {
        public let path: String
        public let contents: Data
    }

    /// Marks a folder as made by `course book`, so a re-render may clear it.
    public static let marker = ".course-book-site"

    public init(book: Book, translation: Book? = nil) {
        self.book = book
        self.translation = translation
        title = book.edition.strings.bookTitle
        tagline = book.edition.strings.tagline
    }

    /// Every file of the site, in a fixed order. `output` is where the site will be written:
    /// links to sources outside `book/` are made relative to it.
    public func files(output: URL) throws -> [File] {
        var files = try editionFiles(output: output)
        if let translation {
            let other = SiteRenderer(book: translation, translation: book)
            let folder = translation.edition.siteFolder
            files += try other.editionFiles(output: output.appendingPathComponent(folder)).map {
                File(path: folder + $0.path, contents: $0.contents)
            }
        }
        files.append(File(path: "style.css", contents: Data(SiteStyle.css.utf8)))
        files.append(File(path: Self.marker, contents: Data("made by `course book`; safe to delete\n".utf8)))
        for asset in try assets() {
            files.append(File(path: asset, contents: try Data(contentsOf: book.directory.appendingPathComponent(asset))))
        }
        return files
    }

    /// The pages and contents page of `book`'s edition, paths relative to its own folder.
    func editionFiles(output: URL) throws -> [File] {
        let renderer = PageRenderer(book: book, rootFromOutput: Self.relativePath(from: output, to: book.root))
        var files: [File] = []
        for (i, page) in book.pages.enumerated() {
            let article = try renderer.render(page)
            let previous = i > 0 ? book.pages[i - 1] : nil
            let next = i + 1 < book.pages.count ? book.pages[i + 1] : nil
            files.append(File(path: page.htmlName, contents: Data(pageHTML(page, article, previous, next).utf8)))
        }
        files.append(File(path: "index.html", contents: Data(indexHTML().utf8)))
        return files
    }

    /// Writes the site into `output`. A folder made by an earlier render is cleared first; a
    /// non-empty folder that was not made by `course book` is refused.
    public func write(to output: URL) throws -> [File] {
        let fm = FileManager.default
        let files = try files(output: output)
        if let existing = try? fm.contentsOfDirectory(atPath: output.path), !existing.isEmpty {
            guard existing.contains(Self.marker) else {
                throw CourseError(file: output.path, "folder is not empty and was not made by `course book`; choose another --out")
            }
            for name in existing { try fm.removeItem(at: output.appendingPathComponent(name)) }
        }
        for f in files {
            try AtomicFile.write(f.contents, to: output.appendingPathComponent(f.path))
        }
        return files
    }

    /// Non-Markdown files under `book/` (figures, fonts), relative paths, sorted. The font's
    /// character list is the tests' record of the font, not something a reader needs.
    func assets() throws -> [String] {
        let dir = book.directory
        guard let walker = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let rel = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            let name = (rel as NSString).lastPathComponent
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent(rel).path, isDirectory: &isDir),
                  !isDir.boolValue, !rel.hasSuffix(".md"), !name.hasPrefix("."), rel != BookFont.characterList else { continue }
            out.append(rel)
        }
        return out.sorted()
    }

    // MARK: - Pages

    func pageHTML(_ page: BookPage, _ article: String, _ previous: BookPage?, _ next: BookPage?) -> String {
        var toc = ""
        if page.headings.filter({ $0.level == 2 }).count >= 3 {
            let label = esc(strings.onThisPage)
            toc = "<nav class=\"on-this-page\" aria-label=\"\(label)\"><details open><summary>\(label)</summary>\n"
                + onThisPage(page.headings) + "</details></nav>\n"
        }
        let body = insertAfterTitle(article, toc)
        return document(title: "\(page.title) · \(title)", body: """
            \(header(counterpart: counterpartURL(page.fileName)))
            <main>
            <article>
            \(body)
            </article>
            \(pager(previous, next))
            </main>
            """)
    }

    /// Sections (h2) as a numbered list, their subsections (h3) nested under them.
    func onThisPage(_ headings: [BookPage.Heading]) -> String {
        var html = "<ol>\n"
        var open = false   // an h2 item whose sub-list is open
        for h in headings where h.level == 2 || h.level == 3 {
            let link = "<a href=\"#\(h.anchor)\">\(esc(h.text))</a>"
            if h.level == 2 {
                if open { html += "</ul>" ; open = false }
                html += (html.hasSuffix("<ol>\n") ? "" : "</li>\n") + "<li>" + link
            } else if html.hasSuffix("<ol>\n") {
                continue   // a subsection before any section: skip it
            } else {
                if !open { html += "<ul>"; open = true }
                html += "<li>\(link)</li>"
            }
        }
        if open { html += "</ul>" }
        return html + (html.hasSuffix("<ol>\n") ? "" : "</li>\n") + "</ol>\n"
    }

    /// The on-this-page list goes right after the page's `<h1>`.
    func insertAfterTitle(_ article: String, _ toc: String) -> String {
        guard !toc.isEmpty, let end = article.range(of: "</h1>") else { return toc + article }
        return String(article[..<end.upperBound]) + "\n" + toc + String(article[end.upperBound...])
    }

    func pager(_ previous: BookPage?, _ next: BookPage?) -> String {
        var links = ""
        if let previous {
            links += "<a class=\"prev\" rel=\"prev\" href=\"\(previous.htmlName)\"><span>\(esc(strings.previous))</span>\(esc(previous.title))</a>\n"
        }
        if let next {
            links += "<a class=\"next\" rel=\"next\" href=\"\(next.htmlName)\"><span>\(esc(strings.next))</span>\(esc(next.title))</a>\n"
        }
        return "<nav class=\"pager\" aria-label=\"\(esc(strings.previous)) / \(esc(strings.next))\">\n\(links)</nav>"
    }

    var strings: EditionStrings { book.edition.strings }

    /// The same page in the other edition, from a page of this one: "ja/03-sft.html" or
    /// "../03-sft.html"; the other edition's contents page while the page is not translated.
    func counterpartURL(_ fileName: String?) -> String? {
        guard let translation else { return nil }
        let base = book.edition.siteRoot + translation.edition.siteFolder
        if let fileName, let page = translation.page(named: fileName) { return base + page.htmlName }
        return base + "index.html"
    }

    func header(counterpart: String?) -> String {
        var links = "<a href=\"index.html\">\(esc(strings.contents))</a>"
        if book.page(named: "glossary.md") != nil { links += " <a href=\"glossary.html\">\(esc(strings.glossary))</a>" }
        if book.page(named: "faq.md") != nil { links += " <a href=\"faq.html\">\(esc(strings.faq))</a>" }
        if let counterpart, let other = translation?.edition {
            links += " <a class=\"language\" href=\"\(counterpart)\" hreflang=\"\(other.rawValue)\" lang=\"\(other.rawValue)\">\(esc(strings.switchLabel))</a>"
        }
        return "<header class=\"site\"><a class=\"book\" href=\"index.html\">\(esc(title))</a><nav>\(links)</nav></header>"
    }

    func indexHTML() -> String {
        let chapters = book.pages.filter { $0.fileName.first?.isNumber == true }
        let others = book.pages.filter { $0.fileName.first?.isNumber != true }
        func entry(_ p: BookPage, sections: Bool) -> String {
            var s = "<li><a href=\"\(p.htmlName)\">\(esc(p.title))</a>"
            let h2 = p.headings.filter { $0.level == 2 }
            if sections && !h2.isEmpty {
                s += "\n<ul class=\"sections\">"
                    + h2.map { "<li><a href=\"\(p.htmlName)#\($0.anchor)\">\(esc($0.text))</a></li>" }.joined()
                    + "</ul>"
            }
            return s + "</li>"
        }
        let first = book.pages.first.map { "<p class=\"start\"><a href=\"\($0.htmlName)\">\(esc(strings.startReading))\(esc($0.title)) →</a></p>" } ?? ""
        return document(title: title, body: """
            \(header(counterpart: counterpartURL(nil)))
            <main>
            <article class="contents">
            <h1>\(esc(title))</h1>
            <p class="tagline">\(esc(tagline))</p>
            \(first)
            <h2 id="chapters">\(esc(strings.chapters))</h2>
            <ol class="toc">
            \(chapters.map { entry($0, sections: true) }.joined(separator: "\n"))
            </ol>
            <h2 id="appendices">\(esc(strings.appendices))</h2>
            <ul class="toc">
            \(others.map { entry($0, sections: false) }.joined(separator: "\n"))
            </ul>
            </article>
            </main>
            """)
    }

    /// A whole HTML document. In an English page, Japanese runs are marked `lang="ja"`.
    func document(title: String, body: String) -> String {
        let edition = book.edition
        var inner = "\(body)\n<footer>\(strings.footer)</footer>"
        if edition == .english { inner = CJKText.wrap(inner) }
        return """
        <!DOCTYPE html>
        <html lang="\(edition.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <link rel="stylesheet" href="\(edition.siteRoot)style.css">
        </head>
        <body>
        \(inner)
        </body>
        </html>

        """
    }

    func esc(_ s: String) -> String { SwiftHighlighter.escape(s) }

    /// The relative path from folder `from` to folder `to` ("../" for root/site -> root),
    /// ending in "/" unless empty.
    public static func relativePath(from: URL, to: URL) -> String {
        let a = from.standardizedFileURL.pathComponents, b = to.standardizedFileURL.pathComponents
        var common = 0
        while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        let parts = ups + b[common...]
        return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
    }
}
