import Foundation

/// The learner's own implementations, plugged into the chapters by `course run CHAPTER --mine`.
///
/// A kit function that an exercise re-derives (GAE, the KL-shaped rewards, the topological
/// order, ...) first asks here whether the learner's version is installed for its exercise id,
/// and if so returns what that computes. Nothing is installed by default, and then the kit's
/// own code runs unchanged, bit for bit. The table is task-local: it holds for the run that
/// installed it (training loops call these functions from the thread that started the run).
public enum LearnerCode {
    /// Exercise id ("7.1") → the learner's function, with the kit function's own type.
    public struct Table: @unchecked Sendable {
        let functions: [String: Any]
        public init(_ functions: [String: Any]) { self.functions = functions }
        public var ids: [String] { functions.keys.sorted() }
    }

    @TaskLocal public static var installed: Table?

    /// The learner's function for exercise `id`, when a `--mine` run installed one.
    @inline(__always)
    public static func function<F>(_ id: String, as type: F.Type) -> F? {
        guard let table = installed else { return nil }
        return table.functions[id] as? F
    }
}
