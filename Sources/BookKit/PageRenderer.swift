import Core
import Foundation
import Ink

/// Turns one book page into the HTML of its article: Markdown through Ink, with the book's
/// own rules on top:
/// - `@code(file#region)` lines become the region's highlighted code under a caption, after an
///   HTML comment that keeps the directive;
/// - `@results(results/NAME.md)` lines become the recorded results file they name;
/// - ```` ```formula ```` blocks become centred formulas (Unicode maths, see the CSS);
/// - links to `other-page.md` become `other-page.html`; links that leave `book/` are rewritten
///   to point at the same file from the output folder;
/// - headings get GitHub's anchors as ids, so `page.md#section` links work on both; a heading
///   that ends in `{#id}` gets that id instead, the braces left out of its text.
///
/// A page of the Japanese edition renders into `ja/` of the site: links to the shared figures
/// and to sources climb one folder more, and links to other pages stay in its edition.
struct PageRenderer {
    let book: Book
    /// Relative path from the output folder of this edition's pages to the package root
    /// ("../" for `site/`, "../../" for `site/ja/`).
    let rootFromOutput: String

    /// Placeholders survive Ink untouched as paragraphs of their own; they are swapped for the
    /// generated blocks after Ink has run.
    static func placeholder(_ k: Int) -> String { "BOOKKITBLOCK\(k)X" }

    func render(_ page: BookPage) throws -> String {
        var lines = BookPage.lines(of: page.markdown)
        var blocks: [String] = []
        for d in page.directives {
            let region: CodeRegion
            do {
                region = try RegionExtractor.region(named: d.region, file: d.file, root: book.root)
            } catch let e as CourseError {
                throw CourseError(file: book.path(of: page), line: d.line, e.message)
            }
            lines[d.line - 1] = "\n" + Self.placeholder(blocks.count) + "\n"
            blocks.append(Self.codeFigure(region, directive: d, lines: book.edition.strings.lines))
        }
        for (i, line) in lines.enumerated() {
            guard let path = ResultsInclude.path(in: line) else { continue }
            do { lines[i] = try ResultsInclude.text(path, book: book) } catch let e as CourseError {
                throw CourseError(file: book.path(of: page), line: i + 1, e.message)
            }
        }

        let headingIDs = SlugBox()
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .headings) { html, markdown in
            let (raw, explicit) = BookPage.explicitID(markdown.drop { $0 == "#" }.trimmingCharacters(in: .whitespacesAndNewlines))
            let id = explicit ?? headingIDs.slugs.make(BookPage.plainText(raw))
            var html = html
            if let explicit, let brace = html.range(of: "{#\(explicit)}", options: .backwards) {
                // Ink keeps the braces as text; drop them and the space before them.
                var start = brace.lowerBound
                while start > html.startIndex, html[html.index(before: start)] == " " { start = html.index(before: start) }
                html.removeSubrange(start..<brace.upperBound)
            }
            guard let close = html.firstIndex(of: ">") else { return html }
            return String(html[..<close]) + " id=\"\(SwiftHighlighter.escape(id))\"" + String(html[close...])
        })
        parser.addModifier(Modifier(target: .codeBlocks) { _, markdown in Self.fencedBlock(String(markdown)) })
        parser.addModifier(Modifier(target: .links) { html, _ in self.rewriteAttribute("href", in: html) })
        parser.addModifier(Modifier(target: .images) { html, _ in
            // Linked to itself, so a reader on a phone can open the figure at full size.
            let img = self.rewriteAttribute("src", in: html)
            let src = img.range(of: "src=\"").flatMap { r in img[r.upperBound...].firstIndex(of: "\"").map { String(img[r.upperBound..<$0]) } } ?? ""
            return "<figure class=\"image\"><a href=\"\(src)\">" + img + "</a></figure>"
        })
        parser.addModifier(Modifier(target: .tables) { html, _ in
            "<div class=\"\(Self.isWide(html) ? "table wide" : "table")\">\(Self.labelCells(html))</div>"
        })

        var html = parser.html(from: Self.protectProse(lines).joined(separator: "\n"))
        for (k, block) in blocks.enumerated() {
            html = html.replacingOccurrences(of: "<p>\(Self.placeholder(k))</p>", with: block)
        }
        return html
    }

    /// Ink reads `snake_case` and `2 * 3 * 4` as emphasis, which GitHub does not: escape an
    /// underscore between word characters and a star between spaces, outside code and URLs.
    ///
    /// Ink also ends a paragraph at a line that starts with a backtick, so such a continuation
    /// line is joined to the line before it.
    static func protectProse(_ lines: [String]) -> [String] {
        var out: [String] = []
        var inFence = false
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") { inFence.toggle(); out.append(line); continue }
            if inFence { out.append(line); continue }
            let escaped = protectLine(line)
            if let previous = out.last, let joined = joinCJK(previous, escaped) { out[out.count - 1] = joined; continue }
            if line.hasPrefix("`"), let previous = out.last, !previous.trimmingCharacters(in: .whitespaces).isEmpty,
               !previous.hasPrefix("#"), !previous.hasPrefix("|"), !previous.hasPrefix("```"), !previous.hasPrefix("\n") {
                out[out.count - 1] = previous + " " + escaped
            } else {
                out.append(escaped)
            }
        }
        return out
    }

    /// Japanese has no spaces between words, but a browser turns the line break of a wrapped
    /// paragraph into one: "間違っているかを 表す". A line that starts with a CJK character is
    /// therefore joined to the prose line before it when that one ends with a CJK character
    /// (in a block quote too). Nil when the lines stay apart.
    static func joinCJK(_ previous: String, _ line: String) -> String? {
        var prev = Substring(previous), next = Substring(line.drop { $0 == " " })
        let quoted = prev.hasPrefix(">") && next.hasPrefix(">")
        if quoted { next = next.dropFirst().drop { $0 == " " } } else { prev = prev.drop { $0 == " " } }
        guard let last = prev.unicodeScalars.last, CJKText.isCJK(last),
              let first = next.unicodeScalars.first, CJKText.isCJK(first),
              !prev.hasPrefix("#"), !prev.hasPrefix("|"), !prev.hasPrefix("@"), !prev.hasPrefix("```"),
              quoted || !prev.hasPrefix(">") else { return nil }
        return previous + next
    }

    static func protectLine(_ line: String) -> String {
        // Split into pieces that may be changed (prose) and pieces that may not (code, URLs).
        let keep = try! NSRegularExpression(pattern: #"`[^`]*`|\]\([^)]*\)"#)
        let ns = line as NSString
        var out = "", last = 0
        func prose(_ s: String) -> String {
            s.replacingOccurrences(of: #"(?<=[\p{L}\p{N}])_(?=[\p{L}\p{N}])"#, with: #"\\_"#, options: .regularExpression)
                .replacingOccurrences(of: #"(?<= )\*(?= )"#, with: #"\\*"#, options: .regularExpression)
        }
        for m in keep.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
            out += prose(ns.substring(with: NSRange(location: last, length: m.range.location - last)))
            out += ns.substring(with: m.range)
            last = m.range.location + m.range.length
        }
        return out + prose(ns.substring(from: last))
    }

    /// A table of more than six columns: on a wide screen it may use the margins, as code does.
    static func isWide(_ table: String) -> Bool {
        guard let headEnd = table.range(of: "</thead>") else { return false }
        return table[..<headEnd.lowerBound].components(separatedBy: "<th").count - 1 > 6
    }

    /// Gives every body cell a `data-label` with its column's header, so that on a phone the
    /// stylesheet can show each row as a card of "header: value" lines instead of squeezing
    /// the columns.
    static func labelCells(_ table: String) -> String {
        guard let headEnd = table.range(of: "</thead>") else { return table }
        let cell = try! NSRegularExpression(pattern: "<th[^>]*>(.*?)</th>")
        let head = String(table[..<headEnd.lowerBound]) as NSString
        let labels = cell.matches(in: head as String, range: NSRange(location: 0, length: head.length)).map {
            head.substring(with: $0.range(at: 1))
                .replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        var out = String(table[..<headEnd.upperBound])
        var column = 0
        var rest = table[headEnd.upperBound...]
        while let r = rest.range(of: "<td") {
            out += rest[..<r.lowerBound]
            let before = rest[..<r.lowerBound]
            if before.contains("<tr") { column = 0 }
            out += column < labels.count ? "<td data-label=\"\(labels[column])\"" : "<td"
            column += 1
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    /// The code of a region, with a caption naming its file and lines.
    static func codeFigure(_ r: CodeRegion, directive d: CodeDirective,
                           lines: (Int, Int) -> String = EditionStrings.english.lines) -> String {
        let caption = "\(SwiftHighlighter.escape(r.file)), \(lines(r.firstLine, r.lastLine))"
        return "<!-- \(SwiftHighlighter.escape(d.source)) -->\n"
            + "<figure class=\"code\" id=\"code-\(r.name)\"><figcaption><span class=\"region\">\(r.name)</span> "
            + "<span class=\"where\">\(caption)</span></figcaption>\n"
            + "<pre class=\"swift\"><code>\(SwiftHighlighter.html(r.text))</code></pre></figure>"
    }

    /// A fenced block given its raw Markdown (opening fence to closing fence).
    static func fencedBlock(_ markdown: String) -> String {
        var lines = BookPage.lines(of: markdown)
        let opening = lines.first ?? ""
        let language = opening.drop { $0 == "`" }.trimmingCharacters(in: .whitespaces).lowercased()
        lines.removeFirst()
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty || last.allSatisfy({ $0 == "`" }) {
            lines.removeLast()
        }
        let body = lines.joined(separator: "\n")
        switch language {
        case "formula":
            let rows = lines.map { "<span class=\"row\">\(SwiftHighlighter.escape($0))</span>" }
            return "<div class=\"formula\">\(rows.joined(separator: "\n"))</div>"
        case "sh", "shell", "bash", "console":
            return "<pre class=\"shell\"><code>\(shellHTML(body))</code></pre>"
        default:
            let cls = language.isEmpty ? "text" : SwiftHighlighter.escape(language)
            return "<pre class=\"\(cls)\"><code>\(SwiftHighlighter.escape(body))</code></pre>"
        }
    }

    /// Shell lines: `# comments` dimmed, everything else as typed.
    static func shellHTML(_ text: String) -> String {
        BookPage.lines(of: text).map { line -> String in
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                return "<span class=\"cm\">\(SwiftHighlighter.escape(line))</span>"
            }
            return SwiftHighlighter.escape(line)
        }.joined(separator: "\n")
    }

    /// Rewrites one URL attribute of an Ink-generated tag (see `siteURL`).
    func rewriteAttribute(_ name: String, in html: String) -> String {
        guard let start = html.range(of: "\(name)=\""),
              let end = html[start.upperBound...].firstIndex(of: "\"") else { return html }
        let url = String(html[start.upperBound..<end])
        return html.replacingCharacters(in: start.upperBound..<end, with: siteURL(url))
    }

    /// Where a link written in `book/page.md` points from the rendered site.
    func siteURL(_ url: String) -> String {
        if url.hasPrefix("#") || url.contains("://") || url.hasPrefix("mailto:") { return url }
        let (path, fragment) = Self.splitFragment(url)
        if !path.contains("/"), path.hasSuffix(".md") { return BookPage.htmlName(for: path) + fragment }
        let resolved = Self.normalise("book/" + path)
        if resolved.hasPrefix("book/") { return book.edition.siteRoot + String(resolved.dropFirst(5)) + fragment }  // copied along
        return rootFromOutput + resolved + fragment
    }

    static func splitFragment(_ url: String) -> (String, String) {
        guard let hash = url.firstIndex(of: "#") else { return (url, "") }
        return (String(url[..<hash]), String(url[hash...]))
    }

    /// "book/../exercises/x.swift" -> "exercises/x.swift"; a path that climbs above the root
    /// keeps its leading "../".
    static func normalise(_ path: String) -> String {
        var parts: [String] = []
        for p in path.split(separator: "/") {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(String(p))
        }
        return parts.joined(separator: "/")
    }
}

/// Mutable slug state for Ink's heading modifier (called once per heading, in order).
final class SlugBox {
    var slugs = SlugSet()
}
