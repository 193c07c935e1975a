import Core
import Foundation

/// The book: the Markdown pages of `book/`, in reading order, and the package they quote.
///
/// Reading order: the numbered pages (`00-introduction.md`, `01-autograd.md`, ...) in order,
/// then the appendices `faq.md`, `glossary.md`, `reading.md`, then any other page by name.
/// `README.md` files are left out (GitHub shows them when browsing the folder).
///
/// A `Book` is one edition: English pages from `book/`, Japanese ones from `book/ja/`. Both
/// editions resolve `@code`, `@results`, images and links that leave the pages against `book/`,
/// so a page and its translation carry the same directive lines and paths.
public struct Book: Sendable {
    /// The package root: `@code` paths are relative to it.
    public let root: URL
    public let pages: [BookPage]
    public let edition: Edition

    /// The shared folder of figures and results, and the base of relative paths: `root/book`.
    public var directory: URL { root.appendingPathComponent("book") }

    /// The folder holding this edition's pages (`book/` or `book/ja/`).
    public var pagesDirectory: URL { root.appendingPathComponent(edition.folder) }

    /// "book/01-autograd.md" or "book/ja/01-autograd.md": how problems name a page.
    public func path(of page: BookPage) -> String { "\(edition.folder)/\(page.fileName)" }

    static let appendices = ["faq.md", "glossary.md", "reading.md"]

    public init(root: URL, pages: [BookPage], edition: Edition = .english) {
        self.root = root
        self.pages = pages
        self.edition = edition
    }

    /// Reads every page of an edition (`book/*.md` or `book/ja/*.md`) under `root`.
    public static func load(root: URL, edition: Edition = .english) throws -> Book {
        let folder = edition.folder
        let dir = root.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw CourseError(file: "\(folder)/", "no book folder under \(root.path)")
        }
        let markdown = names.filter { $0.hasSuffix(".md") && !$0.uppercased().hasPrefix("README") }
        let pages = try order(markdown).map { name -> BookPage in
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else {
                throw CourseError(file: "\(folder)/\(name)", "cannot read the page as UTF-8")
            }
            do { return try BookPage(fileName: name, markdown: text) } catch let e as CourseError {
                throw CourseError("\(folder)/\(e.message)")   // "book/ja/01-x.md:3: ..."
            }
        }
        if pages.isEmpty { throw CourseError(file: "\(folder)/", "no Markdown pages") }
        return Book(root: root, pages: pages, edition: edition)
    }

    /// The Japanese edition, or nil while `book/ja/` holds no page.
    public static func loadTranslation(root: URL) throws -> Book? {
        let dir = root.appendingPathComponent(Edition.japanese.folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        guard names.contains(where: { $0.hasSuffix(".md") && !$0.uppercased().hasPrefix("README") }) else { return nil }
        return try load(root: root, edition: .japanese)
    }

    /// Reading order of page file names (see the type's documentation).
    public static func order(_ names: [String]) -> [String] {
        func key(_ n: String) -> (Int, String) {
            if n.first?.isNumber == true { return (0, n) }
            if let i = appendices.firstIndex(of: n) { return (1, String(format: "%02d", i)) }
            return (2, n)
        }
        return names.sorted { key($0) < key($1) }
    }

    public func page(named fileName: String) -> BookPage? { pages.first { $0.fileName == fileName } }

    /// Finds the package root from a folder inside it (the first ancestor holding Package.swift
    /// and a book/ folder).
    public static func findRoot(from start: URL) -> URL? {
        var dir = start.standardizedFileURL
        let fm = FileManager.default
        while true {
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("book").path) { return dir }
            let up = dir.deletingLastPathComponent()
            if up.path == dir.path { return nil }
            dir = up
        }
    }
}
