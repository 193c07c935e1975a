import Autograd
import Core
import Foundation
import RewardModel
import Transformer
import SFT

extension Catalogue {
    static let chapter6: [Exercise] = [
        Exercise("6.1", "The Bradley–Terry loss and its gradient", file: "exercises/06-reward-model/BradleyTerryLoss.swift",
                 symbol: "bradleyTerryLoss", hints: [
                    "Loop over the pairs once: d = c − r − m, add −log σ(d)/n to the loss, and the centring term k·(c + r)²/n.",
                    "d(−log σ(d))/dd = −σ(−d) = −1/(1 + eᵈ); chosen gets it with +, rejected with − (d = c − r). Both get 2k(c + r)/n.",
                    "Compute −log σ(d) in two branches on the sign of d so that neither exp overflows, and divide every gradient by the number of pairs.",
                 ]) { flavor in
            let f = Chapter6Functions.table(flavor, "6.1")
            let tie = try f.bradleyTerry([0.3, -1.2], [0.3, -1.2], nil, 0)
            try Expect.close(Double(tie.loss), log(2), tolerance: 1e-6, "loss when r_chosen = r_rejected (ln 2)")
            try Expect.close(tie.dChosen, [-0.25, -0.25], tolerance: 1e-6, "d(loss)/d(r_chosen) at a tie: −σ(0)/2 each")
            let far = try f.bradleyTerry([0], [100], nil, 0)
            try Expect.close(Double(far.loss), 100, tolerance: 1e-5, "loss when rejected leads by 100 (no overflow: −log σ(−100) = 100)")
            var rng = SeededRandom(seed: 61)
            for (margin, k) in [(nil, Float(0)), ([Float](repeating: 0.5, count: 5), 0), (nil, 0.01), ([0.2, 1, 0, 0.3, 2], 0.05)] {
                let c = (0..<5).map { _ in rng.normal() * 2 }, r = (0..<5).map { _ in rng.normal() * 2 }
                let got = try f.bradleyTerry(c, r, margin, k)
                let vc = Variable(Tensor([5], c), requiresGrad: true), vr = Variable(Tensor([5], r), requiresGrad: true)
                let ref = BradleyTerry.loss(chosen: vc, rejected: vr, margin: margin, centering: k)
                ref.backward()
                let what = "margin \(margin.map { "\($0)" } ?? "none"), centering \(k)"
                try Expect.close(Double(got.loss), Double(ref.scalar), tolerance: 1e-5, "loss (\(what))")
                try Expect.close(got.dChosen, vc.grad!.array, tolerance: 1e-5, "d(loss)/d(r_chosen) (\(what))")
                try Expect.close(got.dRejected, vr.grad!.array, tolerance: 1e-5, "d(loss)/d(r_rejected) (\(what))")
            }
        },
        Exercise("6.2", "The reward model's pair batch", file: "exercises/06-reward-model/PairBatch.swift",
                 symbol: "pairBatch", hints: [
                    "Make the list of 2B rows first: every chosen sequence in order, then every rejected one. T is the longest of them all; each row is its sequence followed by T − count pad ids.",
                    "Row r's index is r · T + p, with p the largest position whose id is not pad (0 when there is none).",
                    "Do not take the sequence's own length minus one: the model finds its reading position from the ids alone, so a pad id at the end of a sequence is skipped and one inside it is not. Test yourself: ([4, 0, 5], [6, 0]) with pad 0 gives rows of 3 and the indices 2 and 3.",
                 ]) { flavor in
            let f = Chapter6Functions.table(flavor, "6.2")
            let cases: [([(chosen: [Int], rejected: [Int])], [Int], [Int], String)] = [
                ([([5, 6, 7], [5, 8]), ([9, 4, 3, 2], [9])], [5, 6, 7, 0, 9, 4, 3, 2, 5, 8, 0, 0, 9, 0, 0, 0], [2, 7, 9, 12],
                 "two pairs, T = 4 (the second chosen sequence)"),
                ([([4, 0, 5], [6, 0])], [4, 0, 5, 6, 0, 0], [2, 3],
                 "a pad id inside the chosen sequence (it does not end it) and at the end of the rejected one (it is skipped)"),
                ([([0, 0], [3]), ([7], [])], [0, 0, 7, 0, 3, 0, 0, 0], [0, 2, 4, 6],
                 "a sequence of nothing but pad ids and an empty one (rows of padding: position 0)"),
                ([], [], [], "no pairs"),
            ]
            for (pairs, ids, last, what) in cases {
                try samePairBatch(try f.pairBatch(pairs, 0), pairs, ids: ids, last: last, "\(what): pairs \(show(pairs)), pad 0")
            }
            // Against the kit: pairs of 1 to 9 tokens with the pad id among them.
            var rng = SeededRandom(seed: 62)
            func sequence() -> [Int] { (0..<(1 + rng.int(9))).map { _ in rng.int(5) } }
            let pairs = (0..<5).map { _ in (chosen: sequence(), rejected: sequence()) }
            let kit = KitAnswer.reference { Padding.pairBatch(pairs, pad: 0) }
            try samePairBatch(try f.pairBatch(pairs, 0), pairs, ids: kit.ids, last: kit.last,
                              "5 random pairs of 1 to 9 tokens from 0 to 4 (seed 62), pad 0, against Padding.pairBatch")
        },
        Exercise("6.3", "The reward head, forward and backward", file: "exercises/06-reward-model/RewardHead.swift",
                 symbol: "rewardsFromHidden", hints: [
                    "hidden is row-major [B, T, C]: the state of sequence b at position p starts at (b·T + p)·C. Each reward is one dot product of length C with head[0, :].",
                    "reward[b] = Σ_c head[c] · hidden[b, p_b, c], so d/d hidden[b, p_b, c] = upstream[b] · head[c] and d/d head[c] collects upstream[b] · hidden[b, p_b, c] from every row b.",
                    "Start both gradients at zero and touch only the positions the forward read. Every row read the same head, so its gradient adds up over the rows; lastIndex holds positions within a sequence, not flat indices. Test yourself: with an upstream of all ones, the head's gradient is the sum of the gathered states.",
                 ]) { flavor in
            let f = Chapter6Functions.table(flavor, "6.3")
            // B = 2 sequences of T = 2 positions, C = 2: sequence 0 ends at position 1, sequence 1
            // at position 0 (its last position holds padding).
            let h = Tensor([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]), head = Tensor([1, 2], [0.5, -1])
            let example = "hidden [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], last positions [1, 0], head [0.5, −1]"
            try Expect.close(try f.rewardsFromHidden(h, [1, 0], head), [-2.5, -3.5], tolerance: 1e-6, "\(example): rewards")
            let hand = try f.rewardHeadBackward(h, [1, 0], head, [2, -1])
            try Expect.shape(hand.head.shape, [1, 2], "d(loss)/d(head)")
            try Expect.shape(hand.hidden.shape, [2, 2, 2], "d(loss)/d(hidden)")
            try Expect.close(hand.head.array, [1, 2], tolerance: 1e-6, "\(example), upstream [2, −1] (so 2·[3, 4] − 1·[5, 6]): d(loss)/d(head)")
            try expectHidden(hand.hidden.array, [0, 0, 1, -2, -0.5, 1, 0, 0], [2, 2, 2], last: [1, 0], tolerance: 1e-6,
                             "\(example), upstream [2, −1]")
            // Random tensors: the gradients against the kit's autograd (gather, product) and
            // against central differences of L = Σ_b upstream[b]·reward[b], computed in Double.
            var rng = SeededRandom(seed: 63)
            for (b, t, c, last) in [(4, 5, 6, [0, 4, 2, 0]), (3, 7, 8, [6, 0, 3])] {
                let hidden = randomTensor([b, t, c], &rng), w = randomTensor([1, c], &rng)
                let g = (0..<b).map { _ in rng.normal() }
                let what = "B \(b), T \(t), C \(c), last positions \(last)"
                let vh = Variable(hidden, requiresGrad: true), vw = Variable(w, requiresGrad: true)
                let flat = last.enumerated().map { $0.offset * t + $0.element }
                let rewards = Variable.matmul(vh.reshaped([b * t, c]).rows(flat), vw, transposeB: true).reshaped([b])
                (rewards * Variable(Tensor([b], g))).sum().backward()
                try Expect.close(try f.rewardsFromHidden(hidden, last, w), rewards.value.array, tolerance: 1e-5, "\(what): rewards")
                let got = try f.rewardHeadBackward(hidden, last, w, g)
                try Expect.shape(got.head.shape, [1, c], "\(what): d(loss)/d(head)")
                try Expect.shape(got.hidden.shape, [b, t, c], "\(what): d(loss)/d(hidden)")
                try Expect.close(got.head.array, vw.grad!.array, tolerance: 1e-5, "\(what), against autograd: d(loss)/d(head)")
                try expectHidden(got.hidden.array, vh.grad!.array, [b, t, c], last: last, tolerance: 1e-5, "\(what), against autograd")
                let (hd, wd, gd) = (hidden.array.map(Double.init), w.array.map(Double.init), g.map(Double.init))
                func loss(_ x: [Double], _ v: [Double]) -> Double {
                    var sum = 0.0
                    for r in 0..<b {
                        let base = (r * t + last[r]) * c
                        for j in 0..<c { sum += gd[r] * v[j] * x[base + j] }
                    }
                    return sum
                }
                let eps = 1e-3
                func bumped(_ a: [Double], _ i: Int, _ d: Double) -> [Double] { var a = a; a[i] += d; return a }
                let fdHead = (0..<c).map { Float((loss(hd, bumped(wd, $0, eps)) - loss(hd, bumped(wd, $0, -eps))) / (2 * eps)) }
                let fdHidden = (0..<hd.count).map { Float((loss(bumped(hd, $0, eps), wd) - loss(bumped(hd, $0, -eps), wd)) / (2 * eps)) }
                try Expect.close(got.head.array, fdHead, tolerance: 1e-4, "\(what), against finite differences: d(loss)/d(head)")
                try expectHidden(got.hidden.array, fdHidden, [b, t, c], last: last, tolerance: 1e-4, "\(what), against finite differences")
            }
            // A reward model on a small GPT: your readout of its hidden states must give its rewards.
            let gpt = GPT(GPTConfig(vocabSize: 20, contextLength: 16, embeddingSize: 8, layers: 1, heads: 2), seed: 63)
            let model = RewardModel(backbone: gpt, pad: 0, seed: 64)
            let (ids, t) = Padding.right([[3, 4, 5, 6, 7], [8, 9], [10, 11, 12]], pad: 0)
            try noGrad {
                let hidden = gpt.hidden(ids, batch: 3).value
                let last = Padding.lastTokenIndices(ids, rows: 3, pad: 0).map { $0 % t }
                let got = try f.rewardsFromHidden(hidden, last, model.score.value)
                try Expect.close(got, model.rewards(ids, batch: 3).value.array, tolerance: 1e-5,
                                 "rewards of three right-padded sequences against RewardModel.rewards")
            }
        },
        Exercise("6.4", "The held-out evaluation of a reward model", file: "exercises/06-reward-model/PairEvaluation.swift",
                 symbol: "evaluatePairs", hints: [
                    "One pass over the pairs adds up what the four means need and keeps each pair's probability; a second pass puts every pair, as the rater saw it (A first), into its calibration bin.",
                    "With d = r_c − r_r: −log σ(d) = log(1 + e^−d) for d ≥ 0 and −d + log(1 + e^d) below 0. The prediction p = σ(r_A − r_B) goes to bin min(⌊p · bins⌋, bins − 1); a bin's observed share counts its pairs with chosenFirst.",
                    "A tie is not a pair ranked right. Take the loss from d, not from the Float probability: σ(−200) rounds to 0 and its log is infinite. The calibration outcome is whether reply A was the chosen one, not whether the model ranked the pair right; the mean reward averages 2N rewards.",
                 ]) { flavor in
            let f = Chapter6Functions.table(flavor, "6.4")
            func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
            // The worked example: a pair ranked right, a tie, a pair ranked wrong, a confident pair;
            // two of them shown with the rejected reply as A.
            let c: [Float] = [2, 0.5, 1, 3], r: [Float] = [1, 0.5, 2, -1], first = [true, false, true, false]
            let what = "r_c \(c), r_r \(r), chosenFirst \(first), 2 bins"
            let got = try f.evaluatePairs(c, r, first, 2)
            try Expect.close(got.accuracy, 0.5, tolerance: 1e-12,
                             "\(what): accuracy (pair 1 is a tie, 0.5 against 0.5, and a tie is a miss: 2 pairs right of 4)")
            let softplus: [Double] = [log1p(exp(-1.0)), log(2.0), log1p(exp(1.0)), log1p(exp(-4.0))]   // −log σ(d)
            try Expect.close(got.loss, softplus.reduce(0, +) / 4, tolerance: 1e-6,
                             "\(what): loss, the mean of −log σ(d) for d = 1, 0, −1, 4")
            try Expect.close(got.meanMargin, 1, tolerance: 1e-6, "\(what): mean margin, the mean of r_c − r_r = (1 + 0 − 1 + 4) / 4")
            try Expect.close(got.meanReward, 1.125, tolerance: 1e-6, "\(what): mean reward, the mean of all 8 rewards = 9 / 8")
            try Expect.close(got.probabilities, [sigmoid(1), 0.5, sigmoid(-1), sigmoid(4)], tolerance: 1e-6, "\(what): probabilities σ(r_c − r_r)")
            try expectBins(got.calibration, [
                CalibrationBin(lower: 0, upper: 0.5, meanPredicted: (Double(sigmoid(-1)) + Double(sigmoid(-4))) / 2, observed: 0.5, count: 2),
                CalibrationBin(lower: 0.5, upper: 1, meanPredicted: (Double(sigmoid(1)) + 0.5) / 2, observed: 0.5, count: 2)],
                           "\(what): calibration of the predictions as shown, σ(r_A − r_B) = [0.731, 0.5, 0.269, 0.018], against A chosen [yes, no, yes, no]")
            // A gap of 200 (σ(−200) is 0 in Float) and a prediction of exactly 1.
            let far = try f.evaluatePairs([0, 30], [200, 0], [true, true], 4)
            let farWhat = "r_c [0, 30], r_r [200, 0], both shown chosen first, 4 bins"
            try Expect.close(far.loss, (200 + log1p(exp(-30.0))) / 2, tolerance: 1e-6, "\(farWhat): loss (no overflow: −log σ(−200) = 200)")
            try expectBins(far.calibration, [CalibrationBin(lower: 0, upper: 0.25, meanPredicted: 0, observed: 1, count: 1),
                                             CalibrationBin(lower: 0.75, upper: 1, meanPredicted: 1, observed: 1, count: 1)],
                           "\(farWhat): calibration (σ(30) is 1 in Float, and p = 1 belongs to the last bin)")
            let none = try f.evaluatePairs([], [], [], 10)
            for (name, value) in [("accuracy", none.accuracy), ("loss", none.loss), ("meanMargin", none.meanMargin), ("meanReward", none.meanReward)] {
                try Expect.that(value.isNaN, "no pairs: \(name) should be NaN (nothing to average), got \(value)")
            }
            try Expect.that(none.probabilities.isEmpty && none.calibration.isEmpty,
                            "no pairs: expected no probabilities and no bins, got \(none.probabilities.count) and \(none.calibration.count)")
            // Against the kit: rewards in steps of ½ (so ties happen), each pair in a random orientation.
            var rng = SeededRandom(seed: 65)
            for (n, bins) in [(60, 10), (25, 7)] {
                let rc = (0..<n).map { _ in (rng.normal() * 4).rounded() / 2 }, rr = (0..<n).map { _ in (rng.normal() * 4).rounded() / 2 }
                let shown = (0..<n).map { _ in rng.bernoulli(0.5) }
                let kit = KitAnswer.reference { PairEvaluation.metrics(chosen: rc, rejected: rr, chosenFirst: shown, bins: bins) }
                let ties = zip(rc, rr).filter { $0 == $1 }.count
                let what = "\(n) random pairs (seed 65, \(ties) ties), \(bins) bins, against PairEvaluation.metrics"
                let got = try f.evaluatePairs(rc, rr, shown, bins)
                try Expect.close(got.accuracy, kit.accuracy, tolerance: 1e-12, "\(what): accuracy")
                try Expect.close(got.loss, kit.loss, tolerance: 1e-5, "\(what): loss")
                try Expect.close(got.meanMargin, kit.meanMargin, tolerance: 1e-5, "\(what): mean margin")
                try Expect.close(got.meanReward, kit.meanReward, tolerance: 1e-5, "\(what): mean reward")
                try Expect.close(got.probabilities, kit.probabilities, tolerance: 1e-6, "\(what): probabilities")
                try expectBins(got.calibration, kit.calibration, "\(what): calibration")
            }
        },
    ]
}

/// A gradient [B, T, C] against the expected one, naming the first wrong element by sequence,
/// position and channel, and whether the head read that position.
private func expectHidden(_ got: [Float], _ expected: [Float], _ shape: [Int], last: [Int], tolerance: Float, _ what: String) throws {
    try Expect.that(got.count == expected.count, "\(what): d(loss)/d(hidden) has \(got.count) values, expected \(expected.count)")
    let (t, c) = (shape[1], shape[2])
    for i in got.indices where !(abs(got[i] - expected[i]) <= tolerance * max(1, abs(expected[i]))) {
        let (b, p, j) = (i / (t * c), i / c % t, i % c)
        let read = p == last[b] ? "the position the head read" : "a position the head did not read (sequence \(b) ends at \(last[b]))"
        throw CheckFailure("\(what): d(loss)/d(hidden)[\(b), \(p), \(j)], \(read): expected \(expected[i]), got \(got[i])")
    }
}

private func show(_ pairs: [(chosen: [Int], rejected: [Int])]) -> String {
    "[" + pairs.map { "(\($0.chosen), \($0.rejected))" }.joined(separator: ", ") + "]"
}

/// A pair batch against the expected one: the number of ids, then the first wrong id and the
/// first wrong index, each named by its row (pair k, chosen or rejected).
private func samePairBatch(_ got: (ids: [Int], last: [Int]), _ pairs: [(chosen: [Int], rejected: [Int])],
                           ids: [Int], last: [Int], _ what: String) throws {
    let rows = 2 * pairs.count, t = rows == 0 ? 0 : ids.count / rows
    func row(_ r: Int) -> String { "row \(r) (pair \(r % max(pairs.count, 1)), \(r < pairs.count ? "chosen" : "rejected"))" }
    try Expect.that(got.ids.count == ids.count, "\(what): expected \(ids.count) ids (\(rows) rows of T = \(t)), got \(got.ids.count)")
    if let i = ids.indices.first(where: { got.ids[$0] != ids[$0] }) {
        throw CheckFailure("\(what): \(row(i / t)), position \(i % t): expected the id \(ids[i]), got \(got.ids[i]) (ids \(got.ids))")
    }
    try Expect.that(got.last.count == last.count, "\(what): expected \(last.count) last-token indices, one per row, got \(got.last.count)")
    if let r = last.indices.first(where: { got.last[$0] != last[$0] }) {
        throw CheckFailure("\(what): \(row(r)): expected the flat index \(last[r]) (\(r) · \(t) + position \(last[r] - r * t)), got \(got.last[r])")
    }
}

private func expectBins(_ got: [CalibrationBin], _ expected: [CalibrationBin], _ what: String) throws {
    try Expect.that(got.count == expected.count, "\(what): expected \(expected.count) non-empty bins, got \(got.count)")
    for (i, (g, e)) in zip(got, expected).enumerated() {
        try Expect.close(g.lower, e.lower, tolerance: 1e-9, "\(what), bin \(i) lower bound")
        try Expect.close(g.upper, e.upper, tolerance: 1e-9, "\(what), bin \(i) upper bound")
        try Expect.that(g.count == e.count, "\(what), bin \(i) [\(e.lower), \(e.upper)): expected \(e.count) predictions, got \(g.count)")
        try Expect.close(g.meanPredicted, e.meanPredicted, tolerance: 1e-6, "\(what), bin \(i) mean prediction")
        try Expect.close(g.observed, e.observed, tolerance: 1e-9, "\(what), bin \(i) observed frequency")
    }
}
