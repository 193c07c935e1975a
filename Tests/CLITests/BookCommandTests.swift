import Core
import Foundation
import Testing
@testable import course

@Suite("course book")
struct BookCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("renders the real book into a new folder, with an index and every page, the Japanese edition under ja/")
    func renders() throws {
        let out = ScratchFolder.root.appendingPathComponent("book-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try BookCommand.parse(["--root", Self.root.path, "--out", out.path]).run()
        for name in ["index.html", "style.css", "00-introduction.html", "01-autograd.html", "glossary.html",
                     "ja/index.html", "ja/00-introduction.html", "fonts/CourseJP-Regular.woff2", "fonts/OFL.txt"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
    }

    @Test("refuses a non-empty folder it did not make, and a folder without a book, with one line")
    func refuses() throws {
        let foreign = ScratchFolder.root.appendingPathComponent("book-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: foreign) }
        try "keep me".write(to: foreign.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        var message = ""
        do { try BookCommand.parse(["--root", Self.root.path, "--out", foreign.path]).run() } catch { message = "\(error)" }
        #expect(message.hasSuffix("folder is not empty and was not made by `course book`; choose another --out"))
        #expect(try String(contentsOf: foreign.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")

        message = ""
        do { try BookCommand.parse(["--root", foreign.path, "--check-only"]).run() } catch { message = "\(error)" }
        #expect(message.hasPrefix("no book/ folder in ") && !message.contains("\n"))
    }
}
