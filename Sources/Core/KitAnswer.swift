import Foundation

/// A tripwire on the kit's implementations of the ideas the exercises ask for.
///
/// An exercise asks the learner to write, say, GAE; the kit has its own `GAE.compute`, and the
/// learner's module can reach it. A check that only compares numbers would pass a stub that
/// calls the kit. So each such kit function reports itself on entry (`KitAnswer.used`), and
/// `Exercise.run` watches for a report carrying its own exercise id while the check runs.
/// Outside a check nobody listens: the cost is one task-local read per call, and no number
/// changes.
public enum KitAnswer {
    /// Collects the kit answers used while a check runs (one per check, so parallel tests
    /// cannot see each other's calls).
    public final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var uses: [(exercise: String, function: String)] = []
        /// While positive, uses are not recorded. A check starts suspended (its own calls to the
        /// kit fetch expected numbers) and `watch` lifts it while the graded function runs.
        fileprivate var suspended: Int

        public init(watchingEverything: Bool = true) { suspended = watchingEverything ? 0 : 1 }

        fileprivate func note(_ exercises: [String], _ function: String) {
            lock.lock(); defer { lock.unlock() }
            if suspended > 0 { return }
            for e in exercises { uses.append((e, function)) }
        }

        fileprivate func suspend(_ delta: Int) { lock.lock(); suspended += delta; lock.unlock() }

        /// The kit functions answering `exercise` that were called, in call order, without repeats.
        public func functions(answering exercise: String) -> [String] {
            lock.lock(); defer { lock.unlock() }
            var seen: [String] = []
            for u in uses where u.exercise == exercise && !seen.contains(u.function) { seen.append(u.function) }
            return seen
        }
    }

    @TaskLocal public static var recorder: Recorder?

    /// Called first thing by a kit function that answers `exercises` ("7.1", or "8.2 8.3" for
    /// several); `function` names it for the learner ("GAE.compute"). Static strings: no
    /// allocation when nobody listens.
    @inline(__always)
    public static func used(_ function: StaticString, answers exercises: StaticString) {
        if let r = recorder { r.note("\(exercises)".split(separator: " ").map(String.init), "\(function)") }
    }

    /// Runs `body` (the graded function) with recording on.
    public static func watch<T>(_ body: () throws -> T) rethrows -> T {
        guard let r = recorder else { return try body() }
        r.suspend(-1)
        defer { r.suspend(1) }
        return try body()
    }

    /// Runs `body` (a check asking the kit for the expected numbers) without recording.
    public static func reference<T>(_ body: () throws -> T) rethrows -> T {
        guard let r = recorder else { return try body() }
        r.suspend(1)
        defer { r.suspend(-1) }
        return try body()
    }
}
