import ArgumentParser
import BookKit
import Checks
import Core
import Foundation

/// `course book [--out DIR]`: checks the book (code regions, links, images, exercises, no
/// hand-pasted code; the Japanese edition in `book/ja/` the same way, and against the English
/// one) and renders it to a static HTML site: English at DIR/, Japanese at DIR/ja/.
struct BookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Check the book and render it to a static HTML site (open DIR/index.html).")

    @Option(help: "The folder to write the site into.") var out: String = "site"
    @Flag(help: "Only check the book; write nothing.") var checkOnly = false
    @Option(help: "The course kit's folder (default: found from the current folder upwards).") var root: String?

    func run() throws {
        let start = URL(fileURLWithPath: self.root ?? FileManager.default.currentDirectoryPath)
        guard let root = Book.findRoot(from: start) else {
            throw CourseError("no book/ folder in \(start.path) or above; run `course book` inside the course kit")
        }
        let book = try Book.load(root: root)
        let translation = try Book.loadTranslation(root: root)
        let checker = BookChecker(book: book, translation: translation, exercises: Catalogue.all.map { ($0.id, $0.file) },
                                  awaitingChapters: BookChecker.chaptersAwaitingExercises)
        let problems = checker.problems()
        for p in problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
        if !problems.isEmpty {
            throw CourseError("the book has \(problems.count) problem\(problems.count == 1 ? "" : "s") (listed above)")
        }
        let unquoted = try checker.unquotedRegions()
        if !unquoted.isEmpty { print("note: regions not shown in the book yet: \(unquoted.joined(separator: ", "))") }
        let regions = book.pages.reduce(0) { $0 + $1.directives.count }
        let pages = "\(book.pages.count) pages" + (translation.map { " (Japanese: \($0.pages.count) pages)" } ?? "")
        if checkOnly {
            print("book: \(pages), \(regions) code regions, no problems")
            return
        }
        let outURL = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        let files = try SiteRenderer(book: book, translation: translation).write(to: outURL)
        print("wrote \(files.count) files (\(pages), \(regions) code regions) to \(outURL.path)/ — open \(outURL.path)/index.html")
    }
}
