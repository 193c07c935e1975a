import Checks
import Foundation
import Testing
@testable import BookKit

/// The checks over the real `book/` folder: what a learner reads must quote code that exists,
/// link to pages, anchors and figures that exist, and name exercises that exist.
@Suite("The course book")
struct RealBookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The English book with its Japanese edition.
    static func checker() throws -> BookChecker {
        BookChecker(book: try Book.load(root: root), translation: try Book.loadTranslation(root: root),
                    exercises: Catalogue.all.map { ($0.id, $0.file) }, awaitingChapters: BookChecker.chaptersAwaitingExercises)
    }

    /// One checker per edition: the page checks below run on English and Japanese pages alike.
    static func editions() throws -> [BookChecker] { try checker().editionCheckers }

    @Test("Every @code region the book quotes exists, in both editions")
    func regions() throws {
        for c in try Self.editions() { #expect(c.missingRegions().map(\.description) == []) }
        #expect(try Self.checker().book.pages.reduce(0) { $0 + $1.directives.count } >= 20)
    }

    @Test("Every internal link, anchor and image resolves, in both editions")
    func links() throws {
        for c in try Self.editions() { #expect(c.brokenLinks().map(\.description) == []) }
    }

    @Test("Every exercise and repository path the book mentions exists, in both editions")
    func exercises() throws {
        for c in try Self.editions() {
            #expect(c.unknownExercises().map(\.description) == [])
            #expect(c.missingPaths().map(\.description) == [])
        }
    }

    @Test("No code is pasted by hand and no raw HTML is used, in both editions")
    func noPastedCode() throws {
        for c in try Self.editions() {
            #expect(c.handWrittenCode().map(\.description) == [])
            #expect(c.rawHTML().map(\.description) == [])
        }
    }

    @Test("The Japanese edition has every English page, with the same directive lines, figures and heading ids")
    func editionsMatch() throws {
        let c = try Self.checker()
        #expect(c.translation != nil, "book/ja/ has no page")
        #expect(c.editionDrift().map(\.description) == [])
    }

    @Test("Every region marked in a chapter with a book page is shown in the book")
    func everyRegionShown() throws {
        // Regions holding an exercise's answer are marked but deliberately not shown.
        #expect(try Self.checker().unquotedRegions().filter { Catalogue.answerRegions[$0] == nil } == [])
    }

    @Test("Neither the book (both editions), the code it quotes, nor the README speaks of how the kit was made")
    func noEditorialDebris() throws {
        for c in try Self.editions() { #expect(c.editorialDebris().map(\.description) == []) }
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(EditorialDebris.find(in: readme).map { "README.md:\($0.line): \($0.message)" } == [])
    }

    @Test("Every number a chapter's results sections quote is in a results file the chapter includes, in both editions")
    func numbersRecorded() throws {
        for c in try Self.editions() { #expect(c.unrecordedNumbers().map(\.description) == []) }
    }

    @Test("No page of either edition holds a placeholder where results or text should be")
    func noPlaceholders() throws {
        let markers = ["PLACEHOLDER", "RESULTS-", "TODO", "TBD", "FIXME", "lorem ipsum"]
        for book in try Self.checker().editions {
            for page in book.pages {
                for m in markers { #expect(!page.markdown.contains(m), "\(book.path(of: page)) contains \"\(m)\"") }
            }
        }
    }

    @Test("Every exercise of a chapter with a book page is named in it with its file, as 演習 N.M in the Japanese edition")
    func exercisesNamed() throws {
        let book = try Book.load(root: Self.root)
        for e in Catalogue.all {
            guard let page = book.pages.first(where: { Int($0.fileName.prefix(2)) == e.chapter }) else { continue }
            #expect(page.markdown.contains("Exercise \(e.id)") || page.markdown.contains("exercise \(e.id)"), "\(page.fileName) does not name exercise \(e.id)")
            #expect(page.markdown.contains(e.file), "\(page.fileName) does not give \(e.file)")
        }
        // The Japanese chapters name them as 演習 N.M.
        let ja = try #require(try Book.loadTranslation(root: Self.root))
        for e in Catalogue.all {
            guard let page = ja.pages.first(where: { Int($0.fileName.prefix(2)) == e.chapter }) else { continue }
            #expect(page.markdown.contains("演習 \(e.id)") || page.markdown.contains("演習\(e.id)"), "ja/\(page.fileName) does not name 演習 \(e.id)")
            #expect(page.markdown.contains(e.file), "ja/\(page.fileName) does not give \(e.file)")
        }
    }

    @Test("The book has its introduction, chapters 1 and 2, the glossary (40+ terms), FAQ and reading list")
    func contents() throws {
        let book = try Book.load(root: Self.root)
        #expect(book.pages.map(\.fileName).prefix(3) == ["00-introduction.md", "01-autograd.md", "02-transformer.md"])
        for name in ["faq.md", "glossary.md", "reading.md"] { #expect(book.page(named: name) != nil, "missing \(name)") }
        let glossary = try #require(book.page(named: "glossary.md")).markdown
        let terms = glossary.split(separator: "\n").filter { $0.hasPrefix("- **") }
        #expect(terms.count >= 40)
        for term in ["事前学習", "微調整", "ファインチューニング", "教師あり微調整", "嗜好最適化", "報酬モデル",
                     "人間のフィードバックによる強化学習", "直接選好最適化", "ハルシネーション", "低ランク適応", "量子化",
                     "トークナイザー", "過学習", "評価データ", "データ汚染"] {
            #expect(glossary.contains(term), "glossary lacks \(term)")
        }
    }

    @Test("The whole book renders, both editions, every page with navigation and a language switch")
    func renders() throws {
        let book = try Book.load(root: Self.root), ja = try Book.loadTranslation(root: Self.root)
        let files = try SiteRenderer(book: book, translation: ja).files(output: Self.root.appendingPathComponent("site"))
        #expect(files.contains { $0.path == "index.html" })
        #expect(files.contains { $0.path == "ja/index.html" })
        let pages = book.pages.map { ($0, "") } + (ja?.pages ?? []).map { ($0, "ja/") }
        for (page, folder) in pages {
            let html = try #require(files.first { $0.path == folder + page.htmlName }, "\(folder + page.htmlName) not rendered")
            let text = String(decoding: html.contents, as: UTF8.self)
            #expect(text.contains("class=\"pager\""))
            #expect(!text.contains("BOOKKITBLOCK"), "\(page.fileName): a code placeholder was not replaced")
            #expect(!text.contains("<script"))
            #expect(text.contains("<a class=\"language\""))
            #expect(text.contains("<html lang=\"\(folder.isEmpty ? "en" : "ja")\">"))
        }
    }

    @Test("Every CJK character of the rendered site, both editions, is in the committed font; the font is a small licensed subset")
    func fontCoversBook() throws {
        let font = try BookFont.load(book: Self.root.appendingPathComponent("book"))
        let book = try Book.load(root: Self.root), ja = try Book.loadTranslation(root: Self.root)
        let files = try SiteRenderer(book: book, translation: ja).files(output: Self.root.appendingPathComponent("site"))
        var missing: [String] = []
        for f in files where f.path.hasSuffix(".html") {
            let lacking = font.missing(in: String(decoding: f.contents, as: UTF8.self))
            if !lacking.isEmpty { missing.append("\(f.path): \(String(String.UnicodeScalarView(lacking)))") }
        }
        #expect(missing == [], "run scripts/make-book-font.py")
        #expect(font.characters.count > 500)
        for name in font.hashes.keys {
            let file = try #require(files.first { $0.path == "fonts/\(name)" }, "fonts/\(name) is not copied into the site")
            #expect(file.contents.count < 400_000, "\(name) is \(file.contents.count) bytes: not a subset")
        }
        let licence = try String(contentsOf: Self.root.appendingPathComponent("book/fonts/OFL.txt"), encoding: .utf8)
        #expect(licence.contains("SIL OPEN FONT LICENSE Version 1.1"))
        #expect(try Self.checker().fontCoverage().map(\.description) == [])
    }
}

/// The book teaches the idea of an exercised function (its formula, a worked number, the stub's
/// signature), never its body: a page that prints a solution, or quotes the kit's code that
/// answers an exercise, turns the exercise into copying.
@Suite("The book does not print the exercises' answers")
struct AnswerLeakTests {
    static let root = RealBookTests.root

    static func answers() throws -> [ExerciseAnswer] {
        var out: [ExerciseAnswer] = []
        for e in Catalogue.all {
            let path = e.file.replacingOccurrences(of: "exercises/", with: "solutions/")
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            out.append(ExerciseAnswer(exercise: e.id, origin: path, code: text))
        }
        for (region, id) in Catalogue.answerRegions {
            let parts = region.split(separator: "#").map(String.init)
            let r = try RegionExtractor.region(named: parts[1], file: parts[0], root: root)
            out.append(ExerciseAnswer(exercise: id, origin: region, code: r.text))
        }
        return out
    }

    @Test("No page of either edition, in Markdown or rendered HTML, prints a solution or the kit's answer to an exercise")
    func noAnswers() throws {
        let english = try Book.load(root: Self.root), ja = try Book.loadTranslation(root: Self.root)
        let files = try SiteRenderer(book: english, translation: ja).files(output: Self.root.appendingPathComponent("site"))
        for book in [english] + (ja.map { [$0] } ?? []) {
            var html: [String: String] = [:]
            for page in book.pages {
                let path = book.edition.siteFolder + page.htmlName
                if let f = files.first(where: { $0.path == path }) { html[page.fileName] = String(decoding: f.contents, as: UTF8.self) }
            }
            let checker = BookChecker(book: book, exercises: Catalogue.all.map { ($0.id, $0.file) })
            let leaks = checker.answerLeaks(try Self.answers(), answerRegions: Catalogue.answerRegions, html: html)
            #expect(leaks.map(\.description) == [])
        }
    }

    @Test("The leak check catches a page that quotes an answer region or pastes a solution")
    func catchesLeaks() throws {
        let temp = try TempBook(pages: ["01-demo.md": "# Demo\n\n@code(Chapters/01-Demo/Demo.swift#demo-step)\n"])
        defer { temp.remove() }
        let book = try Book.load(root: temp.root)
        let checker = BookChecker(book: book, exercises: [])
        let byRegion = checker.answerLeaks([], answerRegions: ["Chapters/01-Demo/Demo.swift#demo-step": "1.1"])
        #expect(byRegion.count == 1)
        let solution = ExerciseAnswer(exercise: "1.1", origin: "solutions/01-demo/Step.swift",
                                      code: "public func step(_ x: Int) -> Int {\n    let label = \"step \\(x)\"   // a string with an interpolation\n    return 2 * x + 1 + label.count * 0\n}\n")
        #expect(checker.answerLeaks([solution]).count == 1)
        let html = ["01-demo.md": "<pre><code>let label = &quot;step \\(x)&quot;\nreturn 2 * x + 1 + label.count * 0</code></pre>"]
        let empty = try TempBook(pages: ["01-demo.md": "# Demo\n\nNo code.\n"])
        defer { empty.remove() }
        let clean = BookChecker(book: try Book.load(root: empty.root), exercises: [])
        #expect(clean.answerLeaks([solution]).isEmpty)
        #expect(clean.answerLeaks([solution], html: html).count == 1)
    }
}
