import Foundation
import Testing
@testable import BookKit

/// A number a chapter quotes from its runs must be in the results files it includes: typed by
/// hand from another run, it is reported at its line.
@Suite("Numbers in a chapter's results come from its results files")
struct RecordedNumbersTests {
    static let table = """
    | model | grader | win rate |
    |---|---:|---:|
    | SFT | 0.935 | 50% |
    | DPO | 0.957 | 61.7% |

    Recorded by `course run all` (default preset, seed 1; one seed).
    """

    /// A chapter whose results section quotes `quote`, above a worked example that is not checked.
    static func chapter(_ quote: String) -> String {
        """
        # Chapter 8: Demo

        ## The loss

        With Δ = 0 the loss is ln 2 = 0.693147, and 0.95¹⁰⁰ ≈ 0.006.

        ## What the default run shows

        @results(results/demo.md)

        \(quote)

        ### A closer look

        Still the same section's numbers: 0.957 (version 0.21.2 of PEFT, a price of $196.99).

        ## Exercises

        Nothing measured here: 0.125.
        """
    }

    func problems(_ quote: String) throws -> [String] {
        let t = try TempBook(pages: ["08-demo.md": Self.chapter(quote)])
        defer { t.remove() }
        try FileManager.default.createDirectory(at: t.root.appendingPathComponent("book/results"), withIntermediateDirectories: true)
        try t.write(Self.table, "book/results/demo.md")
        let checker = BookChecker(book: try t.book(), exercises: [])
        return checker.unrecordedNumbers().map(\.description)
    }

    @Test("Numbers that are in the included table pass; worked examples outside results sections are not checked")
    func recordedPass() throws {
        #expect(try problems("DPO scores 0.957 against 0.935 and wins on 61.7 % of the prompts.") == [])
    }

    @Test("A number typed from another run is reported at its page and line")
    func unrecordedFails() throws {
        let found = try problems("DPO scores 0.958 and wins on 62.5% of the prompts; structure 91.0%.")
        #expect(found.count == 3)
        #expect(found.first?.hasPrefix("book/08-demo.md:11: 0.958 is in none of the results files") == true)
        #expect(found.contains { $0.contains("62.5%") })
        #expect(found.contains { $0.contains("91.0%") })
    }

    @Test("Only two or more decimals, or a percentage with a decimal, are taken for quoted numbers")
    func whatCounts() {
        #expect(RecordedNumbers.quoted(in: "0.5, 12%, 0.873, 12.5 %, 3.14159, v0.21.2, $196.99, `0.123`, [a](x/0.456.md)")
                == ["0.873", "12.5%", "3.14159"])
        #expect(RecordedNumbers.quoted(in: "−0.24 and -2.70") == ["0.24", "2.70"])
        #expect(RecordedNumbers.quoted(in: "精度は88.6%、損失は0.226") == ["88.6%", "0.226"])
    }
}
