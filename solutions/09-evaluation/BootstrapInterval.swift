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
    var means: [Double] = []
    for _ in 0..<resamples {
        var s = 0.0
        for _ in 0..<values.count { s += values[rng.int(values.count)] }
        means.append(s / Double(values.count))
    }
    means.sort()
    func at(_ q: Double) -> Double { means[Int((q * Double(resamples - 1)).rounded())] }
    return (at((1 - level) / 2), at((1 + level) / 2))
}
