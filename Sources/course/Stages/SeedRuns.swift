import Core
import Foundation

/// `course run all --seeds 1,2,3`: the chain once per training seed, then a report across seeds.
///
/// The first seed runs in `runs/` itself (so an existing default run is reused as it is); each
/// further seed runs in `runs/seed-N/` and fine-tunes the first seed's pretrained model, as a
/// team fine-tunes one released checkpoint. Every seed is measured on the same test prompts,
/// so differences between methods can be paired over prompts and seeds.
enum SeedRuns {
    static func parse(_ list: String) throws -> [UInt64] {
        let seeds = list.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !seeds.isEmpty, seeds.allSatisfy({ $0 != nil }) else {
            throw CourseError("--seeds takes comma-separated whole numbers, e.g. 1,2,3 (got \"\(list)\")")
        }
        let values = seeds.compactMap { $0 }
        guard Set(values).count == values.count else { throw CourseError("--seeds lists a seed twice: \(list)") }
        return values
    }

    /// The runs folder of the `i`-th seed.
    static func folder(_ runs: URL, seeds: [UInt64], index i: Int) -> URL {
        i == 0 ? runs : runs.appendingPathComponent("seed-\(seeds[i])")
    }

    /// The schedule of the `i`-th seed: its own runs folder, the first seed's pretrained model.
    static func schedule(_ base: Schedule, seeds: [UInt64], index i: Int) -> Schedule {
        var s = Schedule(runs: folder(base.runs, seeds: seeds, index: i), preset: base.preset, seed: seeds[i],
                         resume: base.resume, base: base.base)
        s.dataSeed = base.dataSeed
        s.language = base.language
        s.policyChange = base.policyChange
        if i > 0 { s.sharedPretraining = (base.runs, seeds[0]) }
        return s
    }

    static func run(_ seeds: [UInt64], schedule: Schedule) throws {
        for (i, seed) in seeds.enumerated() {
            print("==== seed \(seed) (\(i + 1) of \(seeds.count)) ====")
            try RunCommand.runAll(Self.schedule(schedule, seeds: seeds, index: i))
        }
        let report = try SeedsReport(runs: schedule.runs, seeds: seeds, schedule: schedule)
        try report.write()
        print(report.summary)
    }
}

extension SeedRuns {
    /// `course run dpo-controls --seeds 1,2,3`: the study once per seed (a seed already built with
    /// these settings is reused; each seed fine-tunes its own SFT model from the first seed's
    /// pretrained one, as `course run all --seeds` does), then results.md across the seeds, in
    /// the first seed's folder.
    static func runControls(_ stage: DPOControlsStage, seeds: [UInt64], schedule: Schedule) throws {
        var folders: [URL] = []
        for (i, seed) in seeds.enumerated() {
            print("==== seed \(seed) (\(i + 1) of \(seeds.count)) ====")
            let s = Self.schedule(schedule, seeds: seeds, index: i)
            try s.reuseOrBuild(stage)
            folders.append(s.folder(of: stage))
        }
        let spec = try RunSpec(dir: folders[0], preset: schedule.preset, seed: seeds[0], dataSeed: schedule.dataSeed,
                               language: schedule.language, policyChange: schedule.policyChange)
        let report = try DPOControlsReport(folders: folders, seeds: seeds, spec: spec)
        try report.write(to: folders[0])
        print(report.summary)
        print("wrote \(folders[0].appendingPathComponent("results.md").path) (\(seeds.count) seeds)")
    }
}
