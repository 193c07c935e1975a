#!/usr/bin/env python3
"""Regenerates Sources/Plot/FontData.swift: the Plot module's built-in bitmap fonts.

The glyphs are DejaVu Sans (regular and bold) rasterised by FreeType (through Pillow) at the
pixel sizes the charts use at scale 1 and scale 2, anti-aliased, quantised to 16 grey levels
and written as one hex digit per pixel. Plot never reads a font file at run time: the Swift
file is the font. Run this only to change sizes or characters (needs `pip install pillow` and
the DejaVu fonts, Debian package fonts-dejavu-core):

    python3 scripts/make-plot-font.py > Sources/Plot/FontData.swift
"""
import sys
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
# (Swift name, font file, pixel size): body text at 12 px and titles at 15 px, at scale 1 and 2.
SETS = [
    ("body1x", "DejaVuSans.ttf", 12),
    ("body2x", "DejaVuSans.ttf", 24),
    ("title1x", "DejaVuSans-Bold.ttf", 15),
    ("title2x", "DejaVuSans-Bold.ttf", 30),
]
CHARS = [chr(c) for c in range(32, 127)]

NOTICE = """\
// Glyph bitmaps rasterised from the DejaVu Sans typeface by scripts/make-plot-font.py.
// Generated file: do not edit by hand. Font license (Bitstream Vera; DejaVu changes are in the
// public domain), reproduced as it requires:
//
// Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved. Bitstream Vera is a trademark of
// Bitstream, Inc.
//
// Permission is hereby granted, free of charge, to any person obtaining a copy of the fonts
// accompanying this license ("Fonts") and associated documentation files (the "Font Software"),
// to reproduce and distribute the Font Software, including without limitation the rights to use,
// copy, merge, publish, distribute, and/or sell copies of the Font Software, and to permit
// persons to whom the Font Software is furnished to do so, subject to the following conditions:
//
// The above copyright and trademark notices and this permission notice shall be included in all
// copies of one or more of the Font Software typefaces.
//
// The Font Software may be modified, altered, or added to, and in particular the designs of
// glyphs or characters in the Fonts may be modified and additional glyphs or characters may be
// added to the Fonts, only if the fonts are renamed to names not containing either the words
// "Bitstream" or the word "Vera".
//
// This License becomes null and void to the extent applicable to Fonts or Font Software that has
// been modified and is distributed under the "Bitstream Vera" names.
//
// The Font Software may be sold as part of a larger software package but no copy of one or more
// of the Font Software typefaces may be sold by itself.
//
// THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
// INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
// PURPOSE AND NONINFRINGEMENT OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL
// BITSTREAM OR THE GNOME FOUNDATION BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
// INCLUDING ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL DAMAGES, WHETHER IN AN
// ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF THE USE OR INABILITY TO USE THE
// FONT SOFTWARE OR FROM OTHER DEALINGS IN THE FONT SOFTWARE.
//
// Except as contained in this notice, the names of Gnome, the Gnome Foundation, and Bitstream
// Inc., shall not be used in advertising or otherwise to promote the sale, use or other dealings
// in this Font Software without prior written authorization from the Gnome Foundation or
// Bitstream Inc., respectively.
"""


def glyph(font, ch, size):
    pad = size * 2
    img = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(img).text((pad, pad), ch, font=font, fill=255, anchor="ls")
    advance = int(round(font.getlength(ch)))
    box = img.getbbox()
    if box is None:
        return advance, 0, 0, 0, 0, ""
    x0, y0, x1, y1 = box
    rows = []
    for y in range(y0, y1):
        rows.append("".join("%x" % ((img.getpixel((x, y)) * 15 + 127) // 255) for x in range(x0, x1)))
    return advance, x0 - pad, y0 - pad, x1 - x0, y1 - y0, "".join(rows)


def main():
    out = [NOTICE, "// swiftlint:disable all", "", "extension BitmapFont {"]
    for name, file, size in SETS:
        font = ImageFont.truetype(FONT_DIR + file, size)
        ascent, descent = font.getmetrics()
        out.append(f"    /// {file} at {size} px: ascent {ascent}, descent {descent}.")
        out.append(f"    static let {name} = BitmapFont(pixelSize: {size}, ascent: {ascent}, descent: {descent}, glyphs: [")
        for ch in CHARS:
            adv, x, y, w, h, data = glyph(font, ch, size)
            shown = ch.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'        /* "{shown}" */ Glyph({adv}, {x}, {y}, {w}, {h}, "{data}"),')
        out.append("    ])")
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")


main()
