import Foundation

/// The learner's own implementations, plugged into the chapters by `course run CHAPTER --mine`.
///
/// A kit function that an exercise re-derives (GAE, the KL-shaped rewards, the topological
/// order, ...) first asks here whether the learner's version of it is installed, and if so
/// returns what that computes. Nothing is installed by default, and then the kit's
/// own code runs unchanged, bit for bit. The table is task-local: it holds for the run that
/// installed it (training loops call these functions from the thread that started the run).
public enum LearnerCode {
    /// The kit function's name ("gae") → the learner's function, with the kit function's type.
    public struct Table: @unchecked Sendable {
        let functions: [String: Any]
        public init(_ functions: [String: Any]) { self.functions = functions }
        public var ids: [String] { functions.keys.sorted() }
    }

    @TaskLocal public static var installed: Table?

    /// The learner's version of the kit function `name`, when a `--mine` run installed one.
    @inline(__always)
    public static func function<F>(_ name: String, as type: F.Type) -> F? {
        guard let table = installed else { return nil }
        return table.functions[name] as? F
    }
}
