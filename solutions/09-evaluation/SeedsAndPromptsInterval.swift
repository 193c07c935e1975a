import Core

/// Exercise 9.1 — The interval over seeds and prompts.
///
/// Two methods compared on one training run differ by luck of that run as well as by method:
/// retrain with another seed and the gap moves. `x[s][p]` is prompt p's value (a paired
/// difference, a win outcome) in seed s's run. Return the mean with a percentile bootstrap
/// interval that resamples both levels:
///
/// - leave out the empty runs; if none is left, return NaN for all three numbers;
/// - estimate: the mean over the runs of each run's mean (each mean: sum in order, then divide);
/// - with `rng = SeededRandom(seed: seed)`, make `resamples` resamples. Each draws as many runs as
///   there are, each `runs[rng.int(runs.count)]` (with a single run nothing is drawn: it is that
///   run), and right after drawing a run, `run.count` of its values, each `run[rng.int(run.count)]`.
///   The resample's mean is the mean over the drawn runs of the mean of their drawn values;
/// - sort the resample means; low and high are the means at position
///   round(q · (resamples − 1)) (half away from zero, Swift's `rounded()`, kept within
///   0...resamples − 1) for q = (1 − level)/2 and q = (1 + level)/2.
///
/// Draw in exactly this order and your interval is the kit's, bit for bit. With one run it is
/// the ordinary bootstrap over prompts.
public func bootstrapSeedsAndPrompts(_ x: [[Double]], level: Double, resamples: Int, seed: UInt64) throws
    -> (estimate: Double, low: Double, high: Double) {
    let runs = x.filter { !$0.isEmpty }
    if runs.isEmpty { return (.nan, .nan, .nan) }
    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    var rng = SeededRandom(seed: seed)
    var means: [Double] = []
    for _ in 0..<resamples {
        var total = 0.0
        for _ in 0..<runs.count {
            // Seeds first: a drawn run, then its prompts, so run-to-run variation is in the spread.
            let run = runs.count == 1 ? runs[0] : runs[rng.int(runs.count)]
            var sum = 0.0
            for _ in 0..<run.count { sum += run[rng.int(run.count)] }
            total += sum / Double(run.count)
        }
        means.append(total / Double(runs.count))
    }
    means.sort()
    func at(_ q: Double) -> Double {
        let i = Int((q * Double(resamples - 1)).rounded())
        return means[min(resamples - 1, max(0, i))]
    }
    return (mean(runs.map(mean)), at((1 - level) / 2), at((1 + level) / 2))
}
