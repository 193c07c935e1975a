import Checks
import Core
import Foundation

/// `course run CHAPTER --mine`: the chapter trains on the learner's own functions wherever it
/// uses one of its exercises (`Catalogue.pluggable`), through `LearnerCode`.
///
/// Only exercises that pass their checks are plugged in: a wrong GAE would not crash, it would
/// train badly and silently. So the run refuses until they pass, and says which.
enum Mine {
    /// The chapter a stage belongs to, from its run name or folder (`rlhf/ppo-rm` → 7).
    static func chapter(of stage: String) -> Int? {
        let name = stage.split(separator: "/").first.map(String.init) ?? stage
        return ChapterMap.all.first { $0.runName == name }?.number
    }

    /// The exercises a run of these stages (folders under runs/) plugs in, in chapter order.
    static func pluggable(stages: [String]) -> [String] {
        var ids: [String] = []
        for s in stages {
            guard let chapter = chapter(of: s) else { continue }
            for id in Catalogue.pluggable(chapter: chapter, stage: s) where !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// Refuses unless every exercise the stages plug in passes its checks (and, for the
    /// learner's code, the build is current).
    static func check(ids: [String], flavor: Flavor, root: URL) throws {
        if flavor == .learner { try Freshness.ensureCurrent(root: root) }
        let unfinished = ids.compactMap { id -> String? in
            guard let e = Catalogue.exercise(id) else { return nil }
            let status = CheckCommand.runIsolated(e, flavor: flavor)
            return status == .passed ? nil : "\(id) \(e.title) (\(status.label))"
        }
        if !unfinished.isEmpty {
            let commands = Set(unfinished.compactMap { $0.split(separator: ".").first }).sorted().map { "course check \($0)" }
            throw CourseError("--mine plugs in exercises \(ids.joined(separator: ", ")); these do not pass yet: \(unfinished.joined(separator: "; ")). Run `\(commands.joined(separator: "`, `"))`.")
        }
    }

    /// The chapter of the stage named `runName`, refusing one without hooks.
    static func pluggableChapter(_ runName: String) throws -> Int {
        guard let chapter = chapter(of: runName), Catalogue.pluggable[chapter] != nil else {
            let supported = Catalogue.pluggable.keys.sorted().compactMap { n in ChapterMap.all.first { $0.number == n }?.runName }
            throw CourseError("--mine: chapter \(runName) does not run on your code yet (available: all, \(supported.joined(separator: ", ")))")
        }
        return chapter
    }

    /// Runs `body` with the functions of `chapter` installed: the learner's (or, for the tests,
    /// the reference solutions).
    static func installed<T>(chapter: Int, flavor: Flavor, _ body: () throws -> T) throws -> T {
        try LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: chapter, flavor: flavor)) { try body() }
    }

    /// `course run CHAPTER --mine`: the stages it reads are built (or reused) on the kit's code,
    /// then the chapter's own stage on the learner's.
    static func run<S: Stage>(_ runName: String, stage: S, flavor: Flavor, root: URL, schedule: Schedule) throws {
        let chapter = try pluggableChapter(runName)
        let ids = Catalogue.pluggable(chapter: chapter, stage: stage.folder)
        try check(ids: ids, flavor: flavor, root: root)
        for d in stage.dependencies { try schedule.ensure(d) }
        print("Training on your code: exercises \(ids.joined(separator: ", ")) replace the kit's implementations.")
        _ = try installed(chapter: chapter, flavor: flavor) { try schedule.build(stage, force: true) }
    }
}
