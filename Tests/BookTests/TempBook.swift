import Core
import Foundation
@testable import BookKit

/// A tiny package made on the fly in a temporary folder: a source with regions, an exercise
/// file, a figure and the book pages a test gives. Removed by `remove()`.
struct TempBook {
    let root: URL

    static let demoSource = """
    import Foundation

    public struct Demo {
        // MARK: book demo-step
        /// One step: returns `x` doubled, plus one.
        public func step(_ x: Int) -> Int {
            let label = "step \\(x)"   // a string with an interpolation
            return 2 * x + 1 + label.count * 0
        }
        // MARK: end
    }
    """

    init(pages: [String: String]) throws {
        let fm = FileManager.default
        root = ScratchFolder.root.appendingPathComponent("book-test-\(getpid())-\(UUID().uuidString)")
        for dir in ["book/figures", "Chapters/01-Demo", "exercises/01-demo"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try write("// swift-tools-version: 6.0\n", "Package.swift")
        try write(Self.demoSource, "Chapters/01-Demo/Demo.swift")
        try write("public func double(_ x: Int) throws -> Int { 0 }\n", "exercises/01-demo/Double.swift")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: root.appendingPathComponent("book/figures/loss.png"))
        for (name, text) in pages { try write(text, "book/\(name)") }
    }

    func write(_ text: String, _ path: String) throws {
        try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    func book() throws -> Book { try Book.load(root: root) }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// A small, correct two-page book using every feature the renderer knows.
    static let goodPages: [String: String] = [
        "01-demo.md": """
        # Chapter 1: A demo

        Some *prose* with snake_case words, 2 * 3 * 4, and a formula ŷ = σ(x).

        ## The code

        @code(Chapters/01-Demo/Demo.swift#demo-step)

        ## Running it

        ```sh
        # from the package root
        swift run course check 1
        ```

        ```formula
        L = −(1/N) Σᵢ log p(yᵢ | xᵢ)
        ```

        ![The loss falls](figures/loss.png)

        Do exercise 1.1 in `exercises/01-demo/Double.swift`, then read the [glossary](glossary.md#terms)
        or the [source](../Chapters/01-Demo/Demo.swift), or go back to [the code](#the-code).

        | Term | Meaning |
        |---|---|
        | a | b |
        """,
        "glossary.md": """
        # Glossary

        ## Terms

        - **Pretraining** (事前学習): learning to predict the next token on a large corpus.
        """,
    ]
}
