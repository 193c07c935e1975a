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
    // Write your code here, then run `swift run course check 9`.
    throw Todo("9.1")
}
