/// Row loops that the compiler cannot vectorise on its own, written with `SIMD8<Float>`: a
/// running maximum, and sums of exponentials. A sum in a plain loop is one chain of dependent
/// additions (Float addition is not associative, so the compiler may not reorder it); eight
/// running totals, added up at the end in a fixed order, run several times faster and give the
/// same bits on every run and every split of the work.
public enum VectorMath {
    public typealias Vector = SIMD8<Float>

    @inline(__always) public static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }
    @inline(__always) public static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// The largest of x[0..<n] (−∞ for n = 0). Exact: a maximum does not depend on the order.
    @inline(__always)
    public static func max(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var m = Vector(repeating: -.infinity)
        var j = 0
        while j + 8 <= n { m = m.replacing(with: load(x + j), where: load(x + j) .> m); j += 8 }
        var r = m.max()
        while j < n { r = Swift.max(r, x[j]); j += 1 }
        return r
    }

    /// Σⱼ x[j].
    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = Vector()
        var j = 0
        while j + 8 <= n { acc += load(x + j); j += 8 }
        var s = acc.sum()
        while j < n { s += x[j]; j += 1 }
        return s
    }

    /// Σⱼ a[j] · b[j].
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = Vector()
        var j = 0
        while j + 8 <= n { acc += load(a + j) * load(b + j); j += 8 }
        var s = acc.sum()
        while j < n { s += a[j] * b[j]; j += 1 }
        return s
    }

    /// Σⱼ (x[j] − m)².
    @inline(__always)
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count n: Int, minus m: Float) -> Float {
        var acc = Vector()
        var j = 0
        while j + 8 <= n { let d = load(x + j) - m; acc += d * d; j += 8 }
        var s = acc.sum()
        while j < n { let d = x[j] - m; s += d * d; j += 1 }
        return s
    }

    /// (Σⱼ g[j]·w[j], Σⱼ g[j]·w[j]·h[j]): the two row sums of layer norm's backward.
    @inline(__always)
    public static func gainDots(_ g: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ h: UnsafePointer<Float>,
                                count n: Int) -> (Float, Float) {
        var a = Vector(), b = Vector()
        var j = 0
        while j + 8 <= n { let d = load(g + j) * load(w + j); a += d; b += d * load(h + j); j += 8 }
        var s1 = a.sum(), s2 = b.sum()
        while j < n { let d = g[j] * w[j]; s1 += d; s2 += d * h[j]; j += 1 }
        return (s1, s2)
    }

    /// Σⱼ e^(x[j] − m), with e^(−∞) = 0 exactly (masked entries); when `out` is given, also
    /// stores each term there (`out` may be `x`). `masked: false` promises no −∞ in x and skips
    /// the test.
    @inline(__always)
    public static func expSum(_ x: UnsafePointer<Float>, count n: Int, minus m: Float,
                              into out: UnsafeMutablePointer<Float>? = nil, masked: Bool = true) -> Float {
        var acc = Vector()
        var j = 0
        while j + 8 <= n {
            let v = load(x + j)
            var e = fastExp(v - m)
            if masked { e.replace(with: 0, where: v .== -.infinity) }
            if let out { store(e, out + j) }
            acc += e
            j += 8
        }
        var s = acc.sum()
        while j < n {
            let e = x[j] == -.infinity ? 0 : fastExp(x[j] - m)
            out?[j] = e
            s += e
            j += 1
        }
        return s
    }

    /// d[j] = p[j] · (d[j] − c): attention's dS = P ∘ (dP − D) for one row, in place in d.
    @inline(__always)
    public static func productOfDifference(_ p: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, minus c: Float, count n: Int) {
        var j = 0
        while j + 8 <= n { store(load(p + j) * (load(d + j) - c), d + j); j += 8 }
        while j < n { d[j] = p[j] * (d[j] - c); j += 1 }
    }

    /// y[j] = k · e^(x[j] − m), or y[j] += that when `accumulate` (0 where x[j] is −∞; `masked:
    /// false` promises there is none).
    @inline(__always)
    public static func scaledExp(_ x: UnsafePointer<Float>, count n: Int, minus m: Float, times k: Float,
                                 into y: UnsafeMutablePointer<Float>, accumulate: Bool, masked: Bool = true) {
        var j = 0
        while j + 8 <= n {
            let v = load(x + j)
            var e = k * fastExp(v - m)
            if masked { e.replace(with: 0, where: v .== -.infinity) }
            store(accumulate ? load(y + j) + e : e, y + j)
            j += 8
        }
        while j < n {
            let e = x[j] == -.infinity ? 0 : k * fastExp(x[j] - m)
            y[j] = accumulate ? y[j] + e : e
            j += 1
        }
    }
}

/// `fastExp` on eight lanes at once, the same arithmetic lane by lane (so the same bits as the
/// scalar version). Clamping uses `replacing(with:where:)`: `clamped` is not inlined.
@inlinable @inline(__always)
public func fastExp(_ v: SIMD8<Float>) -> SIMD8<Float> {
    var x = v.replacing(with: -87.33654, where: v .< -87.33654)
    x.replace(with: 88.72283, where: x .> 88.72283)
    let t = x * 1.44269504088896341 + 12582912
    let n = t - 12582912
    let r = x - n * 0.693359375 + n * 2.12194440e-4
    var p = SIMD8<Float>(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let y = p * r * r + r + 1
    let bits = (unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return y * unsafeBitCast(bits, to: SIMD8<Float>.self)
}

/// Reductions over large buffers, split over the cores in chunks of a fixed size, so the
/// order of the additions, and the result, never depends on the number of threads.
public enum Reduce {
    /// Elements per chunk: 64 KB of Float32, a few microseconds of work.
    public static let chunk = 16384

    /// Σ x[i]² in Double: each chunk in eight Double lanes, then the chunks' sums in order.
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count n: Int) -> Double {
        let chunks = (n + chunk - 1) / chunk
        if chunks <= 1 { return sumOfSquares(x, from: 0, to: n) }
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: chunks)
        defer { partial.deallocate() }
        Parallel.forRanges(chunks, grain: 8) { range in
            for c in range { partial[c] = sumOfSquares(x, from: c * chunk, to: Swift.min(n, (c + 1) * chunk)) }
        }
        var total: Double = 0
        for c in 0..<chunks { total += partial[c] }
        return total
    }

    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Float>, from lo: Int, to hi: Int) -> Double {
        var acc = SIMD8<Double>()
        var i = lo
        while i + 8 <= hi {
            let v = SIMD8<Double>(VectorMath.load(x + i))
            acc += v * v
            i += 8
        }
        var s = acc.sum()
        while i < hi { s += Double(x[i]) * Double(x[i]); i += 1 }
        return s
    }
}

/// `fastTanh` on eight lanes at once, the same arithmetic lane by lane.
@inlinable @inline(__always)
public func fastTanh(_ v: SIMD8<Float>) -> SIMD8<Float> {
    var x = v.replacing(with: -7.90531110763549805, where: v .< -7.90531110763549805)
    x.replace(with: 7.90531110763549805, where: x .> 7.90531110763549805)
    let x2 = x * x
    var p = SIMD8<Float>(repeating: -2.76076847742355e-16)
    p = p * x2 + 2.00018790482477e-13
    p = p * x2 - 8.60467152213735e-11
    p = p * x2 + 5.12229709037114e-08
    p = p * x2 + 1.48572235717979e-05
    p = p * x2 + 6.37261928875436e-04
    p = p * x2 + 4.89352455891786e-03
    p = p * x
    var q = SIMD8<Float>(repeating: 1.19825839466702e-06)
    q = q * x2 + 1.18534705686654e-04
    q = q * x2 + 2.26843463243900e-03
    q = q * x2 + 4.89352518554385e-03
    return p / q
}
