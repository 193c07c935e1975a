import Core
import Foundation

/// Is this `course` binary built from the learner's current code?
///
/// The learner's exercises are compiled into the binary, so a binary older than an exercise
/// file grades old code: after an edit, `.build/release/course check` would still say
/// "not started". `swift run` rebuilds before it runs; a binary started directly rebuilds
/// itself (`swift build`, the same configuration) and runs again, or, with
/// `COURSE_NO_REBUILD=1`, grades what it has and says that it is stale.
enum Freshness {
    /// The exercise sources newer than `date`, as paths relative to `root`, sorted.
    static func files(in root: URL, newerThan date: Date) -> [String] {
        let folder = root.appendingPathComponent("exercises")
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey]) else { return [] }
        var out: [String] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            if let m = modified(url), m > date { out.append("exercises/" + url.path.dropFirst(folder.path.count + 1)) }
        }
        return out.sorted()
    }

    /// Every exercise source with its modification date: what `course watch` polls.
    static func snapshot(_ root: URL) -> [String: Date] {
        Dictionary(uniqueKeysWithValues: files(in: root, newerThan: .distantPast).map {
            ($0, modified(root.appendingPathComponent($0)) ?? .distantPast)
        })
    }

    static func modified(_ url: URL) -> Date? {
        (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
    }

    /// The running executable and when it was last known to match the sources: its own date,
    /// or the stamp written after a rebuild (a rebuild that changed nothing leaves the binary
    /// untouched, though it is current).
    static var binary: (url: URL, built: Date)? {
        guard let url = Bundle.main.executableURL?.resolvingSymlinksInPath(), let built = modified(url) else { return nil }
        return (url, max(built, modified(stamp(for: url)) ?? .distantPast))
    }

    static func stamp(for binary: URL) -> URL { binary.appendingPathExtension("current") }

    /// `swift build` for the configuration this binary was built in (release when it lives in a
    /// release folder), printing the compiler's output; false when the build failed.
    static func rebuild(root: URL, binary: URL) -> Bool {
        let release = binary.path.contains("/release/")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swift", "build", "--product", "course"] + (release ? ["-c", "release"] : [])
        p.currentDirectoryURL = root
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return false }
        _ = FileManager.default.createFile(atPath: stamp(for: binary).path, contents: Data())
        return true
    }

    /// Before grading: when an exercise file is newer than this binary, rebuild and run the
    /// same command again with the new binary (its exit status becomes ours). Returns when the
    /// binary is current, or when rebuilding is switched off (after a warning).
    static func ensureCurrent(root: URL) throws {
        let env = ProcessInfo.processInfo.environment
        guard env["COURSE_REBUILT"] == nil, let (binary, built) = binary else { return }
        let stale = files(in: root, newerThan: built)
        guard !stale.isEmpty else { return }
        let list = stale.prefix(3).joined(separator: ", ") + (stale.count > 3 ? " and \(stale.count - 3) more" : "")
        if env["COURSE_NO_REBUILD"] != nil {
            FileHandle.standardError.write(Data("warning: \(list) changed after this binary was built: these results grade the old code. Run `swift run course ...` or `swift build` first.\n".utf8))
            return
        }
        FileHandle.standardError.write(Data("\(list) changed since this binary was built: rebuilding...\n".utf8))
        guard rebuild(root: root, binary: binary) else {
            throw CourseError("the build failed: fix the compiler errors above, then check again")
        }
        let p = Process()
        p.executableURL = binary
        p.arguments = Array(CommandLine.arguments.dropFirst())
        p.environment = env.merging(["COURSE_REBUILT": "1"]) { $1 }
        try p.run()
        p.waitUntilExit()
        exit(p.terminationStatus)
    }
}
