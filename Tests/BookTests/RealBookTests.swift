import Checks
import Foundation
import Testing
@testable import BookKit

/// The checks over the real `book/` folder: what a learner reads must quote code that exists,
/// link to pages, anchors and figures that exist, and name exercises that exist.
@Suite("The course book")
struct RealBookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func checker() throws -> BookChecker {
        BookChecker(book: try Book.load(root: root), exercises: Catalogue.all.map { ($0.id, $0.file) },
                    awaitingChapters: BookChecker.chaptersAwaitingExercises)
    }

    @Test("Every @code region the book quotes exists")
    func regions() throws {
        let c = try Self.checker()
        #expect(c.missingRegions().map(\.description) == [])
        #expect(c.book.pages.reduce(0) { $0 + $1.directives.count } >= 20)
    }

    @Test("Every internal link, anchor and image resolves")
    func links() throws {
        #expect(try Self.checker().brokenLinks().map(\.description) == [])
    }

    @Test("Every exercise and repository path the book mentions exists")
    func exercises() throws {
        let c = try Self.checker()
        #expect(c.unknownExercises().map(\.description) == [])
        #expect(c.missingPaths().map(\.description) == [])
    }

    @Test("No code is pasted by hand and no raw HTML is used")
    func noPastedCode() throws {
        let c = try Self.checker()
        #expect(c.handWrittenCode().map(\.description) == [])
        #expect(c.rawHTML().map(\.description) == [])
    }

    @Test("Every region marked in a chapter with a book page is shown in the book")
    func everyRegionShown() throws {
        // Regions holding an exercise's answer are marked but deliberately not shown.
        #expect(try Self.checker().unquotedRegions().filter { Catalogue.answerRegions[$0] == nil } == [])
    }

    @Test("Neither the book, the code it quotes, nor the README speaks of how the kit was made")
    func noEditorialDebris() throws {
        #expect(try Self.checker().editorialDebris().map(\.description) == [])
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(EditorialDebris.find(in: readme).map { "README.md:\($0.line): \($0.message)" } == [])
    }

    @Test("Every number a chapter's results sections quote is in a results file the chapter includes")
    func numbersRecorded() throws {
        #expect(try Self.checker().unrecordedNumbers().map(\.description) == [])
    }

    @Test("No page holds a placeholder where results or text should be")
    func noPlaceholders() throws {
        let book = try Book.load(root: Self.root)
        let markers = ["PLACEHOLDER", "RESULTS-", "TODO", "TBD", "FIXME", "lorem ipsum"]
        for page in book.pages {
            for m in markers { #expect(!page.markdown.contains(m), "\(page.fileName) contains \"\(m)\"") }
        }
    }

    @Test("Every exercise of a chapter with a book page is named in it, with its file")
    func exercisesNamed() throws {
        let book = try Book.load(root: Self.root)
        for e in Catalogue.all {
            guard let page = book.pages.first(where: { Int($0.fileName.prefix(2)) == e.chapter }) else { continue }
            #expect(page.markdown.contains("Exercise \(e.id)") || page.markdown.contains("exercise \(e.id)"), "\(page.fileName) does not name exercise \(e.id)")
            #expect(page.markdown.contains(e.file), "\(page.fileName) does not give \(e.file)")
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

    @Test("The whole book renders, every page with navigation")
    func renders() throws {
        let book = try Book.load(root: Self.root)
        let files = try SiteRenderer(book: book).files(output: Self.root.appendingPathComponent("site"))
        #expect(files.contains { $0.path == "index.html" })
        for page in book.pages {
            let html = try #require(files.first { $0.path == page.htmlName }, "\(page.htmlName) not rendered")
            let text = String(decoding: html.contents, as: UTF8.self)
            #expect(text.contains("class=\"pager\""))
            #expect(!text.contains("BOOKKITBLOCK"), "\(page.fileName): a code placeholder was not replaced")
            #expect(!text.contains("<script"))
        }
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

    @Test("No page, in Markdown or rendered HTML, prints a solution or the kit's answer to an exercise")
    func noAnswers() throws {
        let book = try Book.load(root: Self.root)
        let files = try SiteRenderer(book: book).files(output: Self.root.appendingPathComponent("site"))
        var html: [String: String] = [:]
        for page in book.pages {
            if let f = files.first(where: { $0.path == page.htmlName }) { html[page.fileName] = String(decoding: f.contents, as: UTF8.self) }
        }
        let checker = BookChecker(book: book, exercises: Catalogue.all.map { ($0.id, $0.file) })
        let leaks = checker.answerLeaks(try Self.answers(), answerRegions: Catalogue.answerRegions, html: html)
        #expect(leaks.map(\.description) == [])
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
