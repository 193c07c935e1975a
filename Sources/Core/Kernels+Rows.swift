/// Row copies and row sums on row-major matrices: the loops behind embedding lookup, `gather`
/// and the bias of `linear` (Chapter 1). Sums that land on the same element (a token that
/// appears twice, a bias summed over rows) always add up in row order, the same way.
public enum Rows {
    /// out[r, :] = row for every r < rows: a bias [cols] copied into every row of out [rows, cols].
    public static func broadcast(_ row: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int, cols n: Int) {
        for r in 0..<rows { (out + r * n).update(from: row, count: n) }
    }

    /// acc[j] += Σ_r x[r, j], rows in order: the gradient of a bias broadcast over x [rows, cols].
    /// Split by columns over the cores when large: each column is still summed over the rows
    /// in order by one thread, so the bits do not depend on the split.
    public static func sum(_ x: UnsafePointer<Float>, into acc: UnsafeMutablePointer<Float>, rows: Int, cols n: Int) {
        Parallel.forRanges(n, grain: Swift.max(16, 32768 / Swift.max(rows, 1))) { cols in
            for r in 0..<rows { let gr = x + r * n; for j in cols { acc[j] += gr[j] } }
        }
    }

    /// out[r, :] = table[ids[r], :]: rows of a table [V, cols] picked by ids (an embedding lookup).
    /// The caller checks that every id is in 0..<V.
    public static func gather(_ table: UnsafePointer<Float>, ids: [Int], into out: UnsafeMutablePointer<Float>, cols c: Int) {
        for (r, id) in ids.enumerated() { (out + r * c).update(from: table + id * c, count: c) }
    }

    /// table[ids[r], :] += src[r, :] for r in order: the gradient of `gather` (a row picked twice
    /// receives both gradients).
    public static func scatterAdd(_ src: UnsafePointer<Float>, ids: [Int], into table: UnsafeMutablePointer<Float>, cols c: Int) {
        for (r, id) in ids.enumerated() {
            let dst = table + id * c, s = src + r * c
            for j in 0..<c { dst[j] += s[j] }
        }
    }

    /// out[r] = x[r, index[r]]: one entry per row of x [rows, cols]. The caller checks the range.
    public static func pick(_ x: UnsafePointer<Float>, index: [Int], into out: UnsafeMutablePointer<Float>, cols v: Int) {
        for r in 0..<index.count { out[r] = x[r * v + index[r]] }
    }

    /// dx[r, index[r]] += dy[r]: the gradient of `pick`.
    public static func addPicked(_ dy: UnsafePointer<Float>, index: [Int], into dx: UnsafeMutablePointer<Float>, cols v: Int) {
        for r in 0..<index.count { dx[r * v + index[r]] += dy[r] }
    }
}
