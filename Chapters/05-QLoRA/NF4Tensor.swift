import Core

/// A weight stored in NF4: the packed 4-bit codes and the per-block scales, Float32 or
/// double-quantised. It never holds the Float32 weight; `withDequantized` rebuilds it into a
/// transient buffer for the duration of one product.
public final class NF4Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let count: Int
    /// ⌈count/2⌉ bytes, two codes each (first element in the high nibble).
    public let packed: [UInt8]
    /// The block scales: Float32 (`absmax`) or 8-bit with double quantisation (`scales`).
    public let absmax: [Float]?
    public let scales: QuantizedScales?

    // MARK: book nf4-tensor
    public init(_ t: Tensor, doubleQuantization: Bool) {
        shape = t.shape
        count = t.count
        let q = NF4.quantize(UnsafeBufferPointer(start: t.data, count: t.count))
        packed = q.packed
        if doubleQuantization {
            absmax = nil
            scales = QuantizedScales(quantizing: q.absmax)
        } else {
            absmax = q.absmax
            scales = nil
        }
    }

    /// The block scales as Float32 (dequantised first when double-quantised).
    public var blockAbsmax: [Float] { absmax ?? scales!.dequantized() }

    /// Runs `body` with the dequantised weight in a buffer that is freed right after.
    public func withDequantized<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        defer { buffer.deallocate() }
        if let mine = LearnerCode.function("nf4Dequantize", as: NF4DequantizeFunction.self), scales != nil { return try body(learnerDequantize(mine, into: buffer)) }
        let scales = blockAbsmax
        packed.withUnsafeBufferPointer { p in
            scales.withUnsafeBufferPointer { a in NF4.dequantize(packed: p, absmax: a, count: count, into: buffer) }
        }
        return try body(buffer)
    }
    // MARK: end

    /// A Float32 copy (tests, statistics, merging back into a full-precision model).
    public func dequantized() -> Tensor {
        let t = Tensor(uninitialized: shape)
        withDequantized { t.data.update(from: $0, count: count) }
        return t
    }

    // MARK: book nf4-bits
    /// Exact storage: 4 bits per value (padded to whole bytes) plus the scales: 32 bits per
    /// 64-block, or with double quantisation 8 bits per 64-block + 32 per 256 blocks + 32 for
    /// the mean. The 16- and 256-entry code tables are shared by every tensor and not counted.
    public var storageBits: Int {
        KitAnswer.used("NF4Tensor.storageBits", answers: "5.4")
        if let mine = LearnerCode.function("nf4StorageBits", as: NF4StorageBitsFunction.self) { return mine(count, scales != nil) }
        return packed.count * 8 + (scales?.storageBits ?? absmax!.count * 32)
    }

    public var bitsPerParameter: Double { Double(storageBits) / Double(max(count, 1)) }
    // MARK: end
}

extension NF4Tensor {
    /// The weight dequantised by the learner's function (exercise 5.2), which reads the
    /// double-quantised scales as stored.
    func learnerDequantize(_ mine: NF4DequantizeFunction, into buffer: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        let values = mine(packed, count, scales!.codes, scales!.blockScales, scales!.offset, NF4.code, DynamicMap.code)
        precondition(values.count == count, "nf4Dequantize returned \(values.count) values for \(count)")
        buffer.update(from: values, count: count)
        return buffer
    }
}
