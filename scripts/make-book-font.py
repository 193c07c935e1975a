#!/usr/bin/env python3
"""Makes the book's Japanese web font, "Course JP", so the site shows Japanese offline.

A reader's machine may have no Japanese font at all (a fresh Linux box, a locked-down
laptop), and the site loads nothing from the network. So the site ships its own font: Noto Sans
CJK JP (SIL OFL 1.1), cut down to exactly the CJK characters the book uses, in both weights.
A full CJK font is 16 MB; the subset is a few hundred KB.

Reads: book/*.md, book/ja/*.md, book/results/*.md, the code regions the pages quote, and the
Japanese interface strings of the site renderer (Sources/BookKit/*.swift).
Writes: book/fonts/CourseJP-Regular.woff2, CourseJP-Bold.woff2 (woff if brotli is missing),
book/fonts/OFL.txt (the licence and the original copyright) and book/fonts/characters.txt:
the characters read back from the written fonts' cmaps, with a FNV-1a hash of each font file,
so the book tests can check every CJK character of the rendered site against the font that is
actually committed (Swift cannot decompress woff2 to read the cmap itself).

Run from the package root after changing the book:  python3 scripts/make-book-font.py
Needs fontTools (and brotli for woff2) and the Debian package fonts-noto-cjk.
"""
import glob
import os
import re
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCES = {
    "Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "Bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
LICENCE_SOURCE = "/usr/share/doc/fonts-noto-cjk/copyright"
FAMILY = "Course JP"

# The same ranges as CJKText.isCJK in Sources/BookKit/CJKText.swift: the characters the site
# wraps in lang="ja" and needs this font for.
CJK_RANGES = [
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。「」)
    (0x3040, 0x309F),  # hiragana
    (0x30A0, 0x30FF),  # katakana
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # full-width and half-width forms (（）：！)
]


def is_cjk(ch):
    c = ord(ch)
    return any(lo <= c <= hi for lo, hi in CJK_RANGES)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def quoted_regions(page_text):
    """The text of every `@code(file#region)` region a page quotes (marked in the sources by
    `// MARK: book NAME` ... `// MARK: end`)."""
    out = []
    for file, region in re.findall(r"^\s*@code\(([^#)]+)#([^)]+)\)\s*$", page_text, re.M):
        if not os.path.exists(file):
            continue
        m = re.search(r"// MARK: book " + re.escape(region) + r"\s*\n(.*?)// MARK: end", read(file), re.S)
        if m:
            out.append(m.group(1))
    return out


def book_characters():
    texts = []
    pages = sorted(glob.glob("book/*.md") + glob.glob("book/ja/*.md"))
    for path in pages + sorted(glob.glob("book/results/*.md")):
        text = read(path)
        texts.append(text)
        texts.extend(quoted_regions(text))
    for path in sorted(glob.glob("Sources/BookKit/*.swift")):
        texts.append(read(path))
    return sorted({ch for t in texts for ch in t if is_cjk(ch)})


def japanese_face(path):
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(1) == "Noto Sans CJK JP":
            return font
    sys.exit(f"no 'Noto Sans CJK JP' face in {path}")


def rename(font, style):
    """A modified OFL font should not go by the original's name: call it Course JP."""
    names = font["name"]
    keep = {0, 13, 14}  # copyright, licence description, licence URL
    names.names = [n for n in names.names if n.nameID in keep]
    for plat, enc, lang in [(3, 1, 0x409), (1, 0, 0)]:
        names.setName(FAMILY, 1, plat, enc, lang)
        names.setName(style, 2, plat, enc, lang)
        names.setName(f"{FAMILY} {style}; subset of Noto Sans CJK JP", 3, plat, enc, lang)
        names.setName(f"{FAMILY} {style}", 4, plat, enc, lang)
        names.setName("Version 1.0", 5, plat, enc, lang)
        names.setName(f"CourseJP-{style}", 6, plat, enc, lang)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [f"CourseJP-{style}"]


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def licence_text(copyright_notice):
    lines = read(LICENCE_SOURCE).split("\n")
    # The licence's own paragraph (the "Files:" stanzas name it too, without the text).
    start = next(i for i, l in enumerate(lines) if l == "License: SIL-1.1" and lines[i + 1].startswith(" ")) + 1
    body = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    return (f"Course JP is a subset of Noto Sans CJK JP, renamed, made by scripts/make-book-font.py.\n"
            f"Original copyright: {copyright_notice}\n\n" + "\n".join(body).strip() + "\n")


def main():
    if not os.path.exists("Package.swift") or not os.path.isdir("book"):
        sys.exit("run from the package root (the folder with Package.swift and book/)")
    try:
        import brotli  # noqa: F401  (woff2 needs it)
        flavor = "woff2"
    except ImportError:
        flavor = "woff"
    chars = book_characters()
    os.makedirs("book/fonts", exist_ok=True)
    for old in glob.glob("book/fonts/CourseJP-*"):
        os.remove(old)
    written = []
    copyright_notice = ""
    for style, path in SOURCES.items():
        font = japanese_face(path)
        copyright_notice = font["name"].getDebugName(0)
        options = subset.Options()
        options.flavor = flavor
        options.hinting = False          # screens scale CJK well without hints; halves the size
        options.desubroutinize = True    # compresses better in woff2
        # Horizontal text with the default glyphs only: vertical forms and alternates would
        # double the glyph count for features the site never turns on.
        options.layout_features = []
        options.drop_tables += ["vhea", "vmtx", "VORG", "BASE", "GSUB", "GPOS"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        sub = subset.Subsetter(options)
        sub.populate(text="".join(chars))
        sub.subset(font)
        rename(font, style)
        out = f"book/fonts/CourseJP-{style}.{flavor}"
        font.flavor = flavor
        font.save(out)
        written.append(out)
    # Read the cmaps back from the files as written: the list is what the fonts really hold.
    covered = None
    for out in written:
        cmap = set(TTFont(out).getBestCmap().keys())
        covered = cmap if covered is None else covered & cmap
    listed = sorted(chr(c) for c in covered if is_cjk(chr(c)))
    missing = [c for c in chars if ord(c) not in covered]
    header = ["# The CJK characters both Course JP fonts map (read back from their cmaps) and each font",
              "# file's FNV-1a 64 hash. Written by scripts/make-book-font.py; do not edit."]
    for out in written:
        with open(out, "rb") as f:
            header.append(f"# {os.path.basename(out)} fnv1a64={fnv1a64(f.read())}")
    body = ["".join(listed[i:i + 50]) for i in range(0, len(listed), 50)]
    with open("book/fonts/characters.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(header + body) + "\n")
    with open("book/fonts/OFL.txt", "w", encoding="utf-8") as f:
        f.write(licence_text(copyright_notice))
    sizes = ", ".join(f"{os.path.basename(p)} {os.path.getsize(p) // 1024} KB" for p in written)
    print(f"{len(chars)} CJK characters in the book; wrote {sizes}")
    if missing:
        print("not in Noto Sans CJK JP: " + "".join(missing), file=sys.stderr)


if __name__ == "__main__":
    main()
