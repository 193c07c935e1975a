import ArgumentParser
import Checks
import Core
import Foundation

/// `course watch [chapter]`: rustlings' watch mode. Shows the first exercise that does not pass
/// yet and checks it again every time an exercise file is saved, until Ctrl-C.
///
/// The learner's code is compiled into the binary, so every check runs in a freshly built
/// `course` (`swift build`, then `course check ID`): this process only polls modification
/// times (twice a second; no file-system events, no extra dependency) and reports.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Re-check your current exercise every time you save (Ctrl-C to stop).")

    @Argument(help: "Start from this chapter (1-9). Default: the first exercise that does not pass.")
    var chapter: Int?

    @Option(help: "Seconds between two looks at the exercise files.")
    var interval: Double = 0.5

    @Flag(help: .hidden) var once = false

    func run() throws {
        let root = packageRoot()
        guard let (binary, _) = Freshness.binary else { throw CourseError("cannot find the course binary") }
        if let chapter, !(1...9).contains(chapter) { throw CourseError("unknown chapter \(chapter) (expected 1-9)") }
        var seen: [String: Date] = [:]
        print("Watching exercises/ — save a file to check again; Ctrl-C to stop.")
        while true {
            let now = Freshness.snapshot(root)
            if now != seen {
                seen = now
                if !report(root: root, binary: binary) && once { throw ExitCode(1) }
                if once { return }
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// Rebuilds, checks the exercises from `chapter` on in the new binary, and prints the
    /// current one's verdict. True when everything from there on passes.
    func report(root: URL, binary: URL) -> Bool {
        print("\n— \(Self.clock()) —")
        guard Freshness.rebuild(root: root, binary: binary) else {
            print("Your code does not compile yet: the compiler's first error is above.")
            return false
        }
        let exercises = Catalogue.all.filter { $0.chapter >= (chapter ?? 1) }
        var passed = 0
        for e in exercises {
            let status = CheckCommand.runIsolated(e, flavor: .learner)
            if status == .passed { passed += 1; continue }
            print("\(e.id) \(e.title): \(status.label)")
            if case .failing(let m) = status { print("  \(m)") }
            print("  edit \(e.location(root: root)) — `course hint \(e.id)` if stuck")
            print("Progress: \(passed) passed before this one; \(exercises.count - passed) to go.")
            return false
        }
        print("Every exercise\(chapter.map { " from chapter \($0) on" } ?? "") passes. Now watch your code train: `course run CHAPTER --mine`.")
        return true
    }

    static func clock() -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        return f.string(from: Date())
    }
}
