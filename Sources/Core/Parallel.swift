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

extension Parallel {
    /// Runs `n` independent tasks (each touching only its own state, e.g. one model each) on up
    /// to `cores` threads, and returns their results in order. The first error is rethrown
    /// after every task has finished.
    public static func map<T>(_ n: Int, _ body: (Int) throws -> T) throws -> [T] {
        if cores <= 1 || n <= 1 { return try (0..<n).map(body) }
        let queue = WorkQueue<T>(n)
        // The tasks run on other threads, which do not inherit task-local values: the learner's
        // functions of a `--mine` run are installed again on each.
        let learner = UncheckedSendable(LearnerCode.installed)
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: min(cores, n)) { _ in
                LearnerCode.$installed.withValue(learner.value) {
                    while let i = queue.take() { queue.put(i, Result { try box.value(i) }) }
                }
            }
        }
        return try queue.results.map { try $0!.get() }
    }
}

/// The shared state of `Parallel.map`: the next task to hand out and the results, behind a lock.
final class WorkQueue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let n: Int
    private(set) var results: [Result<T, Error>?]
    init(_ n: Int) { self.n = n; results = Array(repeating: nil, count: n) }
    func take() -> Int? { lock.withLock { next < n ? { next += 1; return next - 1 }() : nil } }
    func put(_ i: Int, _ r: Result<T, Error>) { lock.withLock { results[i] = r } }
}
