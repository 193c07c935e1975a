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
        for (name, text) in pages {
            try fm.createDirectory(at: root.appendingPathComponent("book/\(name)").deletingLastPathComponent(), withIntermediateDirectories: true)
            try write(text, "book/\(name)")
        }
    }

    /// A stand-in for the Japanese font: two "font files" (any bytes) and the character list
    /// `scripts/make-book-font.py` would write for them, hashes included.
    func writeFont(characters: String) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("book/fonts"), withIntermediateDirectories: true)
        var header = "# The CJK characters both Course JP fonts map\n"
        for style in ["Regular", "Bold"] {
            let bytes = Data("wOF2 \(style) stand-in".utf8)
            try bytes.write(to: root.appendingPathComponent("book/fonts/CourseJP-\(style).woff2"))
            header += "# CourseJP-\(style).woff2 fnv1a64=\(BookFont.fnv1a64(bytes))\n"
        }
        try write(header + characters + "\n", "book/fonts/characters.txt")
    }

    func translation() throws -> Book? { try Book.loadTranslation(root: root) }

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

    /// The Japanese edition of `goodPages`: same directives, figures and anchors.
    static let japanesePages: [String: String] = [
        "ja/01-demo.md": """
        # 第1章：デモ

        snake_case の単語、2 * 3 * 4、式 ŷ = σ(x) を含む*散文*です。

        ## コード {#the-code}

        @code(Chapters/01-Demo/Demo.swift#demo-step)

        ## 実行してみる {#running-it}

        ```sh
        # パッケージのルートから
        swift run course check 1
        ```

        ```formula
        L = −(1/N) Σᵢ log p(yᵢ | xᵢ)
        ```

        ![損失が下がる](figures/loss.png)

        `exercises/01-demo/Double.swift` で演習 1.1 を解いてから、[用語集](glossary.md#terms)
        か[ソース](../Chapters/01-Demo/Demo.swift)を読むか、[コード](#the-code)に戻ってください。

        | 用語 | 意味 |
        |---|---|
        | a | b |
        """,
        "ja/glossary.md": """
        # 用語集

        ## 用語 {#terms}

        - **事前学習** (Pretraining)：大きなコーパスで次のトークンを予測する学習。
        """,
    ]

    /// Both editions, and a font holding every CJK character they use.
    static func bilingual() throws -> TempBook {
        let t = try TempBook(pages: goodPages.merging(japanesePages) { a, _ in a })
        let all = (Array(goodPages.values) + Array(japanesePages.values)).joined() + EditionStrings.japanese.allText
        try t.writeFont(characters: String(String.UnicodeScalarView(CJKText.characters(in: all).sorted())))
        return t
    }
}
