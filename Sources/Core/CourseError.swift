import Foundation

/// The kit's one error type for bad input and failed operations. Its description is a single
/// line that names the file (and line, column or tensor) so a learner knows what to fix.
public struct CourseError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }

    /// An error about one place in a file: "data.jsonl:12: missing key \"rejected\"".
    public init(file: String, line: Int? = nil, _ message: String) {
        if let line { self.message = "\(file):\(line): \(message)" } else { self.message = "\(file): \(message)" }
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// Thrown by an exercise stub the learner has not written yet. The checks report it as
/// "not started" instead of a failure, and nothing crashes.
public struct Todo: Error, CustomStringConvertible {
    public var exercise: String
    public init(_ exercise: String) { self.exercise = exercise }
    public var description: String { "exercise \(exercise) is not implemented yet" }
}
