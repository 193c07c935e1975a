import Core
import Foundation

/// Which implementation of the exercise functions a check runs against.
public enum Flavor: String, Sendable, CaseIterable {
    /// The learner's code in `exercises/` (stubs until they are solved).
    case learner
    /// The reference solutions in `solutions/`.
    case reference
    /// The reference with this one exercise replaced by a plausible wrong answer: the check
    /// must fail on it, which proves the check can fail at all.
    case mutant
    /// The reference with this one exercise replaced by a call to the kit's own implementation:
    /// the check must fail on it, which proves the learner cannot pass by delegating.
    case delegate
}

/// One exercise: a function the learner writes, and the check that grades it.
public struct Exercise: Sendable {
    public let id: String          // "1.3": chapter 1, exercise 3
    public let title: String
    public let file: String        // the file to edit, relative to the package root
    public let symbol: String      // the function to write (for file:line in reports)
    public let hints: [String]     // graded: from a nudge to nearly the answer
    /// What most likely happened when the check's process dies on a signal (a crash prints
    /// nothing of its own), e.g. a recursion that overflows the stack on a deep input.
    public let crashNote: String?
    let body: @Sendable (Flavor) throws -> Void

    public init(_ id: String, _ title: String, file: String, symbol: String, hints: [String], crashNote: String? = nil,
                check: @escaping @Sendable (Flavor) throws -> Void) {
        (self.id, self.title, self.file, self.symbol, self.hints, self.crashNote, self.body) = (id, title, file, symbol, hints, crashNote, check)
    }

    public var chapter: Int { Int(id.split(separator: ".")[0]) ?? 0 }

    /// Runs the check; never throws: a stub's `Todo` is "not started", anything else a failure.
    /// The kit's own implementation of this exercise is watched (`KitAnswer`): code that calls
    /// it fails, whatever numbers it returns.
    public func run(_ flavor: Flavor) -> CheckStatus {
        let recorder = KitAnswer.Recorder(watchingEverything: false)   // each table's functions are watched
        let status: CheckStatus
        do {
            try KitAnswer.$recorder.withValue(recorder) { try body(flavor) }
            status = .passed
        } catch is Todo {
            return .notStarted
        } catch let f as CheckFailure {
            status = .failing(f.message)
        } catch {
            status = .failing("threw \(error)")
        }
        // Delegation comes first: numbers that happen to differ are not the point then.
        let used = recorder.functions(answering: id)
        if !used.isEmpty {
            return .failing("calls the kit's \(used.joined(separator: ", ")), which is this exercise's answer: compute it yourself")
        }
        return status
    }

    /// "exercises/01-autograd/ScalarBackward.swift:17" when the file is found from `root`.
    public func location(root: URL) -> String {
        let url = root.appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return file }
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains("func \(symbol)(") || line.contains("func \(symbol)<") {
            return "\(file):\(i + 1)"
        }
        return file
    }
}

public enum CheckStatus: Equatable, Sendable {
    case passed, notStarted
    case failing(String)

    public var label: String {
        switch self {
        case .passed: "passed"
        case .notStarted: "not started"
        case .failing: "failing"
        }
    }
}

/// A check's verdict that the learner's answer is wrong, with the first mismatch.
public struct CheckFailure: Error {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Assertions for checks: each throws a `CheckFailure` naming what differed.
public enum Expect {
    public static func that(_ ok: Bool, _ message: @autoclosure () -> String) throws {
        if !ok { throw CheckFailure(message()) }
    }

    public static func close(_ actual: Double, _ expected: Double, tolerance: Double = 1e-5, _ what: String) throws {
        let scale = max(1, abs(expected))
        if !(abs(actual - expected) <= tolerance * scale) {
            throw CheckFailure("\(what): expected \(expected), got \(actual)")
        }
    }

    public static func close(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ what: String) throws {
        guard actual.count == expected.count else {
            throw CheckFailure("\(what): expected \(expected.count) values, got \(actual.count)")
        }
        for i in 0..<actual.count {
            let scale = max(1, abs(expected[i]))
            if !(abs(actual[i] - expected[i]) <= tolerance * scale) {
                throw CheckFailure("\(what)[\(i)]: expected \(expected[i]), got \(actual[i])")
            }
        }
    }

    /// `body` must refuse its input by throwing. A stub's `Todo` still reads as exercise `id`
    /// "not started"; any other error is the expected refusal.
    public static func refuses<T>(_ id: String, _ what: String, describe: (T) -> String = { "\($0)" },
                                  _ body: () throws -> T) throws {
        let got: T
        do { got = try body() } catch is Todo { throw Todo(id) } catch { return }
        throw CheckFailure("\(what): expected an error, got \(describe(got))")
    }

    public static func shape(_ actual: [Int], _ expected: [Int], _ what: String) throws {
        if actual != expected { throw CheckFailure("\(what): expected shape \(expected), got \(actual)") }
    }
}
