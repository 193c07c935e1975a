import Core
import Foundation

/// What a reward model thinks of held-out pairs, and the questions we ask of it: how often it
/// ranks the pair right (overall and per flaw), whether its probabilities mean what they say
/// (calibration), and whether it just prefers longer replies (length bias).
public struct PairEvaluation: Sendable {
    public var chosen: [Float]
    public var rejected: [Float]
    /// The flaw of each pair's rejected reply ("unlabelled" when the data did not say).
    public var flaws: [String]
    /// Reply lengths in tokens (completion only).
    public var chosenLengths: [Int]
    public var rejectedLengths: [Int]

    public init(chosen: [Float], rejected: [Float], flaws: [String], chosenLengths: [Int], rejectedLengths: [Int]) {
        (self.chosen, self.rejected, self.flaws) = (chosen, rejected, flaws)
        (self.chosenLengths, self.rejectedLengths) = (chosenLengths, rejectedLengths)
    }

    public var count: Int { chosen.count }
    var correct: [Bool] { zip(chosen, rejected).map { $0 > $1 } }

    /// TRL's accuracy: mean(r_chosen > r_rejected).
    public var accuracy: Double { Self.mean(correct.map { $0 ? 1 : 0 }) }
    /// Mean Bradley–Terry loss −log σ(r_c − r_r).
    public var loss: Double {
        Self.mean(zip(chosen, rejected).map { c, r in let d = Double(c - r); return d >= 0 ? log1p(exp(-d)) : -d + log1p(exp(d)) })
    }
    public var meanMargin: Double { Self.mean(zip(chosen, rejected).map { Double($0 - $1) }) }
    public var meanReward: Double { Self.mean((chosen + rejected).map(Double.init)) }

    /// Accuracy per flaw, with the number of pairs behind each figure.
    public var accuracyByFlaw: [(flaw: String, accuracy: Double, count: Int)] {
        let c = correct
        return Set(flaws).sorted().map { f in
            let idx = flaws.indices.filter { flaws[$0] == f }
            return (f, Self.mean(idx.map { c[$0] ? 1 : 0 }), idx.count)
        }
    }

    /// Predicted preference probabilities σ(r_c − r_r), one per pair.
    public var probabilities: [Float] { zip(chosen, rejected).map(BradleyTerry.preferenceProbability) }

    /// Calibration. Each pair is shown in a random orientation (as a rater would see it: reply A
    /// and reply B), so predictions cover [0, 1]: p = σ(r_A − r_B) against whether A was the
    /// chosen one. Pairs are binned by p; a calibrated model's bins lie on the diagonal.
    public func calibration(bins: Int = 10, seed: UInt64 = 6) -> [CalibrationBin] {
        var rng = SeededRandom(seed: seed)
        var p: [Float] = [], y: [Bool] = []
        for (c, r) in zip(chosen, rejected) {
            let flip = rng.bernoulli(0.5)
            p.append(flip ? BradleyTerry.preferenceProbability(chosen: r, rejected: c) : BradleyTerry.preferenceProbability(chosen: c, rejected: r))
            y.append(!flip)
        }
        return CalibrationBin.bin(probabilities: p, outcomes: y, bins: bins)
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
        KitAnswer.used("Calibration.bin", answers: "6.4")
        if let mine = LearnerCode.function("calibrationBins", as: CalibrationBinsFunction.self) { return mine(p, y, n) }
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
