import Core

/// Exercise 9.1 — A bootstrap confidence interval.
///
/// Estimate how uncertain the mean of `values` is without any formula: build `resamples`
/// resamples, each made of `values.count` draws WITH replacement — draw index
/// `rng.int(values.count)` each time, in order — and record each resample's mean. Sort the
/// means; the interval is the pair of means at positions round(q · (resamples − 1)) for
/// q = (1 − level)/2 and q = (1 + level)/2. Return (low, high).
public func bootstrapInterval(_ values: [Double], resamples: Int, level: Double, rng: inout SeededRandom) throws
    -> (low: Double, high: Double) {
    // Write your code here, then run `swift run course check 9`.
    throw Todo("9.1")
}
