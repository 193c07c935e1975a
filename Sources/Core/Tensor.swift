import Foundation

#if os(Linux)
/// glibc's mallopt (declared in malloc.h, which Swift's Glibc module does not export).
@_silgen_name("mallopt") private func mallopt(_ param: Int32, _ value: Int32) -> Int32
private let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_THRESHOLD: Int32 = -3
#endif

/// Raw Float32 memory owned by a class, so hot loops run over a pointer (a loop over a Swift
/// `Array` stored in a class property is ~100x slower on these machines).
public final class Storage {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// Zero-filled memory, or uninitialised when the caller overwrites every element (a BLAS
    /// product with beta = 0): skipping the fill saves a pass over memory.
    public init(count: Int, zeroed: Bool = true) {
        _ = Storage.allocatorTuned
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }
    deinit { pointer.deallocate() }

    /// glibc returns large blocks (>128 KiB) to the OS on every free and maps them again on
    /// the next malloc, so a training step that allocates the same activations each time pays
    /// page faults on all of them. Raising the thresholds keeps freed blocks for reuse (PyTorch
    /// keeps a caching allocator for the same reason). Measured: ~1.3x on 256x256 products.
    static let allocatorTuned: Void = {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
    }()
}

/// A contiguous, row-major Float32 tensor with a shape. A reference type: kernels write into
/// tensors in place (optimiser steps, gradient accumulation); `reshaped` returns a view that
/// shares storage.
public final class Tensor: CustomStringConvertible {
    public let shape: [Int]
    public let storage: Storage
    // Accessors used inside every hot loop are @inlinable: without it, a loop in another file
    // or module calls a getter per element (measured: 10x slower generation in a debug build).
    /// Number of elements (product of the shape; 1 for a scalar of shape []).
    @inlinable public var count: Int { storage.count }
    @inlinable public var data: UnsafeMutablePointer<Float> { storage.pointer }
    @inlinable public var rank: Int { shape.count }

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        self.shape = shape
        storage = Storage(count: Tensor.numel(shape))
    }

    /// A tensor whose contents are garbage until written: only for kernels that overwrite
    /// every element.
    public init(uninitialized shape: [Int]) {
        self.shape = shape
        storage = Storage(count: Tensor.numel(shape), zeroed: false)
    }

    public convenience init(_ shape: [Int], _ values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count,
                     "Tensor(\(shape)): \(values.count) values given, shape needs \(count)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    public convenience init(repeating v: Float, _ shape: [Int]) {
        self.init(zeros: shape)
        fill(v)
    }

    public convenience init(scalar v: Float) { self.init([], [v]) }

    init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    /// Product of dimensions, with overflow and negative sizes reported, not trapped.
    public static func checkedNumel(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (m, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = m
        }
        return n
    }

    static func numel(_ shape: [Int]) -> Int {
        guard let n = checkedNumel(shape) else { preconditionFailure("invalid tensor shape \(shape)") }
        return n
    }

    /// A view with another shape over the same storage (same element count).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let rest = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            s[i] = rest == 0 ? 0 : count / rest
        }
        precondition(Tensor.numel(s) == count, "reshape: cannot view \(shape) as \(newShape)")
        return Tensor(shape: s, storage: storage)
    }

    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)   // every element is overwritten: no zero-fill pass
        t.data.update(from: data, count: count)
        return t
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }
    public var scalar: Float {
        precondition(count == 1, "scalar: tensor of shape \(shape) has \(count) elements")
        return data[0]
    }

    @inlinable public subscript(i: Int) -> Float {
        get { data[i] }
        set { data[i] = newValue }
    }

    public func fill(_ v: Float) { data.update(repeating: v, count: count) }

    /// Size of the last axis, and the number of rows above it ([B, T, C] -> rows B*T, cols C).
    @inlinable public var lastDim: Int { shape.last ?? 1 }
    @inlinable public var rows: Int { lastDim == 0 ? 0 : count / lastDim }

    public var description: String {
        let head = array.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(count > 8 ? ", …" : "")]"
    }

    /// Stable bitwise equality (for determinism tests and checkpoints).
    public func bitwiseEqual(_ other: Tensor) -> Bool {
        shape == other.shape && memcmp(data, other.data, count * 4) == 0
    }
}

/// Shape checks that name the operation and both shapes, instead of a bare precondition.
@inline(__always)
public func requireShape(_ ok: Bool, _ op: @autoclosure () -> String,
                         _ a: @autoclosure () -> [Int], _ b: @autoclosure () -> [Int]) {
    if !ok { preconditionFailure("\(op()): incompatible shapes \(a()) and \(b())") }
}
