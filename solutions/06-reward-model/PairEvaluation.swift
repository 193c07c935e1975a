import Core
import Foundation
import RewardModel

/// Exercise 6.4 — The held-out evaluation of a reward model.
///
/// After training, the reward model scores N held-out pairs: r_c[i] for the chosen reply and
/// r_r[i] for the rejected one. From these rewards alone, return what the run reports about
/// them, as a `PairMetrics`:
///   accuracy      – the share of pairs ranked right, r_c > r_r (a tie is not right);
///   loss          – the mean Bradley–Terry loss −log σ(r_c − r_r), finite however large the gap;
///   meanMargin    – the mean of r_c − r_r;
///   meanReward    – the mean of all 2N rewards;
///   probabilities – σ(r_c − r_r) for each pair, as Float;
///   calibration   – the bins of the calibration plot. A rater sees each pair as reply A and
///                   reply B: A is the chosen reply when `chosenFirst[i]`, else the rejected one.
///                   Bin the predictions p = σ(r_A − r_B) into `bins` equal bins (bin k holds
///                   k/bins ≤ p < (k+1)/bins, the last bin also p = 1) and, for every NON-EMPTY
///                   bin in order, return its bounds, the mean of its predictions, the share of
///                   its pairs where A was the chosen reply, and its count.
/// No pairs: the four means are NaN (nothing to average), both lists empty.
///
/// Example: r_c [2, 0.5, 1, 3], r_r [1, 0.5, 2, −1], chosenFirst [true, false, true, false],
/// 2 bins → accuracy 0.5 (the tie is a miss), loss 0.5845, meanMargin 1, meanReward 1.125,
/// probabilities [0.731, 0.5, 0.269, 0.982]; predictions as shown [0.731, 0.5, 0.269, 0.018],
/// so bin [0, 0.5) has mean 0.143, observed 0.5, count 2, and bin [0.5, 1] mean 0.616,
/// observed 0.5, count 2.
public func evaluatePairs(chosen: [Float], rejected: [Float], chosenFirst: [Bool], bins: Int) throws -> PairMetrics {
    func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
    let n = Double(chosen.count)                    // 0 pairs: every mean below is 0/0 = NaN
    var right = 0.0, loss = 0.0, margin = 0.0
    var probabilities: [Float] = []
    for (c, r) in zip(chosen, rejected) {
        let d = Double(c - r)
        right += c > r ? 1 : 0                      // a tie ranks nothing: it counts as a miss
        // −log σ(d) from d itself, never from the Float probability (σ(−200) is 0 in Float).
        loss += d >= 0 ? log1p(exp(-d)) : -d + log1p(exp(d))
        margin += d
        probabilities.append(sigmoid(c - r))
    }
    let rewardSum = (chosen + rejected).reduce(0.0) { $0 + Double($1) }
    // Calibration: the prediction the rater's order asks for, p = σ(r_A − r_B), against
    // "A was the chosen reply"; p = 1 falls in the last bin.
    var sums = [Double](repeating: 0, count: bins), hits = sums
    var counts = [Int](repeating: 0, count: bins)
    for i in chosen.indices {
        let (a, b) = chosenFirst[i] ? (chosen[i], rejected[i]) : (rejected[i], chosen[i])
        let p = sigmoid(a - b)
        let k = min(Int(Double(p) * Double(bins)), bins - 1)
        sums[k] += Double(p)
        hits[k] += chosenFirst[i] ? 1 : 0
        counts[k] += 1
    }
    let calibration = (0..<bins).filter { counts[$0] > 0 }.map { k in
        CalibrationBin(lower: Double(k) / Double(bins), upper: Double(k + 1) / Double(bins),
                       meanPredicted: sums[k] / Double(counts[k]), observed: hits[k] / Double(counts[k]), count: counts[k])
    }
    return PairMetrics(accuracy: right / n, loss: loss / n, meanMargin: margin / n, meanReward: rewardSum / (2 * n),
                       probabilities: probabilities, calibration: calibration)
}
