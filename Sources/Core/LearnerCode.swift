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

extension LearnerCode {
    /// Where the learner's function gives the values and the kit's autograd the gradient
    /// (exercises that return no gradient), the two must describe the same function: the kit's
    /// gradient is only right for the learner's values if the values agree. A disagreement the
    /// checks missed stops the run and names the exercise, rather than training on a mismatch.
    public static func requireAgreement(_ mine: UnsafeBufferPointer<Float>, _ kit: UnsafeBufferPointer<Float>,
                                        exercise: String, what: String, tolerance: Float = 1e-3) {
        precondition(mine.count == kit.count, "exercise \(exercise): \(what) has \(mine.count) values, the kit's \(kit.count)")
        for i in 0..<mine.count {
            let (a, b) = (mine[i], kit[i])
            if a == b { continue }   // also equal infinities (masked scores)
            guard abs(a - b) <= tolerance * (1 + abs(b)) else {
                fatalError("exercise \(exercise): \(what)[\(i)] is \(a) with your code, \(b) with the kit's; the checks passed, so this is a case they did not cover")
            }
        }
    }

    public static func requireAgreement(_ mine: [Float], _ kit: [Float], exercise: String, what: String, tolerance: Float = 1e-3) {
        mine.withUnsafeBufferPointer { m in kit.withUnsafeBufferPointer { k in
            requireAgreement(m, k, exercise: exercise, what: what, tolerance: tolerance)
        } }
    }
}
