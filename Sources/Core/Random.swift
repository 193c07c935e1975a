import Foundation

/// The one random number generator of the kit: xoshiro256** seeded through SplitMix64.
///
/// Why our own: `SystemRandomNumberGenerator` is not seedable, and Foundation's generators
/// differ across platforms. The same seed gives the same bits on every run and every machine,
/// which is what makes a training run reproducible and tests able to compare exact numbers.
/// The full state is four `UInt64`s, so a checkpoint can save and restore it (`state`).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public var state: (UInt64, UInt64, UInt64, UInt64)
    /// A spare normal deviate from the last Box-Muller pair (kept so the stream is pure).
    public var spareNormal: Float? = nil

    public init(seed: UInt64) {
        var s = seed
        func splitmix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// Restores a generator from a saved `stateWords` array (4 words).
    public init(stateWords w: [UInt64]) {
        precondition(w.count == 4, "SeededRandom state needs 4 words, got \(w.count)")
        state = (w[0], w[1], w[2], w[3])
    }

    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// A derived, independent generator (for a sub-task), without disturbing the reproducibility
    /// of this one beyond one draw.
    public mutating func split() -> SeededRandom { SeededRandom(seed: next()) }

    /// Uniform in [0, 1) with 24 random bits (every Float32 value in the grid is reachable).
    @inline(__always) public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [low, high).
    @inline(__always) public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * uniform()
    }

    /// Uniform integer in 0..<n: the high word of a 64x64-bit product (bias below 2^-40 for
    /// the sizes we use). Written out, not `Int.random`, so the stream never depends on the stdlib.
    public mutating func int(_ n: Int) -> Int {
        precondition(n > 0, "SeededRandom.int needs n > 0, got \(n)")
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Standard normal deviate (Box-Muller, computed in Double for accuracy).
    public mutating func normal() -> Float {
        if let s = spareNormal { spareNormal = nil; return s }
        var u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2 * Foundation.log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = Float(r * Foundation.sin(theta))
        return Float(r * Foundation.cos(theta))
    }

    public mutating func normal(mean: Float, std: Float) -> Float { mean + std * normal() }

    /// Fisher-Yates shuffle, deterministic for a given state.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = int(i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }

    public mutating func shuffled<T>(_ a: [T]) -> [T] { var b = a; shuffle(&b); return b }

    /// A random element of a non-empty array.
    public mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }

    /// Samples an index from unnormalised, non-negative weights (categorical distribution).
    /// Returns the last index with positive weight if rounding leaves the draw past the total.
    public mutating func categorical(_ weights: UnsafeBufferPointer<Float>) -> Int {
        var total: Double = 0
        for w in weights where w > 0 { total += Double(w) }
        precondition(total > 0, "categorical: all weights are zero")
        let u = Double(uniform()) * total
        var acc: Double = 0
        var last = 0
        for (i, w) in weights.enumerated() where w > 0 {
            acc += Double(w)
            last = i
            if u < acc { return i }
        }
        return last
    }

    public mutating func categorical(_ weights: [Float]) -> Int {
        weights.withUnsafeBufferPointer { categorical($0) }
    }

    /// True with probability p.
    public mutating func bernoulli(_ p: Float) -> Bool { uniform() < p }
}
