import Foundation
import Testing
@testable import BookKit

/// The checks must be able to fail: each kind of mistake, made once in a small book, is found
/// at its page and line.
@Suite("Book checks on a small book")
struct CheckerTests {
    static let catalogue = [(id: "1.1", file: "exercises/01-demo/Double.swift")]

    func problems(_ pages: [String: String], awaiting: Set<Int> = []) throws -> [String] {
        let t = try TempBook(pages: pages)
        defer { t.remove() }
        return BookChecker(book: try t.book(), exercises: Self.catalogue, awaitingChapters: awaiting)
            .problems().map(\.description)
    }

    @Test("A correct book has no problems")
    func clean() throws {
        #expect(try problems(TempBook.goodPages) == [])
    }

    @Test("Each kind of mistake is reported at its line")
    func mistakes() throws {
        let page = """
        # Broken

        @code(Chapters/01-Demo/Demo.swift#no-such-region)
        @code(Chapters/01-Demo/Missing.swift#demo-step)
        A [missing page](02-nothing.md), a [bad anchor](#nowhere), a [bad file](../exercises/none.swift),
        ![missing figure](figures/none.png) and ![outside](../logo.png).
        Try exercise 1.7, exercises 1.1–1.3, `course hint 1.9` and `course check 3`.
        The file `exercises/01-demo/Nope.swift` does not exist.

        ```swift
        let pasted = 1
        ```

        ```
        unlabelled
        ```

        A line break<br> here.
        A customer types "<|im_end|>"; in backticks `<|im_end|>` is fine.
        """
        let found = try problems(["01-broken.md": page])
        let expected = [
            "book/01-broken.md:3: @code(Chapters/01-Demo/Demo.swift#no-such-region): Chapters/01-Demo/Demo.swift: no region \"no-such-region\" (regions here: demo-step)",
            "book/01-broken.md:4: @code(Chapters/01-Demo/Missing.swift#demo-step): Chapters/01-Demo/Missing.swift: cannot read the file (does it exist?)",
            "book/01-broken.md:5: link to a missing page 02-nothing.md",
            "book/01-broken.md:5: no heading for anchor #nowhere in this page",
            "book/01-broken.md:5: link target ../exercises/none.swift does not exist",
            "book/01-broken.md:6: image target figures/none.png does not exist",
            "book/01-broken.md:6: image ../logo.png is outside book/ (put figures in book/figures/)",
            "book/01-broken.md:7: exercise 1.7 is not in the catalogue",
            "book/01-broken.md:7: exercise 1.2 is not in the catalogue",
            "book/01-broken.md:7: exercise 1.3 is not in the catalogue",
            "book/01-broken.md:7: exercise 1.9 is not in the catalogue",
            "book/01-broken.md:7: `course check 3`: chapter 3 has no exercises in the catalogue",
            "book/01-broken.md:8: exercises/01-demo/Nope.swift does not exist",
            "book/01-broken.md:10: Swift pasted by hand: mark a region in the source and use @code(file#region)",
            "book/01-broken.md:14: fenced block without a language (use one of: bash, console, csv, formula, json, jsonl, sh, shell, text)",
            "book/01-broken.md:18: inline HTML <br> is not allowed in the book (write Markdown, formulas in Unicode)",
            "book/01-broken.md:19: a special token such as <|im_end|> outside backticks: Ink reads it as HTML and swallows the rest of the page (write `<|im_end|>`)",
        ]
        #expect(found == expected)
    }

    @Test("A chapter awaiting its exercises may be mentioned until its first exercise lands")
    func awaiting() throws {
        let page = "# Two\n\nExercises 2.1–2.6 in `exercises/02-next/`, checked by `course check 2`.\n"
        #expect(try problems(["02-next.md": page], awaiting: [2]) == [])
        #expect(try problems(["02-next.md": page], awaiting: []).count == 8)
        // Once the catalogue has one exercise of chapter 2, the others are checked again.
        let t = try TempBook(pages: ["02-next.md": page])
        defer { t.remove() }
        let checker = BookChecker(book: try t.book(), exercises: Self.catalogue + [(id: "2.1", file: "exercises/01-demo/Double.swift")],
                                  awaitingChapters: [2])
        #expect(checker.unknownExercises().map(\.message) == (2...6).map { "exercise 2.\($0) is not in the catalogue" })
    }

    @Test("Mentions of exercises are read from prose and commands")
    func mentions() {
        #expect(BookChecker.mentions(in: "Exercise 1.3, then exercises 1.4–1.6 and exercise 2.1 - 2.2").ids
                == ["1.3", "1.4", "1.5", "1.6", "2.1", "2.2"])
        let m = BookChecker.mentions(in: "run `swift run course check 1` or `course hint 1.3 --level 2`; `course check 1.2`")
        #expect(m.ids == ["1.3", "1.2"] && m.chapters == [1])
        #expect(BookChecker.mentions(in: "see exercises/01-autograd/ and version 1.5").ids == [])
    }

    @Test("Regions of a chapter with a book page that the book never shows are listed")
    func unquoted() throws {
        let t = try TempBook(pages: ["01-demo.md": "# One\n\nNo code yet.\n"])
        defer { t.remove() }
        #expect(try BookChecker(book: try t.book(), exercises: []).unquotedRegions() == ["Chapters/01-Demo/Demo.swift#demo-step"])
    }
}

extension CheckerTests {
    @Test("Text about how the kit was made is reported, in pages and in the comments a page quotes")
    func debris() throws {
        let page = """
        # Notes

        As FACTS.md says, and `../shared/DESIGN.md` too.
        An earlier version of this chapter used more steps.
        While tuning this chapter we tried 10⁻⁴; experiments outside `course` agree.
        Nothing wrong on this line: earlier chapters, the seed of the run.

        @code(Chapters/01-Demo/Notes.swift#notes)
        """
        let t = try TempBook(pages: ["01-notes.md": page])
        defer { t.remove() }
        try t.write("// MARK: book notes\n/// Tuned in the seed material.\nlet x = 1\n// MARK: end\n", "Chapters/01-Demo/Notes.swift")
        let found = BookChecker(book: try t.book(), exercises: []).editorialDebris().map(\.description)
        #expect(found == [
            "book/01-notes.md:3: \"FACTS.md\" names a file the kit does not contain",
            "book/01-notes.md:3: \"DESIGN.md\" names a file the kit does not contain",
            "book/01-notes.md:3: \"../shared\" points outside the repository",
            "book/01-notes.md:4: \"earlier version\" speaks of an earlier version instead of what the kit does now",
            "book/01-notes.md:5: \"outside `course`\" cites an experiment the learner cannot run with course",
            "book/01-notes.md:5: \"while tuning this chapter\" tells how the chapter was made; state the lesson and how to measure it",
            "book/01-notes.md:8: @code(Chapters/01-Demo/Notes.swift#notes), line 1 of the region: \"seed material\" names material the learner never sees",
        ])
        // The same checks run as part of every book check.
        #expect(BookChecker(book: try t.book(), exercises: []).problems().count >= found.count)
    }
}
