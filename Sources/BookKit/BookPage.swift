import Core
import Foundation

/// One Markdown page of the book, with what the renderer and the checks need already found:
/// its title, headings, code directives, fenced blocks and links. Lines inside fenced blocks
/// are never taken for headings, links or directives.
public struct BookPage: Sendable {
    /// "01-autograd.md"
    public let fileName: String
    public let markdown: String
    /// The text of the first `# ` heading (the file name if there is none).
    public let title: String
    public let headings: [Heading]
    public let directives: [CodeDirective]
    public let fences: [Fence]
    public let links: [Link]
    /// Every line outside fenced blocks that starts with `@` (`@code(...)`, `@results(...)`),
    /// trimmed: the structure a translation must copy verbatim.
    public let directiveLines: [Numbered]

    /// "01-autograd.html"
    public var htmlName: String { BookPage.htmlName(for: fileName) }

    public struct Heading: Sendable, Equatable {
        public let level: Int
        public let text: String      // plain text (Markdown markup removed, `{#id}` stripped)
        public let anchor: String    // the explicit `{#id}`, else a GitHub-style slug unique in the page
        public let line: Int
        /// The heading wrote its id as `{#id}` (every section heading of a translation does, so
        /// its anchors are the English ones and `page.md#section` links work in both editions).
        public var explicitID: Bool = false
    }

    /// A line of the page and its 1-based number.
    public struct Numbered: Sendable, Equatable {
        public let line: Int
        public let text: String
    }

    /// The figures the page shows (`figures/...` image targets), in order.
    public var figurePaths: [String] { links.filter(\.isImage).map(\.target) }

    /// A fenced block (``` or ~~~) and the language written after the opening fence.
    public struct Fence: Sendable, Equatable {
        public let language: String
        public let line: Int
    }

    /// A Markdown link `[text](target)` or image `![alt](target)` outside code.
    public struct Link: Sendable, Equatable {
        public let target: String
        public let isImage: Bool
        public let line: Int
    }

    public init(fileName: String, markdown: String) throws {
        self.fileName = fileName
        self.markdown = markdown
        var headings: [Heading] = [], directives: [CodeDirective] = [], fences: [Fence] = [], links: [Link] = []
        var directiveLines: [Numbered] = []
        var slugs = SlugSet()
        var openFence: Substring?   // the fence characters of the open block ("```" or "~~~~")
        for (i, raw) in BookPage.lines(of: markdown).enumerated() {
            let n = i + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let fence = openFence {
                if line.hasPrefix(fence) && line.allSatisfy({ $0 == fence.first }) { openFence = nil }
                continue
            }
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                let marker = line.prefix { $0 == line.first }
                openFence = marker
                fences.append(Fence(language: line.dropFirst(marker.count).trimmingCharacters(in: .whitespaces), line: n))
                continue
            }
            if line.hasPrefix("@") { directiveLines.append(Numbered(line: n, text: line)) }
            if let d = try CodeDirective.parse(raw, lineNumber: n, page: fileName) {
                directives.append(d)
                continue
            }
            if let h = BookPage.heading(line) {
                headings.append(Heading(level: h.level, text: h.text, anchor: h.id ?? slugs.make(h.text), line: n,
                                        explicitID: h.id != nil))
            }
            for (target, image) in BookPage.linkTargets(in: line) {
                links.append(Link(target: target, isImage: image, line: n))
            }
        }
        if openFence != nil, let last = fences.last {
            throw CourseError(file: fileName, line: last.line, "fenced block is never closed")
        }
        self.headings = headings
        self.directives = directives
        self.fences = fences
        self.links = links
        self.directiveLines = directiveLines
        title = headings.first { $0.level == 1 }?.text ?? fileName
    }

    public static func htmlName(for markdownName: String) -> String {
        markdownName.hasSuffix(".md") ? String(markdownName.dropLast(3)) + ".html" : markdownName
    }

    static func lines(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }

    /// "## The tensor engine" -> (2, "The tensor engine", nil);
    /// "## テンソル版のエンジン {#the-tensor-engine}" -> (2, "テンソル版のエンジン", "the-tensor-engine").
    static func heading(_ line: String) -> (level: Int, text: String, id: String?)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        let (text, id) = explicitID(String(line.dropFirst(hashes)).trimmingCharacters(in: .whitespaces))
        return (hashes, plainText(text), id)
    }

    /// Splits a trailing `{#some-id}` off a heading's text: ("Text", "some-id"), or (text, nil).
    static func explicitID(_ text: String) -> (String, String?) {
        guard let m = text.firstMatch(of: /\s*\{#([^\s{}]+)\}\s*$/) else { return (text, nil) }
        return (String(text[..<m.range.lowerBound]), String(m.output.1))
    }

    /// Markdown inline markup removed: `code`, **bold**, *em*, [text](url) -> text.
    static func plainText(_ s: String) -> String {
        var out = s.replacingOccurrences(of: #"!?\[([^\]]*)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        for mark in ["**", "`", "*"] { out = out.replacingOccurrences(of: mark, with: "") }
        return out
    }

    /// Link and image targets on one line, ignoring anything inside `inline code`.
    static func linkTargets(in line: String) -> [(String, Bool)] {
        let prose = line.replacingOccurrences(of: "`[^`]*`", with: "``", options: .regularExpression)
        let pattern = #"(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)"#
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = prose as NSString
        return re.matches(in: prose, range: NSRange(location: 0, length: ns.length)).map {
            (ns.substring(with: $0.range(at: 2)), $0.range(at: 1).length > 0)
        }
    }
}

/// GitHub's heading anchors: lowercase, punctuation dropped (letters of any script, digits,
/// spaces, hyphens and underscores kept), spaces to hyphens; a repeated slug gets "-1", "-2".
/// The same anchors on GitHub and on the rendered site, so `#section` links work on both.
struct SlugSet {
    private var counts: [String: Int] = [:]

    static func slug(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased() {
            if ch == " " { out.append("-") } else if ch.isLetter || ch.isNumber || ch == "-" || ch == "_" { out.append(ch) }
        }
        return out
    }

    mutating func make(_ text: String) -> String {
        let base = SlugSet.slug(text)
        let n = counts[base, default: 0]
        counts[base] = n + 1
        return n == 0 ? base : "\(base)-\(n)"
    }
}
