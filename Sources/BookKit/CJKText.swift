/// Japanese text inside English pages (the glossary's terms, a Japanese sample reply). Marked
/// `lang="ja"`, a browser picks Japanese glyph shapes (not Chinese ones from the same code
/// points) and the site's Japanese font; screen readers switch voice.
enum CJKText {
    /// The same ranges as `scripts/make-book-font.py`: what the shipped font must cover.
    static let ranges: [ClosedRange<UInt32>] = [
        0x3000...0x303F,  // CJK symbols and punctuation (、。「」)
        0x3040...0x309F,  // hiragana
        0x30A0...0x30FF,  // katakana
        0x31F0...0x31FF,  // katakana phonetic extensions
        0x3400...0x4DBF,  // CJK extension A
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFF00...0xFFEF,  // full-width and half-width forms (（）：！)
    ]

    static func isCJK(_ c: Unicode.Scalar) -> Bool { ranges.contains { $0.contains(c.value) } }

    /// The CJK characters of a text, as a set.
    static func characters(in text: String) -> Set<Unicode.Scalar> {
        Set(text.unicodeScalars.filter(isCJK))
    }

    /// Wraps every run of CJK characters in the text of `html` (never inside a tag, a comment
    /// or an attribute) in `<span lang="ja">`.
    static func wrap(_ html: String) -> String {
        var out = String.UnicodeScalarView()
        var inTag = false, inRun = false
        let open = "<span lang=\"ja\">".unicodeScalars, close = "</span>".unicodeScalars
        for c in html.unicodeScalars {
            let cjk = !inTag && isCJK(c)
            if inRun && !cjk { out.append(contentsOf: close); inRun = false }
            if cjk && !inRun { out.append(contentsOf: open); inRun = true }
            if c == "<" { inTag = true } else if c == ">" { inTag = false }
            out.append(c)
        }
        if inRun { out.append(contentsOf: close) }
        return String(out)
    }
}
