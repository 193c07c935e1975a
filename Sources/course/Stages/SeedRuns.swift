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

    static func run(_ seeds: [UInt64], schedule: Schedule) throws {
        for (i, seed) in seeds.enumerated() {
            print("==== seed \(seed) (\(i + 1) of \(seeds.count)) ====")
            var s = Schedule(runs: folder(schedule.runs, seeds: seeds, index: i), preset: schedule.preset, seed: seed,
                             resume: schedule.resume, base: schedule.base)
            s.dataSeed = schedule.dataSeed
            s.language = schedule.language
            s.policyChange = schedule.policyChange
            if i > 0 { s.sharedPretraining = (schedule.runs, seeds[0]) }
            try RunCommand.runAll(s)
        }
        let report = try SeedsReport(runs: schedule.runs, seeds: seeds, schedule: schedule)
        try report.write()
        print(report.summary)
    }
}
