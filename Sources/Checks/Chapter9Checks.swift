import Core
import Evaluation
import Exercises
import Foundation
import Solutions

/// The functions of Chapter 9's exercises in the three flavours (see Chapter1Functions).
struct Chapter9Functions {
    var seedsAndPrompts: ([[Double]], Double, Int, UInt64) throws -> (estimate: Double, low: Double, high: Double)
    var winRate: ([Double], [Double], Double) throws -> Double
    var passAtK: (Int, Int, Int) throws -> Double
    var contaminated: ([String], [String], Int) throws -> [Int]

    static var learner: Chapter9Functions { Chapter9Functions(
        seedsAndPrompts: { try Exercises.bootstrapSeedsAndPrompts($0, level: $1, resamples: $2, seed: $3) },
        winRate: { try Exercises.winRate($0, $1, tie: $2) },
        passAtK: { try Exercises.passAtK(n: $0, c: $1, k: $2) },
        contaminated: { try Exercises.contaminatedPrompts(training: $0, eval: $1, n: $2) }) }

    static var reference: Chapter9Functions { Chapter9Functions(
        seedsAndPrompts: { try Solutions.bootstrapSeedsAndPrompts($0, level: $1, resamples: $2, seed: $3) },
        winRate: { try Solutions.winRate($0, $1, tie: $2) },
        passAtK: { try Solutions.passAtK(n: $0, c: $1, k: $2) },
        contaminated: { try Solutions.contaminatedPrompts(training: $0, eval: $1, n: $2) }) }

    static func mutant(_ id: String) -> Chapter9Functions {
        var f = reference
        switch id {
        case "9.1": f.seedsAndPrompts = { x, level, r, seed in  // pools every seed's prompts and resamples them:
            try reference.seedsAndPrompts([x.flatMap { $0 }], level, r, seed)   // run-to-run variation vanishes
        }
        case "9.2": f.winRate = { a, b, _ in  // counts ties as losses
            Double(zip(a, b).filter { $0 > $1 }.count) / Double(a.count)
        }
        case "9.3": f.passAtK = { n, c, k in  // the biased estimate 1 − (1 − c/n)^k
            1 - pow(1 - Double(c) / Double(n), Double(k))
        }
        case "9.4": f.contaminated = { tr, ev, _ in  // whole-text match only: misses a prompt pasted inside a document
            let norm = { (s: String) in s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
            let seen = Set(tr.map(norm))
            return ev.indices.filter { seen.contains(norm(ev[$0])) }
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter9Functions {
        let f: Chapter9Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}

extension Catalogue {
    static let chapter9: [Exercise] = [
        Exercise("9.1", "The interval over seeds and prompts", file: "exercises/09-evaluation/SeedsAndPromptsInterval.swift",
                 symbol: "bootstrapSeedsAndPrompts", hints: [
                    "Leave out the empty runs first and work only with those left. Then three loops: the resamples; inside, one drawn run per run; inside that, the drawn run's prompts.",
                    "A resample's mean is the mean of its drawn runs' means, not of all its drawn values pooled; the estimate is the same mean of means on the runs as they are. Draw a run with runs[rng.int(runs.count)] (no draw when there is a single run), then at once its values with run[rng.int(run.count)].",
                    "Close to the kit's interval but not equal means the draws are out of order or one too many: a run is drawn only when there are two or more, and all of its values come before the next run is drawn. The positions in the sorted means round half away from zero and stay inside the array.",
                 ]) { flavor in
            let f = Chapter9Functions.table(flavor, "9.1")
            // By hand: every value of seed 1 is 1 and of seed 2 is 0, so a resample's mean is only
            // decided by its two drawn seeds: 1, ½ or 0 with chances ¼, ½, ¼. The 95% interval is
            // [0, 1]; pooling the eight values would claim [0.125, 0.875].
            let split = try f.seedsAndPrompts([[1, 1, 1, 1], [0, 0, 0, 0]], 0.95, 2000, 9)
            try Expect.that(split.estimate == 0.5 && split.low == 0 && split.high == 1,
                            "two seeds scoring 1, 1, 1, 1 and 0, 0, 0, 0: expected 0.5 [0, 1] (a quarter of the resamples draw seed 2 twice), "
                            + "got \(split.estimate) [\(split.low), \(split.high)]; an interval much narrower than [0, 1] has lost the seeds")
            let constant = try f.seedsAndPrompts([[0.75, 0.75], [0.75, 0.75, 0.75], [0.75]], 0.9, 300, 3)
            try Expect.that(constant.estimate == 0.75 && constant.low == 0.75 && constant.high == 0.75,
                            "every value 0.75: expected 0.75 [0.75, 0.75], got \(constant.estimate) [\(constant.low), \(constant.high)]")
            let none = try f.seedsAndPrompts([[], []], 0.95, 100, 1)
            try Expect.that(none.estimate.isNaN && none.low.isNaN && none.high.isNaN, "only empty runs: expected NaN for all three numbers, got \(none)")
            // Random values, several shapes: the same seed must give the kit's numbers exactly,
            // which holds only with the same draws in the same order.
            var rng = SeededRandom(seed: 91)
            let shapes: [(what: String, counts: [Int], level: Double, resamples: Int)] = [
                ("one seed of 40 prompts", [40], 0.9, 500), ("three seeds of 12 prompts", [12, 12, 12], 0.95, 2000),
                ("seeds of 5, 9 and 2 prompts", [5, 9, 2], 0.8, 301), ("seeds of 7, 0 and 6 prompts (an empty run)", [7, 0, 6], 0.95, 400),
            ]
            for (i, shape) in shapes.enumerated() {
                let x = shape.counts.map { n in (0..<n).map { _ in Double(rng.int(11)) / 10 - 0.3 } }
                let got = try f.seedsAndPrompts(x, shape.level, shape.resamples, UInt64(100 + i))
                let kit = Statistics.bootstrapSeedsAndPrompts(x, level: shape.level, resamples: shape.resamples, seed: UInt64(100 + i))
                try Expect.that(got.estimate == kit.estimate, "\(shape.what): estimate \(got.estimate), expected \(kit.estimate) (the mean of the runs' means)")
                try Expect.that(got.low == kit.low && got.high == kit.high,
                                "\(shape.what), \(Int(100 * shape.level))% with \(shape.resamples) resamples: got [\(got.low), \(got.high)], "
                                + "expected [\(kit.low), \(kit.high)] (same seed: draw the runs and values in the order the task gives)")
                if shape.counts.count == 1 {
                    let plain = Statistics.bootstrapMean(x[0], level: shape.level, resamples: shape.resamples, seed: UInt64(100 + i))
                    try Expect.that(plain == kit, "the kit's one-seed interval is not its bootstrap over prompts")
                }
            }
        },
        Exercise("9.2", "A pairwise win rate with ties", file: "exercises/09-evaluation/WinRate.swift",
                 symbol: "winRate", hints: [
                    "Each prompt contributes 1, ½ or 0; the win rate is their mean.",
                    "Test the tie first: abs(a[i] − b[i]) <= tie.",
                    "Divide by the number of prompts, ties included. Test yourself: A 0.9, 0.5, 0.2 against B 0.7, 0.5, 0.6 gives 0.5.",
                 ]) { flavor in
            let f = Chapter9Functions.table(flavor, "9.2")
            try Expect.close(try f.winRate([0.9, 0.5, 0.7, 0.2], [0.8, 0.5, 0.9, 0.2], 1e-9), 0.5, "win rate with two ties")
            try Expect.close(try f.winRate([1, 1, 1], [0, 0.99, 1.02], 0.05), 2.0 / 3, "win rate with tie = 0.05")
        },
        Exercise("9.3", "pass@k, unbiased", file: "exercises/09-evaluation/PassAtK.swift",
                 symbol: "passAtK", hints: [
                    "Start with the special cases: no correct sample, and fewer than k wrong ones.",
                    "C(n−c, k) / C(n, k) = Π over i from n−c+1 to n of (1 − k/i).",
                    "Multiply the factors in Double and subtract the product from 1; never form a binomial coefficient. Test yourself: n 10, c 3, k 2 gives 0.533.",
                 ]) { flavor in
            let f = Chapter9Functions.table(flavor, "9.3")
            try Expect.close(try f.passAtK(10, 3, 1), 0.3, tolerance: 1e-12, "pass@1 with n 10, c 3")
            try Expect.close(try f.passAtK(10, 3, 5), 1 - 21.0 / 252, tolerance: 1e-12, "pass@5 with n 10, c 3 (1 − C(7,5)/C(10,5))")
            try Expect.close(try f.passAtK(5, 4, 2), 1, tolerance: 1e-12, "pass@2 with n 5, c 4")
            try Expect.close(try f.passAtK(20, 0, 3), 0, tolerance: 1e-12, "pass@3 with no passing sample")
        },
        Exercise("9.4", "The contamination check", file: "exercises/09-evaluation/NGramContamination.swift",
                 symbol: "contaminatedPrompts", hints: [
                    "Lower-case and split on whitespace; put every n-word window of every training text in a Set.",
                    "Arrays of strings are Hashable: Set<[String]> works for the windows.",
                    "A prompt shorter than n words has no window: it counts only when its whole word list is a training text's. Return the indices in ascending order.",
                 ]) { flavor in
            let f = Chapter9Functions.table(flavor, "9.4")
            let training = ["Notes. Where is my order SD-1 I ordered it last week and it has not arrived yet. Thanks.", "Short text"]
            let eval = ["where is my order SD-1 I ordered it last week", "short   TEXT", "where is my parcel", "Is the kettle in stock?"]
            let got = try f.contaminated(training, eval, 5)
            try Expect.that(got == [0, 1], "contaminated prompts: expected [0, 1], got \(got)")
            let kit = ContaminationCheck(training: training, n: 5)
            try Expect.that(eval.indices.filter { kit.isContaminated(eval[$0]) } == [0, 1], "the kit's check disagrees")
        },
    ]
}
