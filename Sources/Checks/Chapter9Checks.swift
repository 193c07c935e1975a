import Core
import Evaluation
import Exercises
import Foundation
import Solutions

/// The functions of Chapter 9's exercises in the three flavours (see Chapter1Functions).
struct Chapter9Functions {
    /// The bootstrap 9.2 is handed: outcomes[seed][prompt] → (estimate, low, high).
    typealias Interval = ([[Double]]) throws -> (estimate: Double, low: Double, high: Double)
    var seedsAndPrompts: ([[Double]], Double, Int, UInt64) throws -> (estimate: Double, low: Double, high: Double)
    /// (model, baseline, tie, interval) → (rate, low, high, bySeed), as `winRateAgainstBaseline`.
    var winRate: ([[Double]], [[Double]], Double, Interval) throws -> (rate: Double, low: Double, high: Double, bySeed: [Double])
    var passAtK: ([[Double]], Double, [Int]) throws -> [Int: Double]
    var contaminated: ([String], [String], Int) throws -> [Int]

    static var learner: Chapter9Functions { Chapter9Functions(
        seedsAndPrompts: { try Exercises.bootstrapSeedsAndPrompts($0, level: $1, resamples: $2, seed: $3) },
        winRate: { try Exercises.winRateAgainstBaseline(model: $0, baseline: $1, tie: $2, interval: $3) },
        passAtK: { try Exercises.meanPassAtK(scores: $0, threshold: $1, ks: $2) },
        contaminated: { try Exercises.contaminatedPrompts(training: $0, eval: $1, n: $2) }) }

    static var reference: Chapter9Functions { Chapter9Functions(
        seedsAndPrompts: { try Solutions.bootstrapSeedsAndPrompts($0, level: $1, resamples: $2, seed: $3) },
        winRate: { try Solutions.winRateAgainstBaseline(model: $0, baseline: $1, tie: $2, interval: $3) },
        passAtK: { try Solutions.meanPassAtK(scores: $0, threshold: $1, ks: $2) },
        contaminated: { try Solutions.contaminatedPrompts(training: $0, eval: $1, n: $2) }) }

    static func mutant(_ id: String) -> Chapter9Functions {
        var f = reference
        switch id {
        case "9.1": f.seedsAndPrompts = { x, level, r, seed in  // pools every seed's prompts and resamples them:
            try reference.seedsAndPrompts([x.flatMap { $0 }], level, r, seed)   // run-to-run variation vanishes
        }
        case "9.2": f.winRate = { a, b, tie, interval in  // bootstraps the outcomes pooled over seeds: run-to-run variation vanishes
            let w = try reference.winRate(a, b, tie, interval)
            let pooled = try reference.winRate([a.flatMap { $0 }], [b.flatMap { $0 }], tie, interval)
            return (w.rate, pooled.low, pooled.high, w.bySeed)
        }
        case "9.3": f.passAtK = { scores, threshold, ks in  // the biased estimate 1 − (1 − c/n)^k
            var out: [Int: Double] = [:]
            for k in ks {
                let each = scores.map { s in 1 - pow(1 - Double(s.filter { $0 >= threshold }.count) / Double(s.count), Double(k)) }
                out[k] = each.reduce(0, +) / Double(scores.count)
            }
            return out
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
        Exercise("9.2", "A win rate against a baseline, with its interval", file: "exercises/09-evaluation/WinRateAgainstBaseline.swift",
                 symbol: "winRateAgainstBaseline", hints: [
                    "Three steps: check the shapes, turn every seed's pair of score rows into outcomes (1, ½ or 0 per prompt, the tie test first), then the numbers from the outcomes.",
                    "bySeed is each seed's mean outcome; rate is the mean of those seed means, over the seeds that have prompts (not the mean of all outcomes pooled). low and high come from calling interval once with outcomes[seed][prompt].",
                    "An interval narrower than the kit's means the outcomes reached the bootstrap flattened into one run: hand them over seed by seed, exactly as they came. Test yourself: 0.9, 0.5, 0.7, 0.2 against 0.8, 0.5, 0.9, 0.2 with tie 0.02 gives 0.5.",
                 ]) { flavor in
            let f = Chapter9Functions.table(flavor, "9.2")
            // By hand, one seed, tie 0.02: 1, ½ (equal), 0, ½ (equal), ½ (0.61 against 0.6) → 2.5 / 5.
            // The interval here only records what it is given and answers low −1, high 2.
            var given: [[[Double]]] = []
            let recorder: Chapter9Functions.Interval = { x in given.append(x); return (.nan, -1, 2) }
            let one = try f.winRate([[0.9, 0.5, 0.7, 0.2, 0.61]], [[0.8, 0.5, 0.9, 0.2, 0.6]], 0.02, recorder)
            try Expect.that(one.rate == 0.5 && one.bySeed == [0.5],
                            "model 0.9, 0.5, 0.7, 0.2, 0.61 against 0.8, 0.5, 0.9, 0.2, 0.6 with tie 0.02: expected rate 0.5 and bySeed [0.5] "
                            + "(outcomes 1, ½, 0, ½, ½), got \(one.rate) and \(one.bySeed)")
            try Expect.that(given == [[[1, 0.5, 0, 0.5, 0.5]]],
                            "interval should be called once with the outcomes [[1, 0.5, 0, 0.5, 0.5]], was called with \(given)")
            try Expect.that(one.low == -1 && one.high == 2, "low and high are interval's: expected -1 and 2, got \(one.low) and \(one.high)")
            // Two seeds: the model wins every prompt of seed 1 and loses every prompt of seed 2. Only
            // the seeds decide, so the interval is [0, 1]; pooled over seeds it would be narrower.
            let kitInterval: Chapter9Functions.Interval = { x in
                let i = Statistics.bootstrapSeedsAndPrompts(x, level: 0.95, resamples: 2000, seed: 9)
                return (i.estimate, i.low, i.high)
            }
            let split = try f.winRate([[1, 1, 1, 1], [0, 0, 0, 0]], [[0, 0, 0, 0], [1, 1, 1, 1]], 1e-9, kitInterval)
            try Expect.that(split.rate == 0.5 && split.bySeed == [1, 0] && split.low == 0 && split.high == 1,
                            "seed 1 all wins, seed 2 all losses: expected 0.5 [0, 1] with bySeed [1, 0], got \(split.rate) [\(split.low), \(split.high)] "
                            + "with bySeed \(split.bySeed); an interval much narrower than [0, 1] has lost the seeds")
            let gap = try f.winRate([[0.3, 0.2], []], [[0.1, 0.2], []], 1e-9, recorder)
            try Expect.that(gap.rate == 0.75 && gap.bySeed.count == 2 && gap.bySeed[0] == 0.75 && gap.bySeed[1].isNaN,
                            "a seed without prompts: expected rate 0.75 (it is left out) and bySeed [0.75, nan], got \(gap.rate) and \(gap.bySeed)")
            for (what, model, baseline) in [("2 seeds against 1", [[0.5], [0.5]], [[0.5]]), ("3 prompts against 2 in seed 2", [[0.5], [0.1, 0.2, 0.3]], [[0.5], [0.1, 0.2]])] {
                try Expect.refuses("9.2", "\(what): the two do not match") { try f.winRate(model, baseline, 1e-9, recorder) }
            }
            // Random scores on a grid of 0.1 (so ties happen), several shapes and tolerances: the
            // kit's numbers, bit for bit.
            var rng = SeededRandom(seed: 92)
            let shapes: [(what: String, counts: [Int], tie: Double)] = [
                ("one seed of 40 prompts", [40], 1e-9), ("three seeds of 12 prompts", [12, 12, 12], 0.05),
                ("seeds of 5, 9 and 2 prompts", [5, 9, 2], 0.15), ("seeds of 7, 0 and 6 prompts", [7, 0, 6], 1e-9),
            ]
            for (i, shape) in shapes.enumerated() {
                let draw = { shape.counts.map { n in (0..<n).map { _ in Double(rng.int(11)) / 10 } } }
                let model = draw(), baseline = draw()
                let seed = UInt64(200 + i)
                let interval: Chapter9Functions.Interval = { x in
                    let r = Statistics.bootstrapSeedsAndPrompts(x, level: 0.9, resamples: 500, seed: seed)
                    return (r.estimate, r.low, r.high)
                }
                let got = try f.winRate(model, baseline, shape.tie, interval)
                let kit = Statistics.winRateInterval(model, against: baseline, tie: shape.tie, level: 0.9, resamples: 500, seed: seed)
                let sameBySeed = got.bySeed.count == kit.bySeed.count && zip(got.bySeed, kit.bySeed).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                try Expect.that(got.rate == kit.interval.estimate && sameBySeed,
                                "\(shape.what), tie \(shape.tie): rate \(got.rate) and bySeed \(got.bySeed), expected \(kit.interval.estimate) and \(kit.bySeed)")
                try Expect.that(got.low == kit.interval.low && got.high == kit.interval.high,
                                "\(shape.what), tie \(shape.tie): interval [\(got.low), \(got.high)], expected [\(kit.interval.low), \(kit.interval.high)]")
            }
        },
        Exercise("9.3", "pass@k over prompts, unbiased", file: "exercises/09-evaluation/MeanPassAtK.swift",
                 symbol: "meanPassAtK", hints: [
                    "Per prompt, count c, the samples scoring at least the threshold; per k, the unbiased estimate from n, c and k; then for each k the mean of the prompts' estimates.",
                    "Handle the special cases before the product: no passing sample gives 0, fewer than k failing ones gives 1. Otherwise C(n−c, k) / C(n, k) = Π over i from n−c+1 to n of (1 − k/i).",
                    "Close to the kit but not equal means the factors or the prompts are added or multiplied in another order, or something is divided early: multiply i upwards in Double, sum the prompts in order and divide once. Test yourself with the book's numbers: n 10, c 3 gives pass@2 = 0.533.",
                 ]) { flavor in
            let f = Chapter9Functions.table(flavor, "9.3")
            // The book's numbers: 10 samples, 3 at or above 0.9 (0.89 is not), so pass@1 = 0.3,
            // pass@2 = 1 − C(7,2)/C(10,2) = 1 − 21/45, and pass@10 = 1 (7 failures cannot fill 10 draws).
            let book: [Double] = [0.95, 0.9, 1, 0.3, 0.5, 0.89, 0, 0.1, 0.2, 0.4]
            let one = try f.passAtK([book], 0.9, [1, 2, 10])
            try Expect.that(one.keys.sorted() == [1, 2, 10], "ks [1, 2, 10]: expected an entry for each, got keys \(one.keys.sorted())")
            try Expect.close(one[1]!, 0.3, tolerance: 1e-12, "pass@1 with n 10, c 3")
            try Expect.close(one[2]!, 1 - 21.0 / 45, tolerance: 1e-12, "pass@2 with n 10, c 3 (1 − C(7,2)/C(10,2); the biased 1 − 0.7² is 0.51)")
            try Expect.close(one[10]!, 1, tolerance: 1e-12, "pass@10 with n 10, c 3")
            // A second prompt with no passing sample: every mean halves.
            let two = try f.passAtK([book, [0.5, 0.89, 0, 0.2, 0.1, 0.3, 0.3, 0.7, 0.8, 0.6]], 0.9, [1, 2])
            try Expect.close(two[1] ?? .nan, 0.15, tolerance: 1e-12, "pass@1 over two prompts (c 3 and c 0)")
            try Expect.close(two[2] ?? .nan, (1 - 21.0 / 45) / 2, tolerance: 1e-12, "pass@2 over two prompts (c 3 and c 0)")
            let none = try f.passAtK([], 0.9, [1])
            try Expect.that(none.isEmpty, "no prompts: expected an empty dictionary, got \(none)")
            for (what, ks) in [("k = 0", [0]), ("k = 11 with 10 samples", [1, 11]), ("k = 2 twice", [2, 1, 2])] {
                try Expect.refuses("9.3", what) { try f.passAtK([book], 0.9, ks) }
            }
            // Random grades, up to 400 samples a prompt (binomial coefficients far beyond Double):
            // the kit's numbers, bit for bit.
            var rng = SeededRandom(seed: 93)
            let shapes: [(what: String, counts: [Int], ks: [Int])] = [
                ("20 prompts of 5 samples", Array(repeating: 5, count: 20), [1, 5, 3]),
                ("3 prompts of 400 samples", [400, 400, 400], [1, 10, 100, 250]),
                ("prompts of 7, 12 and 30 samples", [7, 12, 30], [2, 7]),
            ]
            for shape in shapes {
                let scores = shape.counts.map { n in (0..<n).map { _ in Double(rng.int(101)) / 100 } }
                let threshold = 0.5 + Double(rng.int(50)) / 100
                let got = try f.passAtK(scores, threshold, shape.ks)
                let kit = Statistics.meanPassAtK(scores, threshold: threshold, ks: shape.ks)
                try Expect.that(got == kit, "\(shape.what), threshold \(threshold), ks \(shape.ks): got \(got.sorted { $0.key < $1.key }), "
                                + "expected \(kit.sorted { $0.key < $1.key }) (the product in i upwards, the prompts summed in order)")
            }
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
