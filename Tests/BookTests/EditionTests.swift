import Core
import Foundation
import Testing
@testable import BookKit

/// The Japanese edition on a small two-page book: how it renders next to the English one, and
/// what the checks say about it.
@Suite("The Japanese edition on a small book")
struct EditionTests {
    static func site(_ t: TempBook) throws -> [String: String] {
        let files = try SiteRenderer(book: try t.book(), translation: try t.translation())
            .files(output: t.root.appendingPathComponent("site"))
        return Dictionary(files.map { ($0.path, String(decoding: $0.contents, as: UTF8.self)) }) { a, _ in a }
    }

    static func checker(_ t: TempBook) throws -> BookChecker {
        BookChecker(book: try t.book(), translation: try t.translation(), exercises: CheckerTests.catalogue)
    }

    @Test("The Japanese edition renders into ja/ with lang=ja, its own contents page and a switch to the same English page")
    func rendersBothEditions() throws {
        let t = try TempBook.bilingual()
        defer { t.remove() }
        let site = try Self.site(t)
        for path in ["01-demo.html", "glossary.html", "index.html", "ja/01-demo.html", "ja/glossary.html", "ja/index.html",
                     "style.css", "fonts/CourseJP-Regular.woff2", "fonts/CourseJP-Bold.woff2"] {
            #expect(site[path] != nil, "\(path) is not in the site")
        }
        #expect(site["fonts/characters.txt"] == nil)
        let en = try #require(site["01-demo.html"]), ja = try #require(site["ja/01-demo.html"])
        #expect(en.contains("<html lang=\"en\">") && ja.contains("<html lang=\"ja\">"))
        #expect(en.contains("<a class=\"language\" href=\"ja/01-demo.html\" hreflang=\"ja\" lang=\"ja\"><span lang=\"ja\">日本語</span></a>"))
        #expect(ja.contains("<a class=\"language\" href=\"../01-demo.html\" hreflang=\"en\" lang=\"en\">English</a>"))
        #expect(try #require(site["index.html"]).contains("href=\"ja/index.html\""))
        #expect(try #require(site["ja/index.html"]).contains("href=\"../index.html\""))
        #expect(try #require(site["ja/index.html"]).contains("<a href=\"01-demo.html#running-it\">実行してみる</a>"))
        // Shared files are one folder up; sources two; page links stay in the edition.
        #expect(ja.contains("<link rel=\"stylesheet\" href=\"../style.css\">"))
        #expect(ja.contains("<img src=\"../figures/loss.png\" alt=\"損失が下がる\"/>"))
        #expect(ja.contains("href=\"../../Chapters/01-Demo/Demo.swift\""))
        #expect(ja.contains("href=\"glossary.html#terms\""))
        #expect(ja.contains("Chapters/01-Demo/Demo.swift, 5–9 行目"))
        #expect(ja.contains("<span class=\"kw\">public</span> <span class=\"kw\">func</span> step"))
        #expect(ja.contains("<a class=\"next\" rel=\"next\" href=\"glossary.html\"><span>次へ</span>用語集</a>"))
        #expect(!ja.contains("<span lang=\"ja\">"))   // the whole page is Japanese already
    }

    @Test("A heading's {#id} becomes its anchor and leaves its text")
    func explicitIDs() throws {
        let t = try TempBook.bilingual()
        defer { t.remove() }
        let ja = try #require(try Self.site(t)["ja/01-demo.html"])
        #expect(ja.contains("<h2 id=\"the-code\">コード</h2>"))
        #expect(ja.contains("<h2 id=\"running-it\">実行してみる</h2>"))
        #expect(!ja.contains("{#"))
        let page = try BookPage(fileName: "x.md", markdown: "# T {#top}\n\n## A **b** {#why-λ--1}\n\n## Plain\n")
        #expect(page.headings.map(\.anchor) == ["top", "why-λ--1", "plain"])
        #expect(page.headings.map(\.text) == ["T", "A b", "Plain"])
        #expect(page.headings.map(\.explicitID) == [true, true, false])
        #expect(page.title == "T")
    }

    @Test("A Japanese paragraph wrapped between two CJK characters is joined without a space")
    func cjkLineBreaks() {
        let out = PageRenderer.protectProse(["間違っているかを", "表す数値です。", "", "> 引用が", "> 続きます。", "## 見出し", "本文", "PyTorch の",
                                             "`loss.backward()` です。", "- 項目が", "  続きます。", "English", "続き"])
        #expect(out == ["間違っているかを表す数値です。", "", "> 引用が続きます。", "## 見出し", "本文", "PyTorch の `loss.backward()` です。",
                        "- 項目が続きます。", "English", "続き"])
    }

    @Test("Runs of CJK characters in English pages are marked lang=ja, never inside a tag or attribute")
    func cjkRuns() throws {
        #expect(CJKText.wrap("<p title=\"用語\">Pretraining (事前学習), and 「微調整」.</p>")
                == "<p title=\"用語\">Pretraining (<span lang=\"ja\">事前学習</span>), and <span lang=\"ja\">「微調整」</span>.</p>")
        #expect(CJKText.wrap("<!-- 注 -->x") == "<!-- 注 -->x")
        #expect(CJKText.wrap("ASCII only, ŷ = σ(x) — fine") == "ASCII only, ŷ = σ(x) — fine")
        let t = try TempBook.bilingual()
        defer { t.remove() }
        let glossary = try #require(try Self.site(t)["glossary.html"])
        #expect(glossary.contains("(<span lang=\"ja\">事前学習</span>)"))
        #expect(glossary.contains("<title>Glossary · The course book</title>"))   // no markup in the title
    }

    @Test("Matching editions pass every check, the drift check included")
    func cleanBilingual() throws {
        let t = try TempBook.bilingual()
        defer { t.remove() }
        #expect(try Self.checker(t).problems().map(\.description) == [])
    }

    @Test("The drift check names the page when a translation drifts: a directive, a figure, a heading id, a missing or extra page")
    func drift() throws {
        let t = try TempBook.bilingual()
        defer { t.remove() }
        var page = try #require(TempBook.japanesePages["ja/01-demo.md"])
        page = page.replacingOccurrences(of: "## 実行してみる {#running-it}", with: "## 実行してみる")
            .replacingOccurrences(of: "![損失が下がる](figures/loss.png)", with: "")
            .replacingOccurrences(of: "#demo-step)", with: "#demo-steps)")
        try t.write(page, "book/ja/01-demo.md")
        try t.write("# 余分\n", "book/ja/extra.md")
        try FileManager.default.removeItem(at: t.root.appendingPathComponent("book/ja/glossary.md"))
        let found = try Self.checker(t).editionDrift().map(\.description)
        #expect(found == [
            "book/ja/glossary.md:1: missing: book/glossary.md has no translation",
            "book/ja/extra.md:1: no English page book/extra.md for this translation",
            "book/ja/01-demo.md:9: heading \"実行してみる\" has no {#id}: append the English heading's anchor",
            "book/ja/01-demo.md:9: headings drift from English at heading 2: English has ## {#running-it}, this page has ## {#実行してみる} (English line 9)",
            "book/ja/01-demo.md:7: directive lines drift from English at directive line 1: English has @code(Chapters/01-Demo/Demo.swift#demo-step), this page has @code(Chapters/01-Demo/Demo.swift#demo-steps) (English line 7)",
            "book/ja/01-demo.md:1: figures drift from English: 1 missing after the last one, next English figure: figures/loss.png",
        ])
        // `course book --check-only` runs it: the same problems are among the whole book's.
        let all = try Self.checker(t).problems().map(\.description)
        for f in found { #expect(all.contains(f)) }
    }

    @Test("Every page check runs on the Japanese pages too, naming them under book/ja/")
    func checksRunOnJapanese() throws {
        let t = try TempBook.bilingual()
        defer { t.remove() }
        let page = try #require(TempBook.japanesePages["ja/01-demo.md"])
            + "\n\n[行き先なし](02-nothing.md)、演習 1.7、FACTS.md。\n\n```swift\nlet x = 1\n```\n"
        try t.write(page, "book/ja/01-demo.md")
        let found = try Self.checker(t).problems().map(\.description)
        #expect(found.contains("book/ja/01-demo.md:29: link to a missing page 02-nothing.md"))
        #expect(found.contains("book/ja/01-demo.md:29: exercise 1.7 is not in the catalogue"))
        #expect(found.contains("book/ja/01-demo.md:29: \"FACTS.md\" names a file the kit does not contain"))
        #expect(found.contains("book/ja/01-demo.md:31: Swift pasted by hand: mark a region in the source and use @code(file#region)"))
        #expect(!found.contains { $0.hasPrefix("book/01-demo.md") })
    }

    @Test("A number in a Japanese results section must be a recorded one")
    func recordedNumbersInJapanese() throws {
        let en = "# Chapter 1: Demo\n\n## Results\n\n@results(results/demo.md)\n\nThe grader gives 0.935.\n"
        let ja = "# 第1章\n\n## 結果 {#results}\n\n@results(results/demo.md)\n\n採点器は0.953を出しました。\n"
        let t = try TempBook(pages: ["01-demo.md": en, "ja/01-demo.md": ja, "results/demo.md": "| a |\n|---|\n| 0.935 |\n"])
        defer { t.remove() }
        try t.writeFont(characters: String(String.UnicodeScalarView(CJKText.characters(in: ja + EditionStrings.japanese.allText).sorted())))
        #expect(try Self.checker(t).problems().map(\.description) == [
            "book/ja/01-demo.md:7: 0.953 is in none of the results files this chapter includes (results/demo.md): quote the table, or point at it",
        ])
    }
}

/// The font: its record must match the committed files, and every CJK character the book uses
/// must be in it.
@Suite("The book's Japanese font")
struct BookFontTests {
    @Test("The font record is read, and refused when a font file differs from the one it was made from")
    func record() throws {
        let t = try TempBook(pages: ["01-demo.md": "# Demo\n"])
        defer { t.remove() }
        try t.writeFont(characters: "あい\n漢字")
        let font = try BookFont.load(book: t.root.appendingPathComponent("book"))
        #expect(font.characters == Set("あい漢字".unicodeScalars))
        #expect(font.missing(in: "あかい漢字、Latin") == ["か", "、"])
        try Data("another font".utf8).write(to: t.root.appendingPathComponent("book/fonts/CourseJP-Bold.woff2"))
        #expect(throws: BookFont.FontError.self) { try BookFont.load(book: t.root.appendingPathComponent("book")) }
    }

    @Test("The hash is FNV-1a 64, as the font script computes it")
    func hash() {
        #expect(BookFont.fnv1a64(Data()) == "cbf29ce484222325")
        #expect(BookFont.fnv1a64(Data("a".utf8)) == "af63dc4c8601ec8c")
    }

    @Test("A CJK character the font lacks fails the book check at its page and line")
    func coverage() throws {
        let t = try TempBook.bilingual()
        defer { t.remove() }
        try t.write(try #require(TempBook.japanesePages["ja/glossary.md"]) + "\n鬱\n", "book/ja/glossary.md")
        let found = try EditionTests.checker(t).fontCoverage().map(\.description)
        #expect(found == ["book/ja/glossary.md:6: the book font lacks 鬱: run scripts/make-book-font.py"])
    }

    @Test("The stylesheet puts Course JP first for Japanese text and loads it from the site's fonts/")
    func stylesheet() {
        #expect(SiteStyle.css.contains("src: url(\"fonts/CourseJP-Regular.woff2\") format(\"woff2\")"))
        #expect(SiteStyle.css.contains("src: url(\"fonts/CourseJP-Bold.woff2\") format(\"woff2\")"))
        #expect(SiteStyle.css.contains("body:lang(ja), span:lang(ja) {\n  font-family: \"Course JP\", "))
    }
}
