import Core

/// NF4, the 4-bit "NormalFloat" data type of QLoRA (Dettmers et al. 2023), as bitsandbytes
/// implements it (`quantize_4bit(quant_type="nf4", blocksize=64)`).
///
/// The 16 code values are quantiles of a standard normal rescaled to [-1, 1], with an exact
/// zero: weights of a trained network are roughly normal, so each code is used about equally
/// often. A tensor is cut into blocks of 64 consecutive values (row-major); each block keeps
/// its absolute maximum as a Float32 scale, and each value becomes the index of the code
/// nearest to x / absmax. Two indices share a byte, the first one in the HIGH nibble.
public enum NF4 {
    // MARK: book nf4-code
    /// bitsandbytes' NF4 values, index 0...15.
    public static let code: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
        0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
        0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    ]
    /// Midpoints between neighbouring codes, computed in Float32 as bitsandbytes does.
    public static let midpoints: [Float] = (0..<15).map { (code[$0] + code[$0 + 1]) / 2 }

    /// Values per absmax block.
    public static let blockSize = 64

    /// The nearest code to v ∈ [-1, 1]: the number of midpoints strictly below v, so a value
    /// exactly on a midpoint goes to the lower index (torch.bucketize, as bitsandbytes).
    /// A binary search: four comparisons.
    @inline(__always)
    public static func index(_ v: Float) -> UInt8 {
        var i = 0
        var step = 8
        while step > 0 {
            if v > midpoints[i + step - 1] { i += step }
            step >>= 1
        }
        return UInt8(i)
    }
    // MARK: end

    // MARK: book nf4-quantize
    /// Quantises `x` (any length n) in blocks of `blockSize` values (the last one may be
    /// shorter): returns ⌈n/2⌉ packed bytes and one absmax per block. Each value is scaled by the
    /// reciprocal of its block's absmax and clamped to [-1, 1] (bitsandbytes' CPU path:
    /// `A * (1 / absmax)`). An all-zero block keeps absmax 0 and code 7 (the value 0). Value i
    /// goes to byte i/2 whatever its block; an odd count is padded with a 0 in the last low nibble.
    public static func quantize(_ x: UnsafeBufferPointer<Float>, blockSize: Int = Self.blockSize) -> (packed: [UInt8], absmax: [Float]) {
        KitAnswer.used("NF4.quantize", answers: "5.1")
        if let mine = LearnerCode.function("nf4Quantize", as: NF4QuantizeFunction.self) { return mine(Array(x), code, blockSize) }
        precondition(blockSize >= 1, "NF4.quantize: blockSize must be at least 1, got \(blockSize)")
        let n = x.count
        let blocks = (n + blockSize - 1) / blockSize
        var absmax = [Float](repeating: 0, count: blocks)
        var packed = [UInt8](repeating: 0, count: (n + 1) / 2)
        packed.withUnsafeMutableBufferPointer { out in
            for b in 0..<blocks {
                let range = (b * blockSize)..<min((b + 1) * blockSize, n)
                var m: Float = 0
                for i in range { m = max(m, abs(x[i])) }
                absmax[b] = m
                let inv = m > 0 ? 1 / m : 0
                for i in range {
                    let q = index(min(max(x[i] * inv, -1), 1))
                    // even i -> high nibble, odd i -> low nibble
                    out[i >> 1] |= (i & 1 == 0) ? q << 4 : q
                }
            }
            if n % 2 == 1 { out[n >> 1] |= 7 }   // padding: the code of 0
        }
        return (packed, absmax)
    }

    /// The 4-bit index of element i of a packed array.
    @inline(__always)
    public static func unpack(_ packed: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let byte = packed[i >> 1]
        return Int(i & 1 == 0 ? byte >> 4 : byte & 0x0F)
    }

    /// x̂[i] = code[index i] · absmax[i / 64], written to `out` (n values).
    public static func dequantize(packed: UnsafeBufferPointer<UInt8>, absmax: UnsafeBufferPointer<Float>,
                                  count n: Int, into out: UnsafeMutablePointer<Float>) {
        KitAnswer.used("NF4.dequantize", answers: "5.2")
        code.withUnsafeBufferPointer { c in
            for b in 0..<((n + blockSize - 1) / blockSize) {
                let scale = absmax[b]
                for i in (b * blockSize)..<min((b + 1) * blockSize, n) { out[i] = c[unpack(packed, i)] * scale }
            }
        }
    }
    // MARK: end

    /// Array conveniences (tests, exercises, the book's worked example).
    public static func quantize(_ x: [Float], blockSize: Int = Self.blockSize) -> (packed: [UInt8], absmax: [Float]) {
        x.withUnsafeBufferPointer { quantize($0, blockSize: blockSize) }
    }

    public static func dequantize(packed: [UInt8], absmax: [Float], count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        packed.withUnsafeBufferPointer { p in
            absmax.withUnsafeBufferPointer { a in
                out.withUnsafeMutableBufferPointer { dequantize(packed: p, absmax: a, count: count, into: $0.baseAddress!) }
            }
        }
        return out
    }
}

// The shapes of the functions a learner plugs in with `course run qlora --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias NF4QuantizeFunction = ([Float], [Float], Int) -> (packed: [UInt8], absmax: [Float])
public typealias NF4DequantizeFunction = ([UInt8], Int, [UInt8], [Float], Float, [Float], [Float]) -> [Float]
public typealias DoubleQuantizeFunction = ([Float], [Float]) -> (codes: [UInt8], scales: [Float], offset: Float)
public typealias NF4StorageBitsFunction = (Int, Bool) -> Int
