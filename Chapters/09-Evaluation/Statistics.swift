import Core
import Foundation

/// Honest numbers: a score measured on a few dozen prompts has an uncertainty, and a
/// comparison between two models is only as good as its confidence interval.
public enum Statistics {
    public struct Interval: Codable, Sendable, Equatable {
        public var estimate: Double, low: Double, high: Double
        public init(estimate: Double, low: Double, high: Double) { (self.estimate, self.low, self.high) = (estimate, low, high) }
        public var text: String { String(format: "%.3f [%.3f, %.3f]", estimate, low, high) }
    }

    public static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    /// Percentile bootstrap confidence interval of the mean: resample the values with
    /// replacement `resamples` times, take each resample's mean, and read the (1−level)/2 and
    /// (1+level)/2 quantiles of those means. Seeded, so the interval is reproducible. It is the
    /// interval over seeds and prompts below with one seed, draw for draw.
    public static func bootstrapMean(_ x: [Double], level: Double = 0.95, resamples: Int = 2000, seed: UInt64 = 0) -> Interval {
        KitAnswer.used("Statistics.bootstrapMean", answers: "9.1")
        return bootstrapSeedsAndPrompts([x], level: level, resamples: resamples, seed: seed)
    }

    // MARK: book bootstrap
    /// The interval of a mean over seeds and prompts: `x[s][p]` is prompt p's value in seed s's
    /// run (a paired difference or a win outcome, on the same prompts in every seed). Each
    /// resample draws seeds with replacement, then prompts with replacement within each drawn
    /// seed, so the interval carries run-to-run variation as well as the choice of prompts.
    /// Empty runs are left out. With one run there is no seed to choose and none is drawn: the
    /// ordinary bootstrap over prompts (`bootstrapMean`), draw for draw.
    public static func bootstrapSeedsAndPrompts(_ x: [[Double]], level: Double = 0.95, resamples: Int = 2000,
                                                seed: UInt64 = 0) -> Interval {
        KitAnswer.used("Statistics.bootstrapSeedsAndPrompts", answers: "9.1")
        if let mine = LearnerCode.function("bootstrapSeedsAndPrompts", as: SeedsAndPromptsIntervalFunction.self) {
            let i = mine(x, level, resamples, seed)
            return Interval(estimate: i.estimate, low: i.low, high: i.high)
        }
        let runs = x.filter { !$0.isEmpty }
        guard !runs.isEmpty else { return Interval(estimate: .nan, low: .nan, high: .nan) }
        var rng = SeededRandom(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var total = 0.0
            for _ in runs.indices {
                let run = runs.count == 1 ? runs[0] : runs[rng.int(runs.count)]   // one run: nothing to draw
                var s = 0.0
                for _ in run.indices { s += run[rng.int(run.count)] }
                total += s / Double(run.count)
            }
            means.append(total / Double(runs.count))
        }
        means.sort()
        func quantile(_ q: Double) -> Double { means[min(means.count - 1, max(0, Int((q * Double(means.count - 1)).rounded())))] }
        return Interval(estimate: mean(runs.map(mean)), low: quantile((1 - level) / 2), high: quantile((1 + level) / 2))
    }
    // MARK: end

    // MARK: book win-rate
    /// Pairwise win rate of A over B from per-prompt scores: a win counts 1, a tie ½, a loss 0
    /// (scores within `tie` of each other are a tie). Returns the per-prompt outcomes too, so
    /// their mean can be bootstrapped.
    public static func winRate(_ a: [Double], _ b: [Double], tie: Double = 1e-9) -> (rate: Double, outcomes: [Double]) {
        KitAnswer.used("Statistics.winRate", answers: "9.2")
        precondition(a.count == b.count, "winRate: \(a.count) scores against \(b.count)")
        let outcomes = zip(a, b).map { x, y in abs(x - y) <= tie ? 0.5 : (x > y ? 1.0 : 0.0) }
        return (mean(outcomes), outcomes)
    }

    /// A model's win rate against a baseline with its interval over seeds and prompts (the
    /// report's "win rate vs SFT"): `model[s][p]` and `baseline[s][p]` are a judge's scores of
    /// the two replies to prompt p in seed s's run. The per-prompt outcomes (`winRate`) go, seed
    /// by seed, to `bootstrapSeedsAndPrompts`; `bySeed` is each seed's own win rate. With one seed
    /// it is the bootstrap over prompts. The estimate is the mean of the seeds' win rates.
    public static func winRateInterval(_ model: [[Double]], against baseline: [[Double]], tie: Double = 1e-9, level: Double = 0.95,
                                       resamples: Int = 2000, seed: UInt64 = 0) -> (interval: Interval, bySeed: [Double]) {
        KitAnswer.used("Statistics.winRateInterval", answers: "9.2")
        precondition(model.count == baseline.count, "winRateInterval: \(model.count) seeds against \(baseline.count)")
        if let mine = LearnerCode.function("winRateInterval", as: WinRateIntervalFunction.self) {
            // The installed function gets the kit's bootstrap (itself the installed 9.1 when there is one).
            let w = mine(model, baseline, tie) { x in
                let i = bootstrapSeedsAndPrompts(x, level: level, resamples: resamples, seed: seed)
                return (i.estimate, i.low, i.high)
            }
            return (Interval(estimate: w.rate, low: w.low, high: w.high), w.bySeed)
        }
        let outcomes = zip(model, baseline).map { winRate($0, $1, tie: tie).outcomes }
        return (bootstrapSeedsAndPrompts(outcomes, level: level, resamples: resamples, seed: seed), outcomes.map(mean))
    }
    // MARK: end

    // MARK: book pass-at-k
    /// The unbiased pass@k estimator (Chen et al. 2021): with n samples of which c are correct,
    /// the chance that at least one of k samples drawn without replacement is correct is
    /// 1 − C(n−c, k) / C(n, k), computed as a product to stay stable.
    public static func passAtK(n: Int, c: Int, k: Int) -> Double {
        KitAnswer.used("Statistics.passAtK", answers: "9.3")
        precondition(k >= 1 && k <= n && c >= 0 && c <= n, "passAtK: need 1 <= k <= n and 0 <= c <= n")
        if c == 0 { return 0 }
        if n - c < k { return 1 }
        var prod = 1.0
        for i in (n - c + 1)...n { prod *= 1 - Double(k) / Double(i) }
        return 1 - prod
    }

    /// pass@k over prompts from graded samples: `scores[p][j]` is the grader's score of sample j
    /// of prompt p; a sample passes when its score reaches `threshold`. For each k in `ks`
    /// (distinct, 1 ≤ k ≤ every prompt's sample count) the mean over prompts of `passAtK`, summed
    /// in prompt order. No prompts: no entries.
    public static func meanPassAtK(_ scores: [[Double]], threshold: Double, ks: [Int]) -> [Int: Double] {
        KitAnswer.used("Statistics.meanPassAtK", answers: "9.3")
        precondition(Set(ks).count == ks.count, "meanPassAtK: ks \(ks) repeats a k")
        if let mine = LearnerCode.function("meanPassAtK", as: MeanPassAtKFunction.self) { return mine(scores, threshold, ks) }
        var sums = [Int: Double]()
        for samples in scores {
            let c = samples.filter { $0 >= threshold }.count
            for k in ks { sums[k, default: 0] += passAtK(n: samples.count, c: c, k: k) }
        }
        return sums.mapValues { $0 / Double(max(scores.count, 1)) }
    }
    // MARK: end

    /// Pearson correlation (NaN when either side is constant).
    public static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxx == 0 || syy == 0 ? .nan : sxy / (sxx * syy).squareRoot()
    }
}

// The shapes of the functions a learner plugs in with `course run evaluation --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias SeedsAndPromptsIntervalFunction = (_ x: [[Double]], _ level: Double, _ resamples: Int, _ seed: UInt64)
    -> (estimate: Double, low: Double, high: Double)
/// (model, baseline, tie, the kit's interval over seeds and prompts) → (rate, low, high, bySeed).
public typealias WinRateIntervalFunction = (_ model: [[Double]], _ baseline: [[Double]], _ tie: Double,
                                            _ interval: ([[Double]]) -> (estimate: Double, low: Double, high: Double))
    -> (rate: Double, low: Double, high: Double, bySeed: [Double])
public typealias MeanPassAtKFunction = (_ scores: [[Double]], _ threshold: Double, _ ks: [Int]) -> [Int: Double]
public typealias ContaminatedPromptsFunction = ([String], [String], Int) -> [Int]
