import Core
import Foundation
import Testing
@testable import BookKit

@Suite("Rendering the book to HTML")
struct RenderingTests {
    @Test("The highlighter marks keywords, types, strings, comments, numbers and attributes")
    func highlighter() {
        let html = SwiftHighlighter.html("""
        @TaskLocal static var n: Int = 0x1F // note <x>
        let s = "a \\(f("b", 2.5e-3)) c"; x.init(); y.self
        """)
        #expect(html.contains("<span class=\"at\">@TaskLocal</span>"))
        #expect(html.contains("<span class=\"kw\">static</span> <span class=\"kw\">var</span> n: <span class=\"ty\">Int</span>"))
        #expect(html.contains("<span class=\"nu\">0x1F</span>"))
        #expect(html.contains("<span class=\"cm\">// note &lt;x&gt;</span>"))
        // The interpolation is code inside the string: its own string and number are marked.
        #expect(html.contains("<span class=\"st\">&quot;a \\(</span>f(<span class=\"st\">&quot;b&quot;</span>, <span class=\"nu\">2.5e-3</span>)<span class=\"st\">) c&quot;</span>"))
        #expect(html.contains("x.<span class=\"kw\">init</span>()"))
        #expect(!html.contains("<script"))
    }

    @Test("Raw and multi-line strings and block comments stay whole")
    func strings() {
        #expect(SwiftHighlighter.html(##"#"a "q" \(no)"#"##) == ##"<span class="st">#&quot;a &quot;q&quot; \(no)&quot;#</span>"##)
        #expect(SwiftHighlighter.html("/* a\nb */x") == "<span class=\"cm\">/* a\nb */</span>x")
        #expect(SwiftHighlighter.html("\"\"\"\nline \"q\"\n\"\"\"") == "<span class=\"st\">&quot;&quot;&quot;\nline &quot;q&quot;\n&quot;&quot;&quot;</span>")
        #expect(SwiftHighlighter.html("a.count") == "a.count")
    }

    @Test("A page renders with its code region, anchors, rewritten links, figure, formula and table")
    func page() throws {
        let t = try TempBook(pages: TempBook.goodPages)
        defer { t.remove() }
        let site = SiteRenderer(book: try t.book())
        let files = try site.files(output: t.root.appendingPathComponent("site"))
        #expect(files.map(\.path) == ["01-demo.html", "glossary.html", "index.html", "style.css", SiteRenderer.marker, "figures/loss.png"])
        let html = String(decoding: files[0].contents, as: UTF8.self)
        #expect(html.contains("<!-- @code(Chapters/01-Demo/Demo.swift#demo-step) -->"))
        #expect(html.contains("Chapters/01-Demo/Demo.swift, lines 5–9"))
        #expect(html.contains("<span class=\"kw\">public</span> <span class=\"kw\">func</span> step"))
        #expect(html.contains("<h2 id=\"the-code\">The code</h2>"))
        #expect(html.contains("href=\"glossary.html#terms\""))
        #expect(html.contains("href=\"../Chapters/01-Demo/Demo.swift\""))
        #expect(html.contains("href=\"#the-code\""))
        #expect(html.contains("<figure class=\"image\"><a href=\"figures/loss.png\"><img src=\"figures/loss.png\" alt=\"The loss falls\"/></a></figure>"))
        #expect(html.contains("<div class=\"formula\"><span class=\"row\">L = −(1/N) Σᵢ log p(yᵢ | xᵢ)</span></div>"))
        #expect(html.contains("<pre class=\"shell\"><code><span class=\"cm\"># from the package root</span>\nswift run course check 1</code></pre>"))
        #expect(html.contains("<div class=\"table\"><table>"))
        // Ink would read these as emphasis; GitHub does not.
        #expect(html.contains("snake_case words, 2 * 3 * 4"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(!html.contains("<script") && !html.contains("http"))
        // Navigation: next page only (this is the first page), and the contents link.
        #expect(html.contains("<a class=\"next\" rel=\"next\" href=\"glossary.html\">"))
        #expect(!html.contains("class=\"prev\""))
        #expect(html.contains("<a href=\"index.html\">Contents</a>"))
    }

    @Test("The contents page lists every page and the chapters' sections")
    func index() throws {
        let t = try TempBook(pages: TempBook.goodPages)
        defer { t.remove() }
        let files = try SiteRenderer(book: try t.book()).files(output: t.root.appendingPathComponent("site"))
        let index = String(decoding: try #require(files.first { $0.path == "index.html" }).contents, as: UTF8.self)
        #expect(index.contains("<a href=\"01-demo.html\">Chapter 1: A demo</a>"))
        #expect(index.contains("<a href=\"01-demo.html#running-it\">Running it</a>"))
        #expect(index.contains("<a href=\"glossary.html\">Glossary</a>"))
    }

    @Test("Rendering twice gives identical bytes; a site folder is replaced, a foreign folder refused")
    func writeAndDeterminism() throws {
        let t = try TempBook(pages: TempBook.goodPages)
        defer { t.remove() }
        let site = SiteRenderer(book: try t.book())
        let out = t.root.appendingPathComponent("site")
        let first = try site.write(to: out)
        try "stale".write(to: out.appendingPathComponent("old.html"), atomically: true, encoding: .utf8)
        let second = try site.write(to: out)
        #expect(first == second)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("old.html").path))
        #expect(try Data(contentsOf: out.appendingPathComponent("figures/loss.png")).count == 8)

        let foreign = t.root.appendingPathComponent("Chapters")
        #expect(throws: CourseError.self) { try site.write(to: foreign) }
        #expect(FileManager.default.fileExists(atPath: foreign.appendingPathComponent("01-Demo/Demo.swift").path))
    }

    @Test("A wrapped line that starts with inline code stays in its paragraph")
    func backtickContinuation() {
        let out = PageRenderer.protectProse(["It is what", "`loss.backward()` does.", "", "`x` starts a paragraph.", "## H", "`y`"])
        #expect(out == ["It is what `loss.backward()` does.", "", "`x` starts a paragraph.", "## H", "`y`"])
    }

    @Test("Links to sources follow the output folder; relative paths are computed between folders")
    func relativePaths() {
        #expect(SiteRenderer.relativePath(from: URL(fileURLWithPath: "/a/kit/site"), to: URL(fileURLWithPath: "/a/kit")) == "../")
        #expect(SiteRenderer.relativePath(from: URL(fileURLWithPath: "/tmp/out"), to: URL(fileURLWithPath: "/a/kit")) == "../../a/kit/")
        #expect(PageRenderer.normalise("book/../exercises/./01/x.swift") == "exercises/01/x.swift")
        #expect(PageRenderer.normalise("book/figures/a.png") == "book/figures/a.png")
    }

    @Test("A missing region stops the render with the page and line of the directive")
    func missingRegion() throws {
        let t = try TempBook(pages: ["01-demo.md": "# One\n\n@code(Chapters/01-Demo/Demo.swift#nope)\n"])
        defer { t.remove() }
        #expect(throws: CourseError(file: "book/01-demo.md", line: 3,
                                    "Chapters/01-Demo/Demo.swift: no region \"nope\" (regions here: demo-step)")) {
            _ = try SiteRenderer(book: try t.book()).files(output: t.root.appendingPathComponent("site"))
        }
    }

    @Test("Pages come in reading order: numbered chapters, then FAQ, glossary, reading list, then the rest")
    func order() {
        #expect(Book.order(["reading.md", "zeta.md", "01-a.md", "glossary.md", "00-intro.md", "faq.md"])
                == ["00-intro.md", "01-a.md", "faq.md", "glossary.md", "reading.md", "zeta.md"])
    }
}

extension RenderingTests {
    @Test("A table of more than six columns is marked wide; its box scrolls sideways")
    func wideTables() {
        let narrow = "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
        let wide = "<table><thead><tr>" + (1...10).map { "<th>c\($0)</th>" }.joined() + "</tr></thead><tbody></tbody></table>"
        #expect(!PageRenderer.isWide(narrow))
        #expect(PageRenderer.isWide(wide))
        #expect(SiteStyle.css.contains(".table {\n  overflow-x: auto;"))
        #expect(SiteStyle.css.contains(".table.wide { margin-left: -7rem"))
    }
}
