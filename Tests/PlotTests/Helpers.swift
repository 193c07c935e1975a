import Core
import Foundation
@testable import Plot

/// Pixels in `r` (clamped to the canvas) that differ from `background`.
func ink(_ c: Canvas, in r: Rect, background: Color = .white) -> Int {
    var n = 0
    for y in max(0, Int(r.y0))..<min(c.height, Int(r.y1.rounded(.up))) {
        for x in max(0, Int(r.x0))..<min(c.width, Int(r.x1.rounded(.up))) where c.pixel(x: x, y: y) != background { n += 1 }
    }
    return n
}

/// Distance between two colours (max over channels).
func distance(_ a: Color?, _ b: Color) -> Int {
    guard let a else { return 255 }
    return max(abs(Int(a.r) - Int(b.r)), abs(Int(a.g) - Int(b.g)), abs(Int(a.b) - Int(b.b)))
}

/// Whether some pixel within `radius` of (x, y) is close to `color`.
func near(_ c: Canvas, x: Double, y: Double, color: Color, radius: Int = 1, tolerance: Int = 40) -> Bool {
    let (cx, cy) = (Int(x), Int(y))
    for dy in -radius...radius {
        for dx in -radius...radius where distance(c.pixel(x: cx + dx, y: cy + dy), color) <= tolerance { return true }
    }
    return false
}

/// Deterministic "noise" for test data (tests use no random numbers).
func wiggle(_ i: Int) -> Double { sin(Double(i) * 12.9898) * 0.5 + sin(Double(i) * 4.1414) * 0.3 }

/// A fresh temporary folder for files a test writes.
func temporaryFolder() throws -> String {
    let dir = ScratchFolder.root.appendingPathComponent("plot-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}
