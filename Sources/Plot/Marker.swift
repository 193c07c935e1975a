/// A point marker shape. Scatter classes get different shapes as well as different colours,
/// so the classes stay distinguishable in greyscale print and for colour-blind readers.
public enum Marker: Sendable, CaseIterable {
    case circle, square, triangle, diamond

    /// The shape of class or series number `i` (cycles).
    public static func shape(_ i: Int) -> Marker { allCases[((i % allCases.count) + allCases.count) % allCases.count] }

    /// Signed distance in pixels from the offset (dx, dy) to the shape's edge (negative inside).
    /// Sizes are tuned so the four shapes look equally heavy at the same radius.
    func signedDistance(_ dx: Double, _ dy: Double, radius r: Double) -> Double {
        switch self {
        case .circle:
            return (dx * dx + dy * dy).squareRoot() - r
        case .square:
            return max(abs(dx), abs(dy)) - r * 0.86
        case .diamond:
            return (abs(dx) + abs(dy) - r * 1.3) / 2.0.squareRoot()
        case .triangle:
            // Equilateral triangle pointing up with its centroid on the point (Inigo Quilez's
            // exact SDF; side 2s), y flipped for screen coordinates.
            let k = 3.0.squareRoot(), s = r * 1.3
            var px = abs(dx) - s
            var py = -dy + s / k
            if px + k * py > 0 {
                let nx = (px - k * py) / 2, ny = (-k * px - py) / 2
                px = nx; py = ny
            }
            px -= max(-2 * s, min(0, px))
            let d = (px * px + py * py).squareRoot()
            return py < 0 ? d : -d
        }
    }
}
