import Core
import Foundation

/// What a reward model thinks of held-out pairs, and the questions we ask of it: how often it
/// ranks the pair right (overall and per flaw), whether its probabilities mean what they say
/// (calibration), and whether it just prefers longer replies (length bias).
public struct PairEvaluation: Sendable {
    public let chosen: [Float]
    public let rejected: [Float]
    /// The flaw of each pair's rejected reply ("unlabelled" when the data did not say).
    public let flaws: [String]
    /// Reply lengths in tokens (completion only).
    public let chosenLengths: [Int]
    public let rejectedLengths: [Int]
    /// What the run reports about these pairs (exercise 6.4): accuracy, loss, margin, mean
    /// reward, each pair's probability σ(r_c − r_r), and the calibration bins (10 bins, each
    /// pair in the seeded orientation below).
    public let metrics: PairMetrics

    public init(chosen: [Float], rejected: [Float], flaws: [String], chosenLengths: [Int], rejectedLengths: [Int]) {
        (self.chosen, self.rejected, self.flaws) = (chosen, rejected, flaws)
        (self.chosenLengths, self.rejectedLengths) = (chosenLengths, rejectedLengths)
        metrics = Self.metrics(chosen: chosen, rejected: rejected, chosenFirst: Self.orientation(count: chosen.count, seed: 6), bins: 10)
    }

    public var count: Int { chosen.count }
    var correct: [Bool] { zip(chosen, rejected).map { $0 > $1 } }

    /// Pair accuracy, mean(r_chosen > r_rejected): a tie counts as a miss (nothing was ranked).
    public var accuracy: Double { metrics.accuracy }
    /// Mean Bradley–Terry loss −log σ(r_c − r_r).
    public var loss: Double { metrics.loss }
    public var meanMargin: Double { metrics.meanMargin }
    public var meanReward: Double { metrics.meanReward }
    /// Predicted preference probabilities σ(r_c − r_r), one per pair.
    public var probabilities: [Float] { metrics.probabilities }
    /// The calibration plot's bins: see `orientation(count:seed:)`.
    public var calibration: [CalibrationBin] { metrics.calibration }

    /// Accuracy per flaw, with the number of pairs behind each figure.
    public var accuracyByFlaw: [(flaw: String, accuracy: Double, count: Int)] {
        let c = correct
        return Set(flaws).sorted().map { f in
            let idx = flaws.indices.filter { flaws[$0] == f }
            return (f, Self.mean(idx.map { c[$0] ? 1 : 0 }), idx.count)
        }
    }

    /// Calibration. Each pair is shown in a random orientation (as a rater would see it: reply A
    /// and reply B), so predictions cover [0, 1]: p = σ(r_A − r_B) against whether A was the
    /// chosen one. `chosenFirst[i]`: pair i shows its chosen reply as A (seeded, half of them).
    public static func orientation(count: Int, seed: UInt64) -> [Bool] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in !rng.bernoulli(0.5) }
    }

    /// Pearson correlation between a reply's reward and its length, over every reply (chosen
    /// and rejected). Near 0: the reward does not simply track length.
    public var lengthCorrelation: Double {
        Self.pearson((chosen + rejected).map(Double.init), (chosenLengths + rejectedLengths).map(Double.init))
    }

    /// Accuracy on pairs where the rejected reply is longer than the chosen one, and where it is
    /// shorter (or equal). A model that just likes length wins the second group and loses the first.
    public var accuracyByLength: (rejectedLonger: (accuracy: Double, count: Int), rejectedShorter: (accuracy: Double, count: Int)) {
        let c = correct
        let longer = indices.filter { rejectedLengths[$0] > chosenLengths[$0] }
        let shorter = indices.filter { rejectedLengths[$0] <= chosenLengths[$0] }
        return ((Self.mean(longer.map { c[$0] ? 1 : 0 }), longer.count), (Self.mean(shorter.map { c[$0] ? 1 : 0 }), shorter.count))
    }
    var indices: Range<Int> { 0..<count }

    static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxx == 0 || syy == 0 ? 0 : sxy / (sxx * syy).squareRoot()
    }
}

/// One bin of a calibration plot: predictions in [lower, upper), their mean, and how often the
/// predicted outcome actually happened.
public struct CalibrationBin: Sendable, Codable, Equatable {
    public var lower: Double, upper: Double
    public var meanPredicted: Double
    public var observed: Double
    public var count: Int
    public init(lower: Double, upper: Double, meanPredicted: Double, observed: Double, count: Int) {
        (self.lower, self.upper, self.meanPredicted, self.observed, self.count) = (lower, upper, meanPredicted, observed, count)
    }

    // MARK: book calibration
    /// Bins predictions p ∈ [0, 1] into `bins` equal-width bins ([0, 1/n), ..., [(n−1)/n, 1],
    /// the last one closed); for each non-empty bin, the mean prediction and the observed
    /// frequency of `true` outcomes. Empty bins are left out.
    public static func bin(probabilities p: [Float], outcomes y: [Bool], bins n: Int) -> [CalibrationBin] {
        KitAnswer.used("CalibrationBin.bin", answers: "6.4")
        precondition(p.count == y.count && n > 0, "calibration: \(p.count) predictions, \(y.count) outcomes, \(n) bins")
        var sumP = [Double](repeating: 0, count: n), hits = [Double](repeating: 0, count: n), counts = [Int](repeating: 0, count: n)
        for (pi, yi) in zip(p, y) {
            let k = min(Int(Double(pi) * Double(n)), n - 1)
            sumP[k] += Double(pi); hits[k] += yi ? 1 : 0; counts[k] += 1
        }
        return (0..<n).filter { counts[$0] > 0 }.map { k in
            CalibrationBin(lower: Double(k) / Double(n), upper: Double(k + 1) / Double(n),
                           meanPredicted: sumP[k] / Double(counts[k]), observed: hits[k] / Double(counts[k]), count: counts[k])
        }
    }
    // MARK: end
}

/// What `course run reward-model` reports about a reward model on held-out pairs, from their
/// rewards alone: the numbers of metrics.csv's eval_ columns, the probabilities of examples.md,
/// and the bins of calibration.png and evaluation.json. Exercise 6.4 computes it.
public struct PairMetrics: Sendable, Equatable {
    /// The share of pairs with r_c > r_r (a tie is a miss).
    public var accuracy: Double
    /// The mean Bradley–Terry loss −log σ(r_c − r_r) (no margin, no centring).
    public var loss: Double
    /// The mean of r_c − r_r.
    public var meanMargin: Double
    /// The mean of all 2N rewards, chosen and rejected: what the centring term keeps near 0.
    public var meanReward: Double
    /// σ(r_c − r_r) per pair: the probability the model gives to "chosen is better".
    public var probabilities: [Float]
    /// The non-empty bins of p = σ(r_A − r_B), each pair in the orientation it was shown in.
    public var calibration: [CalibrationBin]

    public init(accuracy: Double, loss: Double, meanMargin: Double, meanReward: Double, probabilities: [Float],
                calibration: [CalibrationBin]) {
        (self.accuracy, self.loss, self.meanMargin, self.meanReward) = (accuracy, loss, meanMargin, meanReward)
        (self.probabilities, self.calibration) = (probabilities, calibration)
    }
}

extension PairEvaluation {
    // MARK: book pair-metrics
    /// The held-out evaluation of N pairs from their rewards r_c, r_r [N]. `chosenFirst[i]` says
    /// whether pair i was shown with its chosen reply as A: calibration bins p = σ(r_A − r_B)
    /// into `bins` equal bins against "A was the chosen one". With no pairs, the four means are
    /// NaN (nothing to average) and both lists empty.
    public static func metrics(chosen c: [Float], rejected r: [Float], chosenFirst: [Bool], bins: Int) -> PairMetrics {
        KitAnswer.used("PairEvaluation.metrics", answers: "6.4")
        if let mine = LearnerCode.function("pairEvaluation", as: PairEvaluationFunction.self) {
            return learnerMetrics(c, r, chosenFirst, bins, mine)
        }
        precondition(c.count == r.count && c.count == chosenFirst.count, "metrics: \(c.count) chosen, \(r.count) rejected, \(chosenFirst.count) orientations")
        let d = zip(c, r).map { Double($0 - $1) }
        let shown = zip(zip(c, r), chosenFirst).map { pair, first in
            first ? BradleyTerry.preferenceProbability(chosen: pair.0, rejected: pair.1)
                  : BradleyTerry.preferenceProbability(chosen: pair.1, rejected: pair.0)
        }
        return PairMetrics(accuracy: mean(zip(c, r).map { $0 > $1 ? 1 : 0 }),
                           loss: mean(d.map { $0 >= 0 ? log1p(exp(-$0)) : -$0 + log1p(exp($0)) }),
                           meanMargin: mean(d), meanReward: mean((c + r).map(Double.init)),
                           probabilities: zip(c, r).map(BradleyTerry.preferenceProbability),
                           calibration: CalibrationBin.bin(probabilities: shown, outcomes: chosenFirst, bins: bins))
    }
    // MARK: end

    /// The evaluation computed by the learner's function (exercise 6.4); its shapes are
    /// checked, its numbers were checked by `course check 6`.
    static func learnerMetrics(_ c: [Float], _ r: [Float], _ chosenFirst: [Bool], _ bins: Int, _ mine: PairEvaluationFunction) -> PairMetrics {
        let m = mine(c, r, chosenFirst, bins)
        let binned = m.calibration.reduce(0) { $0 + $1.count }
        precondition(m.probabilities.count == c.count && binned == c.count && m.calibration.count <= bins,
                     "evaluatePairs returned \(m.probabilities.count) probabilities and \(m.calibration.count) bins holding \(binned) pairs for \(c.count) pairs in \(bins) bins")
        return m
    }
}
