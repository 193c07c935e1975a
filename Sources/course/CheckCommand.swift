import ArgumentParser
import Checks
import Core
import Foundation

/// `course check [chapter]`: grades the learner's exercises and prints a progress table.
/// Each exercise runs in a child process, so a crash in the learner's code (an index out of
/// range, a force unwrap) marks that one exercise as failing instead of ending the run.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check your exercises (all, one chapter, or one exercise like 1.3).")

    @Argument(help: "A chapter number (1-9) or an exercise id (1.3). Default: every chapter.")
    var target: String?

    @Option(help: "Grade the reference solutions or the mutants instead (for maintainers).")
    var flavor: String = "learner"

    @Flag(help: "Print one JSON line per exercise.")
    var json = false

    @Flag(name: .customLong("one"), help: .hidden)
    var runOneInProcess = false

    func run() throws {
        guard let flv = Flavor(rawValue: flavor) else { throw CourseError("unknown --flavor \(flavor) (learner, reference, mutant)") }
        let exercises = try Self.select(target)
        if runOneInProcess, let e = exercises.first {
            let status = e.run(flv)
            print(Self.jsonLine(e, status, location: e.id))
            return
        }
        let root = packageRoot()
        try Freshness.ensureCurrent(root: root)
        var results: [(Exercise, CheckStatus)] = []
        for e in exercises {
            let status = Self.runIsolated(e, flavor: flv)
            results.append((e, status))
            if json { print(Self.jsonLine(e, status, location: e.location(root: root))) }
        }
        if !json { printTable(results, root: root) }
        if results.contains(where: { $0.1 != .passed }) && target != nil { throw ExitCode(1) }
    }

    static func select(_ target: String?) throws -> [Exercise] {
        guard let target else { return Catalogue.all }
        if target.contains(".") {
            guard let e = Catalogue.exercise(target) else { throw CourseError("no exercise \(target) (try `course list`)") }
            return [e]
        }
        guard let n = Int(target), (1...9).contains(n) else { throw CourseError("unknown chapter \"\(target)\" (expected 1-9 or an id like 1.3)") }
        let list = Catalogue.chapter(n)
        if list.isEmpty { throw CourseError("chapter \(n) has no exercises yet") }
        return list
    }

    static func runIsolated(_ e: Exercise, flavor: Flavor) -> CheckStatus {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: p.executableURL!.path) { return e.run(flavor) }
        p.arguments = ["check", e.id, "--one", "--flavor", flavor.rawValue]
        let out = Pipe()
        p.standardOutput = out
        do { try p.run() } catch { return e.run(flavor) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationReason == .uncaughtSignal {
            return .failing("crashed (signal \(p.terminationStatus)); " + (e.crashNote ?? "the error is printed above"))
        }
        guard let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else {
            return .failing("the check produced no result")
        }
        switch obj["status"] {
        case "passed": return .passed
        case "not started": return .notStarted
        default: return .failing(obj["message"] ?? "failed")
        }
    }

    static func jsonLine(_ e: Exercise, _ s: CheckStatus, location: String) -> String {
        var obj = ["id": e.id, "title": e.title, "status": s.label, "file": location]
        if case .failing(let m) = s { obj["message"] = m }
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    func printTable(_ results: [(Exercise, CheckStatus)], root: URL) {
        let mark: (CheckStatus) -> String = { s in
            switch s { case .passed: "✔ passed"; case .notStarted: "· not started"; case .failing: "✘ failing" }
        }
        for (e, s) in results {
            print("\(e.id.padding(toLength: 5, withPad: " ", startingAt: 0)) \(mark(s).padding(toLength: 14, withPad: " ", startingAt: 0)) \(e.title)")
            if case .failing(let m) = s {
                print("      \(m)")
                print("      edit \(e.location(root: root))")
            }
        }
        let done = results.filter { $0.1 == .passed }.count
        print("\nProgress: \(done)/\(results.count) exercises passed")
        if let next = results.first(where: { $0.1 != .passed })?.0 {
            print("Next: \(next.id) \(next.title) — open \(next.location(root: root)); `course hint \(next.id)` if stuck.")
        }
    }
}

/// `course hint 1.3 [--level N]`: graded hints, from a nudge to nearly the answer.
struct HintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hint", abstract: "Show graded hints for an exercise.")

    @Argument(help: "The exercise id, like 1.3.") var id: String
    @Option(help: "How many hints to show (1 = the gentlest).") var level: Int = 1

    func run() throws {
        guard let e = Catalogue.exercise(id) else { throw CourseError("no exercise \(id) (try `course list`)") }
        guard (1...e.hints.count).contains(level) else {
            throw CourseError("exercise \(id) has hint levels 1 to \(e.hints.count); level \(level) does not exist (after the last hint comes the solution: solutions/\(e.file.dropFirst("exercises/".count)))")
        }
        let n = level
        print("\(e.id) \(e.title) — \(e.location(root: packageRoot()))")
        for i in 0..<n { print("  hint \(i + 1)/\(e.hints.count): \(e.hints[i])") }
        if n < e.hints.count { print("  (more: course hint \(id) --level \(n + 1))") }
        else { print("  (that was the last hint; the next step is the solution, in solutions/\(e.file.dropFirst("exercises/".count)))") }
    }
}

/// `course list`: the chapters, what each trains, and exercise progress.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the chapters and your exercise progress.")

    func run() throws {
        try Freshness.ensureCurrent(root: packageRoot())
        for c in ChapterMap.all {
            let ex = Catalogue.chapter(c.number)
            let passed = ex.filter { CheckCommand.runIsolated($0, flavor: .learner) == .passed }.count
            let progress = ex.isEmpty ? "no exercises yet" : "\(passed)/\(ex.count) exercises"
            print("\(c.number). \(c.title.padding(toLength: 16, withPad: " ", startingAt: 0)) course run \(c.runName.padding(toLength: 13, withPad: " ", startingAt: 0)) \(progress)")
        }
    }
}

/// The folder holding Package.swift (searched upwards from the working directory), so
/// exercise paths print as clickable file:line locations.
func packageRoot() -> URL {
    var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<8 {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        url.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}
