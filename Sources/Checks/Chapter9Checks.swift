import Core
import Evaluation
import Exercises
import Foundation
import Solutions

/// The functions of Chapter 9's exercises in the three flavours (see Chapter1Functions).
struct Chapter9Functions {
    var bootstrap: ([Double], Int, Double, inout SeededRandom) throws -> (low: Double, high: Double)
    var winRate: ([Double], [Double], Double) throws -> Double
    var passAtK: (Int, Int, Int) throws -> Double
    var contaminated: ([String], [String], Int) throws -> [Int]

    static var learner: Chapter9Functions { Chapter9Functions(
        bootstrap: { try Exercises.bootstrapInterval($0, resamples: $1, level: $2, rng: &$3) },
        winRate: { try Exercises.winRate($0, $1, tie: $2) },
        passAtK: { try Exercises.passAtK(n: $0, c: $1, k: $2) },
        contaminated: { try Exercises.contaminatedPrompts(training: $0, eval: $1, n: $2) }) }

    static var reference: Chapter9Functions { Chapter9Functions(
        bootstrap: { try Solutions.bootstrapInterval($0, resamples: $1, level: $2, rng: &$3) },
        winRate: { try Solutions.winRate($0, $1, tie: $2) },
        passAtK: { try Solutions.passAtK(n: $0, c: $1, k: $2) },
        contaminated: { try Solutions.contaminatedPrompts(training: $0, eval: $1, n: $2) }) }

    static func mutant(_ id: String) -> Chapter9Functions {
        var f = reference
        switch id {
        case "9.1": f.bootstrap = { x, r, level, rng in  // puts all of 1 − level in each tail: too narrow an interval
            try reference.bootstrap(x, r, 1 - 2 * (1 - level), &rng)
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
        Exercise("9.1", "A bootstrap confidence interval", file: "exercises/09-evaluation/BootstrapInterval.swift",
                 symbol: "bootstrapInterval", hints: [
                    "Two loops: resamples outside, values.count draws inside; each draw is values[rng.int(values.count)].",
                    "Collect the resample means, sort them, and read two positions.",
                    "The two positions are round(q · (resamples − 1)) for q = (1 − level)/2 and (1 + level)/2. Draw in exactly that order so the seeded generator gives the same interval.",
                 ]) { flavor in
            let f = Chapter9Functions.table(flavor, "9.1")
            let x = (0..<40).map { Double($0 % 7) / 6 }
            var r1 = SeededRandom(seed: 91)
            let got = try f.bootstrap(x, 500, 0.9, &r1)
            let expected = Statistics.bootstrapMean(x, level: 0.9, resamples: 500, seed: 91)
            try Expect.close(got.low, expected.low, tolerance: 1e-12, "lower end of the 90% interval")
            try Expect.close(got.high, expected.high, tolerance: 1e-12, "upper end of the 90% interval")
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
