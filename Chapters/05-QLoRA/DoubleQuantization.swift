import Core

/// Double quantisation (QLoRA §3): the Float32 absmax of every 64-value block costs
/// 32/64 = 0.5 bits per parameter; quantising those scales to 8 bits brings it to
/// 8/64 + 32/(64·256) ≈ 0.127 bits.
///
/// As bitsandbytes (`quantize_4bit(compress_statistics=True)`): subtract the mean of the
/// absmax values (they are all positive, so centring them uses the signed code's full range),
/// then quantise blockwise, 256 values per block, each block with its own Float32 absmax,
/// to the nearest value of bitsandbytes' signed dynamic 8-bit code (`DynamicMap.code`; ties
/// go to the lower index). Dequantise: code[q] · absmax₂[block] + mean.
///
/// Two deliberate, documented differences from bitsandbytes' CPU kernels: the mean is
/// accumulated in Float64 (torch sums Float32 pairwise, so the last bit can differ), and the
/// nearest code is exact (bitsandbytes' search can pick the neighbour for values within about
/// 1e-6 of a midpoint). The tests check both against bitsandbytes' own output.
public struct QuantizedScales: Sendable, Equatable {
    /// One 8-bit index per absmax value.
    public var codes: [UInt8]
    /// One Float32 scale per block of 256 absmax values.
    public var blockScales: [Float]
    /// The mean that was subtracted.
    public var offset: Float
    public static let blockSize = 256

    /// A quantised state as stored (for example bitsandbytes' `absmax`, `state2.absmax`, `offset`).
    public init(codes: [UInt8], blockScales: [Float], offset: Float) {
        (self.codes, self.blockScales, self.offset) = (codes, blockScales, offset)
    }

    // MARK: book double-quant
    public init(quantizing values: [Float]) {
        if let mine = LearnerCode.function("doubleQuantize", as: DoubleQuantizeFunction.self) { self = Self.learner(values, mine); return }
        var sum = 0.0
        for v in values { sum += Double(v) }
        self.init(quantizing: values, offset: values.isEmpty ? 0 : Float(sum / Double(values.count)))
    }

    /// With a given offset (tests feed bitsandbytes' own mean to compare the 8-bit step alone).
    public init(quantizing values: [Float], offset: Float) {
        KitAnswer.used("QuantizedScales.init", answers: "5.3")
        let n = values.count
        let mids = QuantizedScales.midpoints
        var codes = [UInt8](repeating: 0, count: n)
        var scales: [Float] = []
        for start in stride(from: 0, to: n, by: Self.blockSize) {
            let block = start..<min(start + Self.blockSize, n)
            var m: Float = 0
            for i in block { m = max(m, abs(values[i] - offset)) }
            scales.append(m)
            for i in block {
                // Division, as bitsandbytes' CPU blockwise kernel; an all-equal block gives 0/0
                // and takes the code of 0 (index 127) instead.
                let v = m > 0 ? (values[i] - offset) / m : 0
                codes[i] = QuantizedScales.nearest(v, mids)
            }
        }
        (self.codes, self.blockScales, self.offset) = (codes, scales, offset)
    }

    /// Index of the nearest code: the number of midpoints strictly below v (binary search).
    static func nearest(_ v: Float, _ mids: [Float]) -> UInt8 {
        var lo = 0, hi = mids.count       // answer in lo...hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if v > mids[mid] { lo = mid + 1 } else { hi = mid }
        }
        return UInt8(lo)
    }

    /// The absmax values back: code[q] · scale + offset, in Float32 as bitsandbytes does.
    public func dequantized() -> [Float] {
        KitAnswer.used("QuantizedScales.dequantized", answers: "5.2")
        let code = DynamicMap.code
        return codes.indices.map { i in code[Int(codes[i])] * blockScales[i / Self.blockSize] + offset }
    }
    // MARK: end

    /// Midpoints between neighbouring values of the 8-bit code (Float32).
    static let midpoints: [Float] = {
        let c = DynamicMap.code
        return (0..<(c.count - 1)).map { (c[$0] + c[$0 + 1]) / 2 }
    }()

    /// Bits to store: 8 per value, 32 per block scale, 32 for the offset.
    public var storageBits: Int { codes.count * 8 + blockScales.count * 32 + 32 }
}

extension QuantizedScales {
    /// The block scales double-quantised by the learner's function (exercise 5.3).
    static func learner(_ values: [Float], _ mine: DoubleQuantizeFunction) -> QuantizedScales {
        let q = mine(values, DynamicMap.code)
        return QuantizedScales(codes: q.codes, blockScales: q.scales, offset: q.offset)
    }
}
