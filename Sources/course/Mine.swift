import Checks
import Core
import Foundation

/// `course run CHAPTER --mine`: the chapter trains on the learner's own functions wherever it
/// uses one of its exercises (`Catalogue.pluggable`), through `LearnerCode`.
///
/// Only exercises that pass their checks are plugged in: a wrong GAE would not crash, it would
/// train badly and silently. So the run refuses until they pass, and says which.
enum Mine {
    /// Runs `body` with the learner's functions (or the reference solutions, for the tests)
    /// installed for the chapter named `runName`.
    static func run<T>(_ runName: String, flavor: Flavor, root: URL, _ body: () throws -> T) throws -> T {
        guard let chapter = ChapterMap.all.first(where: { $0.runName == runName })?.number,
              let ids = Catalogue.pluggable[chapter] else {
            let supported = Catalogue.pluggable.keys.sorted().compactMap { n in ChapterMap.all.first { $0.number == n }?.runName }
            throw CourseError("--mine: chapter \(runName) does not run on your code yet (available: \(supported.joined(separator: ", ")))")
        }
        if flavor == .learner { try Freshness.ensureCurrent(root: root) }
        let unfinished = ids.compactMap { id -> String? in
            guard let e = Catalogue.exercise(id) else { return nil }
            let status = CheckCommand.runIsolated(e, flavor: flavor)
            return status == .passed ? nil : "\(id) \(e.title) (\(status.label))"
        }
        if !unfinished.isEmpty {
            throw CourseError("--mine plugs in exercises \(ids.joined(separator: ", ")); these do not pass yet: \(unfinished.joined(separator: "; ")). Run `course check \(chapter)`.")
        }
        print("Training on your code: exercises \(ids.joined(separator: ", ")) replace the kit's implementations.")
        return try LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: chapter, flavor: flavor)) { try body() }
    }
}
