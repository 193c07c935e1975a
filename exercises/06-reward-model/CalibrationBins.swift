import Core
import RewardModel

/// Exercise 6.4 — Calibration bins.
///
/// A reward model predicts p = σ(r_A − r_B), the probability that reply A is the better one.
/// It is calibrated when, among all pairs where it says 0.7, A really is better 70% of the time.
///
/// Split [0, 1] into `bins` equal bins: bin k holds predictions with k/bins ≤ p < (k+1)/bins,
/// and the last bin also holds p = 1. For every NON-EMPTY bin, in order, return a
/// `CalibrationBin` with its bounds (lower k/bins, upper (k+1)/bins), the mean of its predictions,
/// the share of its `outcomes` that are true, and its count.
public func calibrationBins(probabilities: [Float], outcomes: [Bool], bins: Int) throws -> [CalibrationBin] {
    // Write your code here, then run `swift run course check 6`.
    throw Todo("6.4")
}
