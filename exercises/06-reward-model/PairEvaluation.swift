import Core
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
    // Write your code here, then run `swift run course check 6`.
    throw Todo("6.4")
}
