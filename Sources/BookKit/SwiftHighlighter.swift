/// A small Swift syntax highlighter for the book: turns source text into HTML with `<span>`
/// classes the stylesheet colours. No JavaScript is needed to read the result.
///
/// Classes: `kw` keywords, `ty` type names (capitalised identifiers), `st` string literals,
/// `cm` comments, `nu` numbers, `at` attributes (`@TaskLocal`) and compiler directives (`#if`).
/// String interpolations `\( ... )` are highlighted as code inside the string.
public enum SwiftHighlighter {
    public static let keywords: Set<String> = [
        "actor", "any", "as", "associatedtype", "async", "await", "break", "case", "catch", "class",
        "continue", "convenience", "default", "defer", "deinit", "do", "else", "enum", "extension",
        "fallthrough", "false", "fileprivate", "final", "for", "func", "guard", "if", "import", "in",
        "indirect", "init", "inout", "internal", "is", "lazy", "let", "mutating", "nil", "nonisolated",
        "nonmutating", "open", "operator", "override", "postfix", "precedencegroup", "prefix",
        "private", "protocol", "public", "repeat", "required", "rethrows", "return", "self", "Self",
        "some", "static", "struct", "subscript", "super", "switch", "throw", "throws", "true", "try",
        "typealias", "unowned", "var", "weak", "where", "while",
    ]

    /// The HTML for `code` (escaped, with highlighting spans; line breaks kept).
    public static func html(_ code: String) -> String {
        var scanner = Scanner(Array(code))
        scanner.code(until: nil)
        return scanner.out
    }

    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    struct Scanner {
        let c: [Character]
        var i = 0
        var out = ""

        init(_ c: [Character]) { self.c = c }

        func peek(_ k: Int = 0) -> Character? { i + k < c.count ? c[i + k] : nil }
        func starts(_ s: String) -> Bool {
            var k = i
            for ch in s { guard k < c.count, c[k] == ch else { return false }; k += 1 }
            return true
        }

        mutating func span(_ cls: String, from start: Int) {
            out += "<span class=\"\(cls)\">" + SwiftHighlighter.escape(String(c[start..<i])) + "</span>"
        }

        /// Code until the `)` that closes an interpolation (when `closing` is ")"), or the end.
        mutating func code(until closing: Character?) {
            var depth = 0
            while let ch = peek() {
                if let closing, ch == closing, depth == 0 { return }
                let start = i
                if starts("//") {
                    while let x = peek(), x != "\n" { i += 1 }
                    span("cm", from: start)
                } else if starts("/*") {
                    i += 2
                    while i < c.count, !starts("*/") { i += 1 }
                    i = min(i + 2, c.count)
                    span("cm", from: start)
                } else if ch == "\"" || (ch == "#" && (peek(1) == "\"" || (peek(1) == "#" && peek(2) == "\""))) {
                    string()
                } else if ch.isNumber {
                    number()
                } else if ch.isLetter || ch == "_" {
                    while let x = peek(), x.isLetter || x.isNumber || x == "_" { i += 1 }
                    let word = String(c[start..<i])
                    let previous = start > 0 ? c[start - 1] : " "
                    if previous == "." && word != "self" && word != "init" {
                        out += SwiftHighlighter.escape(word)       // a member, not a keyword
                    } else if keywords.contains(word) {
                        span("kw", from: start)
                    } else if word.first!.isUppercase {
                        span("ty", from: start)
                    } else {
                        out += SwiftHighlighter.escape(word)
                    }
                } else if (ch == "@" || ch == "#"), let x = peek(1), x.isLetter {
                    i += 1
                    while let x = peek(), x.isLetter || x.isNumber || x == "_" { i += 1 }
                    span("at", from: start)
                } else {
                    if ch == "(" { depth += 1 }
                    if ch == ")" { depth -= 1 }
                    out += SwiftHighlighter.escape(String(ch))
                    i += 1
                }
            }
        }

        mutating func number() {
            let start = i
            if starts("0x") || starts("0b") || starts("0o") {
                i += 2
                while let x = peek(), x.isHexDigit || x == "_" { i += 1 }
            } else {
                while let x = peek(), x.isNumber || x == "_" { i += 1 }
                if peek() == ".", let d = peek(1), d.isNumber {
                    i += 1
                    while let x = peek(), x.isNumber || x == "_" { i += 1 }
                }
                if let e = peek(), e == "e" || e == "E",
                   let d = peek(1), d.isNumber || ((d == "-" || d == "+") && peek(2)?.isNumber == true) {
                    i += 2
                    while let x = peek(), x.isNumber { i += 1 }
                }
            }
            span("nu", from: start)
        }

        /// A string literal: "..." or """...""", with optional #-delimiters (raw strings).
        /// Interpolations are emitted as code between the string's pieces.
        mutating func string() {
            var start = i
            var hashes = 0
            while peek() == "#" { hashes += 1; i += 1 }
            let multiline = starts("\"\"\"")
            i += multiline ? 3 : 1
            let terminator = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            let escape = "\\" + String(repeating: "#", count: hashes)
            while i < c.count {
                if starts(terminator) { i += terminator.count; break }
                if !multiline && c[i] == "\n" { break }
                if starts(escape) {
                    if c.indices.contains(i + escape.count), c[i + escape.count] == "(" {
                        i += escape.count + 1
                        span("st", from: start)
                        code(until: ")")
                        start = i
                        if i < c.count { i += 1 }   // the closing ")" stays in the string colour
                        continue
                    }
                    i += escape.count + 1
                    continue
                }
                i += 1
            }
            i = min(i, c.count)
            span("st", from: start)
        }
    }
}
