import Foundation

/// The site's Japanese font, "Course JP": a subset of Noto Sans CJK JP holding exactly the CJK
/// characters of the book, made by `scripts/make-book-font.py` into `book/fonts/`. A reader
/// without any Japanese font still sees every character, offline.
///
/// The fonts are woff2 (brotli inside), which Swift cannot open; the script therefore reads
/// the written fonts' cmaps back and records them in `book/fonts/characters.txt` together with
/// each font file's FNV-1a 64 hash. A record whose hashes do not match the committed fonts is
/// stale and counts as no record at all, so the coverage checks always speak of the real fonts.
public struct BookFont: Sendable {
    /// The character list, relative to `book/`.
    static let characterList = "fonts/characters.txt"

    /// The CJK characters both fonts map.
    public let characters: Set<Unicode.Scalar>
    /// Font file name -> the hash the list was made from.
    public let hashes: [String: String]

    /// Reads `book/fonts/characters.txt` and checks it against the font files beside it.
    /// Throws when the list is missing, names a font that is missing, or records a different
    /// file than the one committed.
    public static func load(book: URL) throws -> BookFont {
        let fonts = book.appendingPathComponent("fonts")
        guard let text = try? String(contentsOf: book.appendingPathComponent(characterList), encoding: .utf8) else {
            throw FontError("book/\(characterList) is missing: run scripts/make-book-font.py")
        }
        var chars = Set<Unicode.Scalar>(), hashes: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if let m = line.firstMatch(of: /^# (\S+) fnv1a64=([0-9a-f]{16})$/) {
                hashes[String(m.output.1)] = String(m.output.2)
            } else if !line.hasPrefix("#") {
                chars.formUnion(line.unicodeScalars)
            }
        }
        if hashes.isEmpty { throw FontError("book/\(characterList) names no font file: run scripts/make-book-font.py") }
        for (name, recorded) in hashes.sorted(by: { $0.key < $1.key }) {
            guard let data = try? Data(contentsOf: fonts.appendingPathComponent(name)) else {
                throw FontError("book/fonts/\(name) is missing: run scripts/make-book-font.py")
            }
            if fnv1a64(data) != recorded {
                throw FontError("book/fonts/\(name) is not the font book/\(characterList) was made from: run scripts/make-book-font.py")
            }
        }
        return BookFont(characters: chars, hashes: hashes)
    }

    /// The CJK characters of `text` the font lacks, in order of first appearance.
    public func missing(in text: String) -> [Unicode.Scalar] {
        var seen = Set<Unicode.Scalar>(), out: [Unicode.Scalar] = []
        for c in text.unicodeScalars where CJKText.isCJK(c) && !characters.contains(c) && seen.insert(c).inserted {
            out.append(c)
        }
        return out
    }

    /// FNV-1a, 64 bits: the same function as `fnv1a64` in the script.
    static func fnv1a64(_ data: Data) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public struct FontError: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ d: String) { description = d }
    }
}

extension BookChecker {
    /// CJK characters of the pages (both editions, the results files they include and the code
    /// regions they quote) that the shipped font lacks. A book with neither a Japanese edition
    /// nor a font (a fixture, a kit before its translation) needs none.
    public func fontCoverage() -> [BookProblem] {
        var out: [BookProblem] = []
        let font: BookFont
        do { font = try BookFont.load(book: book.directory) } catch {
            let list = book.directory.appendingPathComponent(BookFont.characterList).path
            guard translation != nil || FileManager.default.fileExists(atPath: list) else { return [] }
            let first = editions.last!.pages[0]
            return [BookProblem(page: editions.last!.path(of: first), line: 1, message: "\(error)")]
        }
        for edition in editions {
            for page in edition.pages {
                var texts = [(page.markdown, 0)]
                for d in page.directives {
                    if let r = try? RegionExtractor.region(named: d.region, file: d.file, root: book.root) { texts.append((r.text, d.line)) }
                }
                for (i, line) in BookPage.lines(of: page.markdown).enumerated() {
                    if let path = ResultsInclude.path(in: line), let t = try? ResultsInclude.text(path, book: book) { texts.append((t, i + 1)) }
                }
                for (text, at) in texts {
                    for (i, line) in BookPage.lines(of: text).enumerated() {
                        let missing = font.missing(in: line)
                        guard !missing.isEmpty else { continue }
                        out.append(BookProblem(page: edition.path(of: page), line: at == 0 ? i + 1 : at,
                                               message: "the book font lacks \(String(String.UnicodeScalarView(missing))): run scripts/make-book-font.py"))
                    }
                }
            }
        }
        return out
    }
}
