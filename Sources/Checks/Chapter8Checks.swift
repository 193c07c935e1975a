import Autograd
import Core
import DPO
import Foundation
import RewardModel
import Transformer
import SFT

extension Catalogue {
    static let chapter8: [Exercise] = [
        Exercise("8.1", "The log-probability of a completion, forward and backward", file: "exercises/08-dpo/SequenceLogProb.swift",
                 symbol: "sequenceLogProbs", hints: [
                    "Row (n, t) of the logits starts at (n·T + t)·V; its target is targets[n·T + t]; skip it unless mask[n·T + t]. Forward: log softmax(z)[k] = z[k] − m − log Σ_j exp(z[j] − m) with m = max_j z[j], added to sequence n's total.",
                    "Backward: z[k] − log Σ_i exp(z[i]) has derivative [j = k] − softmax(z)[j] in z[j], and sequence n's log-prob is a sum of such terms, one per counted row, so each counted row of sequence n gets upstream[n] · (one-hot − softmax). softmax(z)[j] = exp(z[j] − m) / Σ_i exp(z[i] − m) reuses the forward's m and sum.",
                    "Start the gradient at zero so rows that do not count stay zero, and scale each row by its own sequence's upstream. Test yourself: logits [0, 0, 0], target 0, upstream 1 give [2/3, −1/3, −1/3], and every counted row of the gradient sums to 0.",
                 ]) { flavor in
            let f = Chapter8Functions.table(flavor, "8.1")
            let two = Tensor([1, 2, 2], [0, 0, 1000, 0])    // row 0: uniform; row 1: a huge logit (stability)
            try Expect.close(try f.sequenceLogProbs(two, [0, 1], [true, true]), [Float(-log(2.0)) - 1000], tolerance: 1e-5,
                             "logits [[0, 0], [1000, 0]], targets [0, 1]: log ½ + (−1000)")
            // By hand: one sequence, T = 3, V = 3; positions 0 and 2 count, position 1 (the prompt) does not.
            // Row 0 [0, 0, 0], target 0: softmax ⅓ each. Row 2 [ln 3, 0, 0], target 2: softmax [⅗, ⅕, ⅕].
            // log-prob = log ⅓ + log ⅕ = −ln 15; upstream 2 makes the gradient 2 · (one-hot − softmax) in rows 0 and 2.
            let hand = Tensor([1, 3, 3], [0, 0, 0, 5, -2, 7, Float(log(3.0)), 0, 0])
            let example = "logits [[0, 0, 0], [5, −2, 7], [ln 3, 0, 0]], targets [0, 1, 2], mask [true, false, true]"
            try Expect.close(try f.sequenceLogProbs(hand, [0, 1, 2], [true, false, true]), [Float(-log(15.0))], tolerance: 1e-5,
                             "\(example): log ⅓ + log ⅕")
            let handGrad = try f.sequenceLogProbsBackward(hand, [0, 1, 2], [true, false, true], [2])
            try Expect.shape(handGrad.shape, [1, 3, 3], "d(loss)/d(logits)")
            try Expect.close(handGrad.array, [4.0 / 3, -2.0 / 3, -2.0 / 3, 0, 0, 0, -6.0 / 5, -2.0 / 5, 8.0 / 5], tolerance: 1e-5,
                             "\(example), upstream [2]: d(loss)/d(logits)")
            // Huge logits: exp(1000) overflows unless the row's maximum comes out first.
            // Row 0 [1000, 0, −1000], target 1: softmax [1, 0, 0]. Row 1 [−1000, 1000, 999], target 2:
            // softmax [0, 1/(1 + e⁻¹), e⁻¹/(1 + e⁻¹)], log-prob −1 − log(1 + e⁻¹).
            let huge = Tensor([1, 2, 3], [1000, 0, -1000, -1000, 1000, 999])
            let s = Float(1 / (1 + exp(-1.0)))
            try Expect.close(try f.sequenceLogProbs(huge, [1, 2], [true, true]), [-1001 - Float(log1p(exp(-1.0)))], tolerance: 1e-6,
                             "logits [[1000, 0, −1000], [−1000, 1000, 999]], targets [1, 2]")
            try Expect.close(try f.sequenceLogProbsBackward(huge, [1, 2], [true, true], [0.5]).array,
                             [-0.5, 0.5, 0, 0, -0.5 * s, 0.5 * s], tolerance: 1e-5,
                             "logits [[1000, 0, −1000], [−1000, 1000, 999]], targets [1, 2], upstream [0.5]: d(loss)/d(logits)")
            // Random logits: the values and the gradient against the kit's fused token log-probs
            // through autograd, and against central differences of L = Σ_n upstream[n] · logprob[n]
            // computed in Double; rows that do not count must get exactly zero.
            var rng = SeededRandom(seed: 81)
            for (n, t, v, std) in [(2, 4, 5, Float(1)), (3, 6, 11, 4)] {
                let logits = randomTensor([n, t, v], &rng, std: std)
                let targets = (0..<(n * t)).map { _ in rng.int(v) }
                var mask = (0..<(n * t)).map { _ in rng.uniform() < 0.6 }
                mask[0] = false; mask[1] = true                              // at least one of each
                let g = (0..<n).map { _ in rng.normal() }
                let what = "N \(n), T \(t), V \(v), logits of scale \(std), mask \(mask.map { $0 ? 1 : 0 })"
                let vl = Variable(logits, requiresGrad: true)
                let masked = targets.indices.map { mask[$0] ? targets[$0] : CrossEntropy.ignoreIndex }
                let sums = vl.reshaped([n * t, v]).tokenLogProbs(masked).reshaped([n, t]).sum(axis: 1)
                (sums * Variable(Tensor([n], g))).sum().backward()
                try Expect.close(try f.sequenceLogProbs(logits, targets, mask), sums.value.array, tolerance: 1e-5, "\(what): log-probs")
                let got = try f.sequenceLogProbsBackward(logits, targets, mask, g)
                try Expect.shape(got.shape, [n, t, v], "\(what): d(loss)/d(logits)")
                try Expect.close(got.array, vl.grad!.array, tolerance: 1e-5, "\(what), upstream \(g), against autograd: d(loss)/d(logits)")
                for row in 0..<(n * t) where !mask[row] {
                    try Expect.that(got.array[(row * v)..<((row + 1) * v)].allSatisfy { $0 == 0 },
                                    "\(what): row \(row) does not count, so its gradient must be exactly zero")
                }
                let x = logits.array.map(Double.init)
                func loss(_ x: [Double]) -> Double {
                    var sum = 0.0
                    for row in 0..<(n * t) where mask[row] {
                        let z = x[(row * v)..<((row + 1) * v)], m = z.max()!
                        sum += Double(g[row / t]) * (x[row * v + targets[row]] - m - log(z.map { exp($0 - m) }.reduce(0, +)))
                    }
                    return sum
                }
                let eps = 1e-3
                func bumped(_ i: Int, _ d: Double) -> [Double] { var a = x; a[i] += d; return a }
                let fd = x.indices.map { Float((loss(bumped($0, eps)) - loss(bumped($0, -eps))) / (2 * eps)) }
                try Expect.close(got.array, fd, tolerance: 1e-4, "\(what), upstream \(g), against central differences: d(loss)/d(logits)")
            }
            // Prompts and completions through a small GPT: against the kit's SequenceLogProbs.
            let gpt = GPT(GPTConfig(vocabSize: 24, contextLength: 16, embeddingSize: 8, layers: 1, heads: 2), seed: 81)
            let seqs = [PromptCompletion(prompt: [1, 2, 3], completion: [4, 5, 6, 7]), PromptCompletion(prompt: [8, 9], completion: [10]),
                        PromptCompletion(prompt: [11, 12, 13, 14, 15], completion: [16, 17])]
            let (ids, t) = Padding.right(seqs.map(\.ids), pad: 0)
            let targets = SequenceLogProbs.completionTargets(seqs, length: t)
            try noGrad {
                let logits = gpt.logits(ids, batch: 3).value
                let got = try f.sequenceLogProbs(logits, targets.map { max($0, 0) }, targets.map { $0 != CrossEntropy.ignoreIndex })
                try Expect.close(got, SequenceLogProbs.values(gpt, seqs, pad: 0), tolerance: 1e-4,
                                 "completion log-probs of three prompt + completion sequences (padding and prompts masked)")
            }
        },
        Exercise("8.2", "The DPO loss with label smoothing, its implicit rewards and its gradient", file: "exercises/08-dpo/DPOLossValues.swift",
                 symbol: "dpoLoss", hints: [
                    "Two log-ratios per pair: policy minus reference, for chosen and for rejected; multiply each by β for the rewards. The loss only depends on their difference z = β·Δ: a share 1 − ε of it is the loss of the pair as labelled, a share ε the loss of the pair turned round.",
                    "loss = −(1 − ε)·log σ(z) − ε·log σ(−z), with −log σ(x) = log(1 + e^(−x)) for x ≥ 0 and −x + log(1 + eˣ) below. d/dz: −(1 − ε)·σ(−z) + ε·σ(z); z moves by +β per unit of the chosen log-prob and by −β per unit of the rejected one.",
                    "The flipped term's derivative has the opposite sign to the first one's, and ε can be negative (the robust run), so write no branch on ε. Test yourself: z = 0 costs ln 2 at any ε, with derivatives −β(1 − 2ε)/2 and +β(1 − 2ε)/2; z = 3 with ε = 0.1 gives a chosen derivative of +0.0526·β.",
                 ]) { flavor in
            let f = Chapter8Functions.table(flavor, "8.2")
            // The policy equals the reference: z = 0, loss ln 2 whatever ε; d/dz = −(1 − ε)/2 + ε/2.
            for eps: Float in [0, 0.1] {
                let tie = try f.dpoLoss([-40, -12], [-55, -9], [-40, -12], [-55, -9], 0.1, eps)
                try Expect.close(tie.losses, [Float(log(2.0)), Float(log(2.0))], tolerance: 1e-6, "loss when the policy equals the reference (ln 2), ε \(eps)")
                try Expect.close(tie.chosenRewards, [0, 0], tolerance: 1e-6, "rewards when the policy equals the reference")
                let d = -0.1 * (1 - 2 * eps) / 2
                try Expect.close(tie.dChosen + tie.dRejected, [d, d, -d, -d], tolerance: 1e-6,
                                 "β 0.1, ε \(eps), the policy equals the reference: dChosen −β(1 − 2ε)/2 and dRejected +β(1 − 2ε)/2 (the flipped pair's −ε·log σ(−z) adds +ε·σ(z) to d/dz, against the first term's −(1 − ε)·σ(−z))")
            }
            // The worked pair: β 0.1, policy c −10, r −50, reference c −20, r −30: rewards 1 and −2, z = 3.
            // ε 0: loss softplus(−3) = 0.048587, d/dz = −σ(−3) = −0.047426. ε 0.1: loss 0.9·0.048587 +
            // 0.1·3.048587 = 0.348587, d/dz = σ(3) − 0.9 = +0.052574 (z is past ln 9: smoothing pushes back).
            // Robust DPO at ε 0.1 is ε′ = −0.125: loss 1.125·0.048587 − 0.125·3.048587, d/dz σ(3) − 1.125.
            let pair = "β 0.1, policy c −10, r −50, reference c −20, r −30 (rewards 1 and −2, z = 3)"
            for (eps, loss, dz) in [(Float(0), 0.048587, -0.047426), (0.1, 0.348587, 0.052574), (-0.125, -0.326413, -0.172426)] {
                let out = try f.dpoLoss([-10], [-50], [-20], [-30], 0.1, eps)
                try Expect.that(out.losses.count == 1 && out.dChosen.count == 1 && out.dRejected.count == 1 && out.chosenRewards.count == 1
                                && out.rejectedRewards.count == 1, "\(pair), ε \(eps): one loss, two rewards and two derivatives for one pair")
                try Expect.close(out.chosenRewards + out.rejectedRewards, [1, -2], tolerance: 1e-5, "\(pair): the implicit rewards")
                try Expect.close(Double(out.losses[0]), loss, tolerance: 1e-5, "\(pair), ε \(eps): the loss −(1−ε)·log σ(z) − ε·log σ(−z)")
                let why = eps > 0 ? " (positive: the pair is ranked past σ(z) = 1 − ε, so smoothing pushes it back)" : ""
                try Expect.close(Double(out.dChosen[0]), 0.1 * dz, tolerance: 1e-6, "\(pair), ε \(eps): d(loss)/d(log π(chosen)) = β·d/dz\(why)")
                try Expect.close(Double(out.dRejected[0]), -0.1 * dz, tolerance: 1e-6, "\(pair), ε \(eps): d(loss)/d(log π(rejected)) = −β·d/dz")
            }
            // Huge margins either way: nothing may overflow. z = ±2000 (β 1): −log σ(2000) = 0, −log σ(−2000) = 2000.
            for (z, loss, d): (Float, Float, Float) in [(2000, 200, 0.1), (-2000, 1800, -0.9)] {
                let out = try f.dpoLoss([0], [-z], [0], [0], 1, 0.1)
                try Expect.close(out.losses + out.dChosen + out.dRejected, [loss, d, -d], tolerance: 1e-3,
                                 "β 1, ε 0.1, z = \(z): loss \(loss), derivatives \(d) and \(-d) (−log σ must not overflow)")
            }
            for eps: Float in [0, 0.1] {
                try checkPairLoss(.sigmoid, settings: LossSettings(labelSmoothing: eps)) { x in
                    let out = try f.dpoLoss(x.pc, x.pr, x.rc, x.rr, 0.1, eps)
                    return (out.losses, out.chosenRewards, out.rejectedRewards)
                }
            }
            try checkPairLoss(.robust, settings: LossSettings(labelSmoothing: 0.1)) { x in   // robust DPO: ε′ = −ε/(1 − 2ε)
                let out = try f.dpoLoss(x.pc, x.pr, x.rc, x.rr, 0.1, LossSettings.robustAsSmoothing(0.1))
                return (out.losses, out.chosenRewards, out.rejectedRewards)
            }
            // The gradient of each pair's loss, against the chapter's loss through autograd (cDPO and
            // robust DPO), and against central differences of the learner's own loss.
            var rng = SeededRandom(seed: 82)
            for k in 0..<8 {
                let pc = -20 - 10 * rng.uniform(), pr = -20 - 10 * rng.uniform()
                let rc = pc + rng.normal() * 8, rr = pr + rng.normal() * 8
                let beta: Float = [0.1, 0.5, 2][rng.int(3)]
                let (kind, eps): (PreferenceLoss, Float) = [(.sigmoid, 0), (.sigmoid, 0.1), (.sigmoid, 0.25), (.robust, 0.2)][k % 4]
                let smoothing = kind == .robust ? LossSettings.robustAsSmoothing(eps) : eps
                let got = try f.dpoLoss([pc], [pr], [rc], [rr], beta, smoothing)
                let vc = Variable(Tensor([1], [pc]), requiresGrad: true), vr = Variable(Tensor([1], [pr]), requiresGrad: true)
                kind(PairLogProbs(policyChosen: vc, policyRejected: vr, referenceChosen: [rc], referenceRejected: [rr],
                                  chosenCounts: [1], rejectedCounts: [1]), LossSettings(beta: beta, labelSmoothing: eps)).loss.backward()
                let what = "pair (policy c \(pc), r \(pr); reference c \(rc), r \(rr)), β \(beta), "
                    + (kind == .robust ? "robust DPO with ε \(eps) (label smoothing \(smoothing))" : "label smoothing \(eps)")
                try Expect.close(got.dChosen, vc.grad!.array, tolerance: 1e-5, "d(loss)/d(log π(chosen)) for " + what)
                try Expect.close(got.dRejected, vr.grad!.array, tolerance: 1e-5, "d(loss)/d(log π(rejected)) for " + what)
                let h: Float = 0.05
                func loss(_ c: Float, _ r: Float) throws -> Double { Double(try f.dpoLoss([c], [r], [rc], [rr], beta, smoothing).losses[0]) }
                let fd = [(try loss(pc + h, pr) - loss(pc - h, pr)) / Double(2 * h), (try loss(pc, pr + h) - loss(pc, pr - h)) / Double(2 * h)]
                try Expect.close(got.dChosen + got.dRejected, fd.map(Float.init), tolerance: 2e-3,
                                 "against central differences of your own loss (half-width \(h)): the derivatives for " + what)
            }
        },
        Exercise("8.3", "Length-normalised losses and their gradients: IPO and SimPO", file: "exercises/08-dpo/LengthNormalisedLosses.swift",
                 symbol: "ipoLoss", hints: [
                    "Refuse arrays of different lengths and counts below 1 first. Then divide each log-prob by its reply's token count before any difference: IPO compares averaged log-ratios (policy − reference), SimPO the policy's own averages, with no reference.",
                    "IPO: e = Δavg − 1/(2β), loss e², d loss/dΔavg = 2e. SimPO: x = β·(avg_c − avg_r) − γ, loss −log σ(x), d loss/dx = −σ(−x). Chain rule: Δavg moves by 1/n_c per unit of the chosen log-prob and by −1/n_r per unit of the rejected one (x by β/n_c and −β/n_r), and the batch's loss is the mean, so divide every derivative by B.",
                    "Reuse the two-branch −log σ and σ(−x) of exercise 8.2 for SimPO, and keep γ outside the β. Test yourself with one pair of 10 chosen and 5 rejected tokens: IPO with β 0.1 and averaged log-ratios 0.2 and −0.2 costs 21.16 with derivatives −0.92 and +1.84; SimPO with β 2, γ 1 and log-probs −12 and −8 costs 0.798 with derivatives −0.110 and +0.220.",
                 ]) { flavor in
            let f = Chapter8Functions.table(flavor, "8.3")
            // IPO, β 0.1, a batch of two pairs. Pair 0: chosen 10 tokens, policy −12 against reference
            // −14 (averaged log-ratio +0.2); rejected 5 tokens, −8 against −7 (−0.2): Δavg 0.4,
            // e = 0.4 − 5 = −4.6, loss 21.16, derivatives of the mean 2e/10/2 = −0.46 and −2e/5/2 = +0.92.
            // Pair 1: the policy equals the reference, Δavg 0, e = −5, loss 25, −10/10/2 and +10/8/2.
            let ipo = try f.ipoLoss([-12, -30], [-8, -20], [-14, -30], [-7, -20], [10, 10], [5, 8], 0.1)
            let ipoExample = "IPO, β 0.1, policy c [−12, −30], r [−8, −20], reference c [−14, −30], r [−7, −20], tokens c [10, 10], r [5, 8]"
            try Expect.that(ipo.losses.count == 2 && ipo.dChosen.count == 2 && ipo.dRejected.count == 2,
                            "\(ipoExample): two losses and two derivatives of each kind, got \(ipo.losses.count), \(ipo.dChosen.count), \(ipo.dRejected.count)")
            try Expect.close(ipo.losses, [21.16, 25], tolerance: 1e-5, "\(ipoExample): losses (Δavg − 1/(2β))² with Δavg 0.4 and 0")
            try Expect.close(ipo.dChosen, [-0.46, -0.5], tolerance: 1e-5, "\(ipoExample): d(mean loss)/d(policy chosen) = 2e/n_c/B")
            try Expect.close(ipo.dRejected, [0.92, 0.625], tolerance: 1e-5, "\(ipoExample): d(mean loss)/d(policy rejected) = −2e/n_r/B")
            try checkPairGradients(.ipo, [0.1, 0.5, 2].map { LossSettings(beta: $0) }, step: 0.5) { x, s in
                try f.ipoLoss(x.pc, x.pr, x.rc, x.rr, x.nc, x.nr, s.beta)
            }
            // SimPO, β 2, γ 1, a batch of two pairs. Pair 0: −12 over 10 tokens against −8 over 5:
            // x = 2·(−1.2 + 1.6) − 1 = −0.2, loss −log σ(−0.2) = 0.798139, σ(0.2) = 0.549834, derivatives
            // of the mean −2·0.549834/10/2 = −0.0549834 and +2·0.549834/5/2 = 0.109967. Pair 1: equal
            // averages, x = −1, loss log(1 + e) = 1.313262, ∓2·σ(1)/10/2 = ∓0.0731059.
            let simpo = try f.simpoLoss([-12, -10], [-8, -10], [10, 10], [5, 10], 2, 1)
            let simpoExample = "SimPO, β 2, γ 1, policy c [−12, −10], r [−8, −10], tokens c [10, 10], r [5, 10]"
            try Expect.that(simpo.losses.count == 2 && simpo.dChosen.count == 2 && simpo.dRejected.count == 2,
                            "\(simpoExample): two losses and two derivatives of each kind, got \(simpo.losses.count), \(simpo.dChosen.count), \(simpo.dRejected.count)")
            try Expect.close(simpo.losses, [0.798139, 1.313262], tolerance: 1e-5, "\(simpoExample): losses −log σ(−0.2) and −log σ(−1)")
            try Expect.close(simpo.dChosen, [-0.0549834, -0.0731059], tolerance: 1e-6,
                             "\(simpoExample): d(mean loss)/d(policy chosen) = −β·σ(−x)/n_c/B")
            try Expect.close(simpo.dRejected, [0.109967, 0.0731059], tolerance: 1e-6,
                             "\(simpoExample): d(mean loss)/d(policy rejected) = β·σ(−x)/n_r/B")
            let simpoSettings = [(Float(2), Float(1)), (2, 0), (0.5, 0.3), (5, 2.5)].map { LossSettings(beta: $0.0, simpoGamma: $0.1) }
            try checkPairGradients(.simpo, simpoSettings, step: 0.05) { x, s in
                try f.simpoLoss(x.pc, x.pr, x.nc, x.nr, s.beta, s.simpoGamma)
            }
            // Saturation: x = ±1997 (and ±1999). σ must saturate without NaN: a pair won by far
            // costs 0 and gets no gradient; one lost by far costs −x, with derivatives ∓β/n/B.
            let far = try f.simpoLoss([-1, -1000], [-1000, -1], [1, 1], [1, 1], 2, 1)
            try Expect.that((far.losses + far.dChosen + far.dRejected).allSatisfy(\.isFinite),
                            "SimPO with x = 1997 and −1999: losses \(far.losses), derivatives \(far.dChosen), \(far.dRejected) must be finite")
            try Expect.close(far.losses, [0, 1999], tolerance: 1e-6, "SimPO with x = 1997 and −1999 (β 2, γ 1, one token each): losses")
            try Expect.close(far.dChosen, [0, -1], tolerance: 1e-6, "SimPO with x = 1997 and −1999, a batch of two: d(mean loss)/d(policy chosen)")
            try Expect.close(far.dRejected, [0, 1], tolerance: 1e-6, "SimPO with x = 1997 and −1999, a batch of two: d(mean loss)/d(policy rejected)")
            try Expect.refuses("8.3", "IPO with 2 chosen log-probs but 1 rejected") { try f.ipoLoss([-1, -2], [-1], [-1, -2], [-1, -2], [1, 1], [1, 1], 0.1) }
            try Expect.refuses("8.3", "IPO with 2 pairs but 1 rejected token count") { try f.ipoLoss([-1, -2], [-1, -2], [-1, -2], [-1, -2], [1, 1], [1], 0.1) }
            try Expect.refuses("8.3", "IPO with a chosen reply of 0 tokens (no per-token average)") { try f.ipoLoss([-1], [-1], [-1], [-1], [0], [3], 0.1) }
            try Expect.refuses("8.3", "SimPO with 1 chosen log-prob but 2 rejected") { try f.simpoLoss([-1], [-1, -2], [1], [1], 2, 1) }
            try Expect.refuses("8.3", "SimPO with a rejected reply of 0 tokens (no per-token average)") { try f.simpoLoss([-1], [-1], [3], [0], 2, 1) }
        },
        Exercise("8.4", "The KTO loss and its gradient", file: "exercises/08-dpo/KTOLossValues.swift",
                 symbol: "ktoLoss", hints: [
                    "First z, one number for the batch: the mean of policyKL − referenceKL over the mismatched pairs, then max(z, 0). Then each reply on its own: its log-ratio r = policy − reference, its sign (+1 desirable, −1 undesirable) and its weight.",
                    "With x = β·sign·(r − z), the loss is weight·(1 − σ(x)), and since σ′ = σ(1 − σ) and z does not move, d loss/d policy = −weight·σ(x)·(1 − σ(x))·β·sign. The batch's loss is the mean, so divide each derivative by B.",
                    "Compute σ(x) as 1/(1 + e^(−x)): for a very negative x the exponential overflows to infinity and σ to 0, which is right, where e^x/(1 + e^x) would give infinity over infinity. Test yourself: β 0.1, z 0, r 2 in a batch of two, one desirable and one not, cost 0.450 and 0.550 with derivatives −0.0124 and +0.0124.",
                 ]) { flavor in
            let f = Chapter8Functions.table(flavor, "8.4")
            // Two replies with r = 2 (policy −10, reference −12), one desirable, one not, β 0.1.
            // Mismatched gaps 1 and −2 have mean −0.5, so z is clamped to 0: x = ±0.2, losses
            // 1 − σ(0.2) = 0.450166 and 1 − σ(−0.2) = 0.549834, and σ(0.2)·(1 − σ(0.2))·β/B =
            // 0.0123758 is the size of both derivatives: the desirable reply's loss falls as it rises.
            let one = try f.ktoLoss([-10, -10], [-12, -12], [true, false], [-40, -45], [-41, -43], 0.1, 1, 1)
            let example = "policy [−10, −10], reference [−12, −12], labels [desirable, undesirable], β 0.1"
            try Expect.close(Double(one.z), 0, tolerance: 1e-7, "z of mismatched gaps [1, −2]: their mean −0.5, clamped at 0")
            try Expect.that(one.losses.count == 2 && one.gradient.count == 2,
                            "\(example): one loss and one derivative per reply, got \(one.losses.count) and \(one.gradient.count)")
            try Expect.close(one.losses, [0.450166, 0.549834], tolerance: 1e-5, "\(example), z 0: losses 1 − σ(±0.2)")
            try Expect.close(one.gradient, [-0.0123758, 0.0123758], tolerance: 1e-6,
                             "\(example), z 0: d(mean loss)/d(policy) = ∓σ(0.2)(1 − σ(0.2))·β/2")
            // The same replies with mismatched gaps 1 and 1 (z = 1) and the undesirable ones
            // weighted 1.5: x = ±0.1, losses 1 − σ(0.1) = 0.475021 and 1.5·(1 − σ(−0.1)) = 0.787469,
            // derivatives −0.0124688 and +1.5 · 0.0124688 = 0.0187032.
            let two = try f.ktoLoss([-10, -10], [-12, -12], [true, false], [-40, -44], [-41, -45], 0.1, 1, 1.5)
            try Expect.close(Double(two.z), 1, tolerance: 1e-6, "z of mismatched gaps [1, 1]")
            try Expect.close(two.losses, [0.475021, 0.787469], tolerance: 1e-5,
                             "\(example), z 1, undesirable weight 1.5: losses 1 − σ(0.1) and 1.5·(1 − σ(−0.1))")
            try Expect.close(two.gradient, [-0.0124688, 0.0187032], tolerance: 1e-6,
                             "\(example), z 1, undesirable weight 1.5: d(mean loss)/d(policy)")
            // Random batches against the chapter's KTOLoss and its autograd (z detached, as TRL),
            // and against central differences of your own mean loss.
            var rng = SeededRandom(seed: 85)
            let cases: [(drift: Float, beta: Float, wd: Float, wu: Float, what: String)] = [
                (3, 0.1, 1, 1, "a policy that drifted up (z > 0)"),
                (-3, 0.1, 1, 1, "a policy below the reference on mismatched pairs (z clamped to 0)"),
                (2, 0.5, 1, 1.33, "β 0.5, undesirable weight 1.33"),
                (1, 0.1, 0.7, 1, "desirable weight 0.7"),
            ]
            for c in cases {
                let n = 6
                let p = (0..<n).map { _ in -30 + rng.normal() * 5 }, r = p.map { $0 + rng.normal() * 4 }
                let labels = [true, false, true, true, false, false]
                let pk = (0..<n).map { _ in -60 + rng.normal() * 5 }, rk = pk.map { $0 - c.drift + rng.normal() }
                let got = try f.ktoLoss(p, r, labels, pk, rk, c.beta, c.wd, c.wu)
                let s = KTOSettings(beta: c.beta, desirableWeight: c.wd, undesirableWeight: c.wu)
                let v = Variable(Tensor([n], p), requiresGrad: true)
                let kit = KTOLoss.loss(KTOBatch(policy: v, reference: r, labels: labels, policyKL: pk, referenceKL: rk), s)
                kit.loss.backward()
                try Expect.close(Double(got.z), Double(kit.kl), tolerance: 1e-5, "z for \(c.what)")
                try Expect.that(got.losses.count == n && got.gradient.count == n,
                                "\(c.what): \(n) replies, got \(got.losses.count) losses and \(got.gradient.count) derivatives")
                for i in 0..<n {
                    let alone = KTOLoss.loss(KTOBatch(policy: Variable(Tensor([1], [p[i]])), reference: [r[i]], labels: [labels[i]],
                                                      policyKL: pk, referenceKL: rk), s).loss.scalar
                    try Expect.close(Double(got.losses[i]), Double(alone), tolerance: 1e-5,
                                     "\(c.what): loss of reply \(i) (\(labels[i] ? "desirable" : "undesirable"), r = \(p[i] - r[i]))")
                }
                try Expect.close(got.gradient, v.grad!.array, tolerance: 1e-6, "\(c.what): d(mean loss)/d(policy) against the kit's autograd")
                let h: Float = 1e-2
                let fd = try (0..<n).map { i -> Float in
                    var up = p, down = p
                    up[i] += h; down[i] -= h
                    let mean = { (x: [Float]) throws -> Double in
                        try f.ktoLoss(x, r, labels, pk, rk, c.beta, c.wd, c.wu).losses.reduce(0.0) { $0 + Double($1) } / Double(n)
                    }
                    return Float((try mean(up) - mean(down)) / Double(2 * h))
                }
                try Expect.close(got.gradient, fd, tolerance: 2e-5, "\(c.what): d(mean loss)/d(policy) against central differences of your mean loss")
            }
            // Far from the reference: σ must saturate without NaN. r = 1000 with β 1: the
            // desirable reply costs 0, the undesirable one its full weight, and neither moves.
            let far = try f.ktoLoss([0, 0], [-1000, -1000], [true, false], [], [], 1, 1, 1)
            try Expect.that(far.losses.allSatisfy(\.isFinite) && far.gradient.allSatisfy(\.isFinite),
                            "r = 1000, β 1: losses \(far.losses) and derivatives \(far.gradient) must be finite")
            try Expect.close(far.losses, [0, 1], tolerance: 1e-6, "r = 1000, β 1, no mismatched pairs (z 0): losses of a desirable and an undesirable reply")
            try Expect.close(far.gradient, [0, 0], tolerance: 1e-6, "r = 1000, β 1: derivatives (σ saturated)")
            try Expect.refuses("8.4", "3 policy log-probs but 2 labels") { try f.ktoLoss([-1, -2, -3], [-1, -2, -3], [true, false], [-5], [-5], 0.1, 1, 1) }
            try Expect.refuses("8.4", "2 mismatched policy log-probs but 1 reference") { try f.ktoLoss([-1], [-1], [true], [-5, -6], [-5], 0.1, 1, 1) }
        },
    ]
}

/// Random pairs (sums of log-probs and token counts): the learner's per-pair losses (and
/// rewards, when given) against the chapter's `PreferenceLoss`.
private func checkPairLoss(_ kind: PreferenceLoss, settings: LossSettings = .init(),
                           _ body: ((pc: [Float], pr: [Float], rc: [Float], rr: [Float], nc: [Int], nr: [Int])) throws
                               -> ([Float], [Float]?, [Float]?)) throws {
    var rng = SeededRandom(seed: 80 + UInt64(kind.rawValue.count))
    let n = 6
    let nc = (0..<n).map { _ in 5 + rng.int(40) }, nr = (0..<n).map { _ in 5 + rng.int(40) }
    let pc = nc.map { -Float($0) * (0.3 + rng.uniform()) }, pr = nr.map { -Float($0) * (0.3 + rng.uniform()) }
    let rc = pc.map { $0 + rng.normal() * 6 }, rr = pr.map { $0 + rng.normal() * 6 }
    let (losses, chosen, rejected) = try body((pc, pr, rc, rr, nc, nr))
    try Expect.that(losses.count == n, "\(kind.rawValue): expected \(n) per-pair losses, got \(losses.count)")
    let ref = kind(PairLogProbs(policyChosen: Variable(Tensor([n], pc)), policyRejected: Variable(Tensor([n], pr)),
                                referenceChosen: rc, referenceRejected: rr, chosenCounts: nc, rejectedCounts: nr), settings)
    // Per pair: the mean loss of a batch of one.
    for i in 0..<n {
        let one = kind(PairLogProbs(policyChosen: Variable(Tensor([1], [pc[i]])), policyRejected: Variable(Tensor([1], [pr[i]])),
                                    referenceChosen: [rc[i]], referenceRejected: [rr[i]], chosenCounts: [nc[i]], rejectedCounts: [nr[i]]), settings)
        try Expect.close(Double(losses[i]), Double(one.loss.scalar), tolerance: 1e-4,
                         "\(kind.rawValue) loss of pair \(i) (log-probs c \(pc[i]), r \(pr[i]); reference c \(rc[i]), r \(rr[i]); tokens \(nc[i]), \(nr[i]))")
    }
    if let chosen { try Expect.close(chosen, ref.chosenRewards, tolerance: 1e-4, "\(kind.rawValue) chosen rewards") }
    if let rejected { try Expect.close(rejected, ref.rejectedRewards, tolerance: 1e-4, "\(kind.rawValue) rejected rewards") }
}

/// Random batches of pairs, for each of `settings`: the learner's per-pair losses against the
/// chapter's `PreferenceLoss` on each pair alone, their derivatives of the batch's mean loss
/// against the kit's autograd, and against central differences (half-width `step`) of the mean
/// of the learner's own losses.
private func checkPairGradients(_ kind: PreferenceLoss, _ settings: [LossSettings], step: Double,
                                _ body: ((pc: [Float], pr: [Float], rc: [Float], rr: [Float], nc: [Int], nr: [Int]), LossSettings) throws
                                    -> Chapter8Functions.PairGradients) throws {
    var rng = SeededRandom(seed: 83 + UInt64(kind.rawValue.count))
    for s in settings {
        let n = 2 + rng.int(5)
        let nc = (0..<n).map { _ in 5 + rng.int(40) }, nr = (0..<n).map { _ in 5 + rng.int(40) }
        let pc = nc.map { -Float($0) * (0.3 + rng.uniform()) }, pr = nr.map { -Float($0) * (0.3 + rng.uniform()) }
        let rc = kind.needsReference ? pc.map { $0 + rng.normal() * 6 } : [], rr = kind.needsReference ? pr.map { $0 + rng.normal() * 6 } : []
        let x = (pc: pc, pr: pr, rc: rc, rr: rr, nc: nc, nr: nr)
        let what = "\(kind == .ipo ? "IPO" : "SimPO"), β \(s.beta)\(kind == .simpo ? ", γ \(s.simpoGamma)" : ""), \(n) pairs with tokens c \(nc), r \(nr)"
        let got = try body(x, s)
        try Expect.that(got.losses.count == n && got.dChosen.count == n && got.dRejected.count == n,
                        "\(what): \(n) losses and derivatives of each kind, got \(got.losses.count), \(got.dChosen.count), \(got.dRejected.count)")
        for i in 0..<n {
            let one = kind(PairLogProbs(policyChosen: Variable(Tensor([1], [pc[i]])), policyRejected: Variable(Tensor([1], [pr[i]])),
                                        referenceChosen: rc.isEmpty ? [] : [rc[i]], referenceRejected: rr.isEmpty ? [] : [rr[i]],
                                        chosenCounts: [nc[i]], rejectedCounts: [nr[i]]), s).loss.scalar
            try Expect.close(Double(got.losses[i]), Double(one), tolerance: 1e-5,
                             "\(what): loss of pair \(i) (log-probs c \(pc[i]), r \(pr[i])\(rc.isEmpty ? "" : "; reference c \(rc[i]), r \(rr[i])"))")
        }
        let vc = Variable(Tensor([n], pc), requiresGrad: true), vr = Variable(Tensor([n], pr), requiresGrad: true)
        kind(PairLogProbs(policyChosen: vc, policyRejected: vr, referenceChosen: rc, referenceRejected: rr,
                          chosenCounts: nc, rejectedCounts: nr), s).loss.backward()
        try Expect.close(got.dChosen, vc.grad!.array, tolerance: 1e-5, "\(what): d(mean loss)/d(policy chosen) against the kit's autograd")
        try Expect.close(got.dRejected, vr.grad!.array, tolerance: 1e-5, "\(what): d(mean loss)/d(policy rejected) against the kit's autograd")
        func mean(_ y: (pc: [Float], pr: [Float], rc: [Float], rr: [Float], nc: [Int], nr: [Int])) throws -> Double {
            try body(y, s).losses.reduce(0.0) { $0 + Double($1) } / Double(n)
        }
        var fdChosen: [Float] = [], fdRejected: [Float] = []
        for i in 0..<n {
            var up = x, down = x
            up.pc[i] += Float(step); down.pc[i] -= Float(step)
            fdChosen.append(Float((try mean(up) - mean(down)) / (2 * step)))
            (up, down) = (x, x)
            up.pr[i] += Float(step); down.pr[i] -= Float(step)
            fdRejected.append(Float((try mean(up) - mean(down)) / (2 * step)))
        }
        try Expect.close(got.dChosen, fdChosen, tolerance: 1e-4, "\(what): d(mean loss)/d(policy chosen) against central differences of your mean loss")
        try Expect.close(got.dRejected, fdRejected, tolerance: 1e-4, "\(what): d(mean loss)/d(policy rejected) against central differences of your mean loss")
    }
}
