import Foundation
import Testing
@testable import Plot

@Suite("Canvas and PNG files")
struct CanvasPNGTests {
    @Test("a blank canvas has its size and background colour")
    func blankCanvas() {
        let c = Canvas(width: 30, height: 20, background: Color(hex: 0x102030))
        #expect(c.width == 30 && c.height == 20)
        #expect(c.pixel(x: 29, y: 19) == Color(hex: 0x102030))
        #expect(c.pixel(x: 30, y: 0) == nil)
    }

    @Test("a PNG written by libpng reads back with the same size and pixels")
    func roundTrip() throws {
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y")
        chart.add(LineSeries(name: "a", y: [1, 3, 2]))
        let canvas = chart.render(width: 160, height: 120, scale: 1)
        let dir = try temporaryFolder()
        let path = dir + "/nested/folder/chart.png"
        try canvas.writePNG(path: path)
        let image = try PNGImage.read(path: path)
        #expect(image.width == 160 && image.height == 120)
        for (x, y) in [(0, 0), (80, 60), (159, 119), (5, 100)] {
            #expect(image.pixel(x: x, y: y) == canvas.pixel(x: x, y: y))
        }
        #expect(image.pixel(x: 0, y: 0) == .white)
        #expect(try PNGImage.decode(canvas.pngData()) == image)
    }

    @Test("writing to a path that cannot be written gives a one-line error naming the path")
    func unwritable() throws {
        let dir = try temporaryFolder()
        let blocker = dir + "/file.txt"
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        let canvas = Canvas(width: 4, height: 4)
        for path in [blocker + "/chart.png", dir] {
            do {
                try canvas.writePNG(path: path)
                Issue.record("expected an error for \(path)")
            } catch let e as PlotError {
                #expect(e.description.contains(path))
                #expect(!e.description.contains("\n"))
            }
        }
    }

    @Test("reading a file that is not a PNG is an error naming the file")
    func notPNG() throws {
        let path = try temporaryFolder() + "/fake.png"
        _ = FileManager.default.createFile(atPath: path, contents: Data("not a png".utf8))
        #expect(throws: PlotError.self) { try PNGImage.read(path: path) }
        do { _ = try PNGImage.read(path: path) } catch let e as PlotError { #expect(e.description.hasPrefix(path)) }
    }
}

@Suite("Text in plots")
struct PlotTextTests {
    @Test("Typographic characters borrow their ASCII look-alike and other non-ASCII text is a box")
    func asciiFallbacks() throws {
        let font = BitmapFont.body1x
        for (typographic, ascii) in [("×", "x"), ("–", "-"), ("’", "'"), ("·", ".")] {
            let a = try #require(font.glyph(typographic.unicodeScalars.first!))
            let b = try #require(font.glyph(ascii.unicodeScalars.first!))
            #expect(a.coverage == b.coverage && a.advance == b.advance, "\(typographic) is not drawn as \(ascii)")
        }
        #expect(font.glyph("学") == nil)
    }
}
