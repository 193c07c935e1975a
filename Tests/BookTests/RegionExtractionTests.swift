import Core
import Foundation
import Testing
@testable import BookKit

@Suite("Code regions and the @code directive")
struct RegionExtractionTests {
    static let source = """
    import Foundation

    struct Outer {
        // MARK: book outer
        /// Doc comment.
        func f() -> Int {
            // MARK: - A section marker, dropped
            // MARK: book inner
            let x = 1

            return x
            // MARK: end
        }
        // MARK: end
    }
    // MARK: book top-level
    let y = 2
    // MARK: end
    """

    @Test("A region is de-indented, keeps its blank lines inside and drops nested markers")
    func extraction() throws {
        let regions = try RegionExtractor.regions(in: Self.source, file: "X.swift")
        #expect(regions.map(\.name) == ["outer", "inner", "top-level"])
        let outer = regions[0]
        #expect(outer.lines == [
            "/// Doc comment.",
            "func f() -> Int {",
            "    let x = 1",
            "",
            "    return x",
            "}",
        ])
        #expect(outer.firstLine == 5 && outer.lastLine == 13)
        #expect(!outer.text.contains("MARK"))
        let inner = regions[1]
        #expect(inner.lines == ["let x = 1", "", "return x"])
        #expect(inner.firstLine == 9 && inner.lastLine == 11)
        #expect(regions[2].text == "let y = 2")
    }

    @Test("Malformed regions are reported with file and line")
    func errors() {
        func message(_ text: String) -> String {
            do { _ = try RegionExtractor.regions(in: text, file: "F.swift"); return "no error" }
            catch { return "\(error)" }
        }
        #expect(message("a\n// MARK: book open\nb\n") == "F.swift:2: region \"open\" has no `// MARK: end`")
        #expect(message("a\n  // MARK: end\n") == "F.swift:2: `// MARK: end` without an open `// MARK: book` region")
        #expect(message("// MARK: book a\n// MARK: end\n// MARK: book a\n// MARK: end") == "F.swift:3: region \"a\" is already defined on line 1")
        #expect(message("// MARK: book Bad_Name\n// MARK: end").hasPrefix("F.swift:1: region name \"Bad_Name\""))
    }

    @Test("A missing region or file names what exists")
    func lookup() throws {
        let dir = ScratchFolder.root.appendingPathComponent("regions-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.source.write(to: dir.appendingPathComponent("X.swift"), atomically: true, encoding: .utf8)
        #expect(try RegionExtractor.region(named: "inner", file: "X.swift", root: dir).lines.count == 3)
        #expect(throws: CourseError(file: "X.swift", "no region \"nope\" (regions here: outer, inner, top-level)")) {
            try RegionExtractor.region(named: "nope", file: "X.swift", root: dir)
        }
        #expect(throws: CourseError(file: "Y.swift", "cannot read the file (does it exist?)")) {
            try RegionExtractor.region(named: "a", file: "Y.swift", root: dir)
        }
    }

    @Test("The directive is one line: @code(path#region); anything else starting with @code is an error")
    func directive() throws {
        let d = try CodeDirective.parse("@code(Chapters/02-Transformer/Attention.swift#attention-scores)", lineNumber: 7, page: "p.md")
        #expect(d == CodeDirective(file: "Chapters/02-Transformer/Attention.swift", region: "attention-scores", line: 7))
        #expect(try CodeDirective.parse("Plain text mentioning code.", lineNumber: 1, page: "p.md") == nil)
        for bad in ["@code Chapters/A.swift#a", "@code(Chapters/A.swift)", "@code(Chapters/A.swift#)",
                    "@code(A.md#a)", "@code(Chapters/A.swift#a) trailing", "@code(Chapters/A.swift#Upper)"] {
            #expect(throws: CourseError.self, "\(bad)") { try CodeDirective.parse(bad, lineNumber: 3, page: "p.md") }
        }
    }

    @Test("Directives, headings and links inside fenced blocks are ignored")
    func pageScan() throws {
        let page = try BookPage(fileName: "01-x.md", markdown: """
        # Title with `code`

        ## Same
        ## Same

        ```sh
        # not a heading
        @code(not/a/directive.swift#x)
        [not](a-link.md)
        ```

        @code(Chapters/A.swift#a)
        See [this](02-y.md#part) and ![fig](figures/f.png), not `[code](x.md)`.
        """)
        #expect(page.title == "Title with code")
        #expect(page.headings.map(\.anchor) == ["title-with-code", "same", "same-1"])
        #expect(page.directives.map(\.line) == [12])
        #expect(page.fences == [BookPage.Fence(language: "sh", line: 6)])
        #expect(page.links == [BookPage.Link(target: "02-y.md#part", isImage: false, line: 13),
                               BookPage.Link(target: "figures/f.png", isImage: true, line: 13)])
    }

    @Test("An unclosed fenced block is an error naming its line")
    func unclosedFence() {
        #expect(throws: CourseError(file: "p.md", line: 3, "fenced block is never closed")) {
            try BookPage(fileName: "p.md", markdown: "# T\n\n```sh\nls\n")
        }
    }

    @Test("Anchors follow GitHub: lowercase, punctuation dropped, spaces to hyphens, any script kept")
    func slugs() {
        #expect(SlugSet.slug("What to run (and what you see)") == "what-to-run-and-what-you-see")
        #expect(SlugSet.slug("1.3 Reduce a broadcast gradient") == "13-reduce-a-broadcast-gradient")
        #expect(SlugSet.slug("Fine-tuning と 微調整") == "fine-tuning-と-微調整")
    }
}
