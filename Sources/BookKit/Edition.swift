/// A language edition of the book. The English pages live in `book/`, the Japanese ones in
/// `book/ja/` under the same file names; both share `book/figures/`, `book/results/` and the
/// code they quote, so a directive or an image path means the same thing in either.
public enum Edition: String, Sendable, CaseIterable {
    case english = "en"
    case japanese = "ja"

    /// The folder of its pages, relative to the package root.
    public var folder: String { self == .english ? "book" : "book/ja" }

    /// Where its pages go in the site, relative to the site's root ("" or "ja/").
    public var siteFolder: String { self == .english ? "" : "ja/" }

    /// From one of its pages in the site back to the site's root (shared figures, style, fonts).
    var siteRoot: String { self == .english ? "" : "../" }

    public var other: Edition { self == .english ? .japanese : .english }

    var strings: EditionStrings { self == .english ? .english : .japanese }
}

/// The words of the site around the pages (navigation, captions), per edition.
struct EditionStrings: Sendable {
    let bookTitle: String
    let tagline: String
    let contents, glossary, faq: String
    let previous, next, onThisPage: String
    let startReading: String
    let chapters, appendices: String
    let footer: String
    /// The link to the same page in the other edition.
    let switchLabel: String
    /// "Chapters/x.swift, lines 5–9"
    let lines: @Sendable (Int, Int) -> String

    /// Every word above, for the font's coverage.
    var allText: String {
        [bookTitle, tagline, contents, glossary, faq, previous, next, onThisPage, startReading, chapters, appendices,
         footer, switchLabel, lines(1, 2)].joined(separator: "\n")
    }

    static let english = EditionStrings(
        bookTitle: "The course book",
        tagline: "How a language model is made useful after pretraining, built from scratch in Swift.",
        contents: "Contents", glossary: "Glossary", faq: "FAQ",
        previous: "Previous", next: "Next", onThisPage: "On this page",
        startReading: "Start reading: ", chapters: "Chapters", appendices: "Appendices",
        footer: "Rendered from <code>book/</code> by <code>course book</code>. The code shown is quoted from the kit's sources.",
        switchLabel: "日本語",
        lines: { "lines \($0)–\($1)" })

    static let japanese = EditionStrings(
        bookTitle: "コースブック",
        tagline: "事前学習を終えた言語モデルを役に立つものにする方法を、Swift でゼロから作りながら学びます。",
        contents: "目次", glossary: "用語集", faq: "よくある質問",
        previous: "前へ", next: "次へ", onThisPage: "このページの内容",
        startReading: "読み始める：", chapters: "章", appendices: "付録",
        footer: "<code>book/ja/</code> から <code>course book</code> で作成しました。掲載しているコードはキットのソースから引用しています。",
        switchLabel: "English",
        lines: { "\($0)–\($1) 行目" })
}
