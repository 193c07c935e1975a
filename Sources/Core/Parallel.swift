import Dispatch
import Foundation

/// Splits independent work over the machine's cores. Only for loops whose every output
/// element is computed from its own inputs (rows of a softmax, elements of a GELU): the result
/// is bit-identical whatever the thread count, so determinism holds.
public enum Parallel {
    /// Threads the kit's loops (and, under `BLAS.threading` = `kit`, its matrix products) use:
    /// the machine's cores, or `COURSE_THREADS` when set (to compare thread counts, or to leave
    /// cores to other work).
    public static let cores: Int = {
        if let s = ProcessInfo.processInfo.environment["COURSE_THREADS"], let n = Int(s), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Calls `body` on contiguous sub-ranges of 0..<n, in parallel when each part would get at
    /// least `grain` items (small loops are not worth waking a thread for).
    @inlinable
    public static func forRanges(_ n: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(cores, n / max(grain, 1))
        if parts <= 1 { body(0..<n); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                box.value((n * p / parts)..<(n * (p + 1) / parts))
            }
        }
    }

    /// The grain, in rows, of a row-wise kernel whose parts should each hold at least
    /// `elements` elements of rows `cols` wide: max(1, elements / cols). Kernels name their
    /// `elements` (`Softmax.rowsGrainElements`, ...) with the reason for the size.
    @inlinable
    public static func rowGrain(cols: Int, elements: Int) -> Int { max(1, elements / max(cols, 1)) }
}

/// Carries a value into a concurrent closure; the caller guarantees the parts touch disjoint
/// memory.
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
