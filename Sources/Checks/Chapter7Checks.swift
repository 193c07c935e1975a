import Autograd
import Core
import Exercises
import Foundation
import RLHF
import Solutions

/// The functions of Chapter 7's exercises in the three flavours (see Chapter1Functions).
struct Chapter7Functions {
    var gae: ([Float], [Float], Float, Float) throws -> (advantages: [Float], returns: [Float])
    var policyLoss: ([Float], [Float], [Float], Float) throws -> Float
    var valueLoss: ([Float], [Float], [Float], Float) throws -> Float
    var klRewards: ([Float], [Float], Float, Float, Bool) throws -> [Float]
    var adaptiveKL: (Float, Double, Double, Double, Int) throws -> Float
    var groupAdvantages: ([Double], Int, Bool) throws -> [Double]

    static var learner: Chapter7Functions { Chapter7Functions(
        gae: { try Exercises.gaeAdvantages(rewards: $0, values: $1, gamma: $2, lambda: $3) },
        policyLoss: { try Exercises.clippedPolicyLoss(logProbs: $0, oldLogProbs: $1, advantages: $2, clip: $3) },
        valueLoss: { try Exercises.clippedValueLoss(values: $0, oldValues: $1, returns: $2, clip: $3) },
        klRewards: { try Exercises.klShapedRewards(logProbs: $0, refLogProbs: $1, score: $2, beta: $3, useK3: $4) },
        adaptiveKL: { try Exercises.adaptiveKLUpdate(beta: $0, observedKL: $1, target: $2, horizon: $3, steps: $4) },
        groupAdvantages: { try Exercises.groupRelativeAdvantages(rewards: $0, groupSize: $1, scaleByStd: $2) }) }

    static var reference: Chapter7Functions { Chapter7Functions(
        gae: { try Solutions.gaeAdvantages(rewards: $0, values: $1, gamma: $2, lambda: $3) },
        policyLoss: { try Solutions.clippedPolicyLoss(logProbs: $0, oldLogProbs: $1, advantages: $2, clip: $3) },
        valueLoss: { try Solutions.clippedValueLoss(values: $0, oldValues: $1, returns: $2, clip: $3) },
        klRewards: { try Solutions.klShapedRewards(logProbs: $0, refLogProbs: $1, score: $2, beta: $3, useK3: $4) },
        adaptiveKL: { try Solutions.adaptiveKLUpdate(beta: $0, observedKL: $1, target: $2, horizon: $3, steps: $4) },
        groupAdvantages: { try Solutions.groupRelativeAdvantages(rewards: $0, groupSize: $1, scaleByStd: $2) }) }

    static func mutant(_ id: String) -> Chapter7Functions {
        var f = reference
        switch id {
        case "7.1": f.gae = { r, v, g, l in  // returns = advantages (forgets to add the values back)
            let a = try reference.gae(r, v, g, l); return (a.advantages, a.advantages)
        }
        case "7.2": f.policyLoss = { lp, old, a, c in  // min instead of max: the optimistic term...
            var total: Float = 0
            for t in lp.indices {
                let ratio = expf(lp[t] - old[t])
                total += min(-a[t] * ratio, -a[t] * min(max(ratio, 1 - c), 1 + c))
            }
            return lp.isEmpty ? 0 : total / Float(lp.count)
        }
            f.valueLoss = { v, old, r, c in  // ...and the value is clipped around 0, not around the old value
                var total: Float = 0
                for t in v.indices {
                    let vc = min(max(v[t], -c), c)
                    total += 0.5 * max((v[t] - r[t]) * (v[t] - r[t]), (vc - r[t]) * (vc - r[t]))
                }
                return v.isEmpty ? 0 : total / Float(v.count)
            }
        case "7.3": f.klRewards = { lp, ref, s, b, k3 in  // the score lands on the first token...
            var out = try reference.klRewards(lp, ref, 0, b, k3)
            if !out.isEmpty { out[0] += s }
            return out
        }
            f.adaptiveKL = { b, kl, target, h, n in  // ...and β's proportional error is not clipped
                b * Float(1 + (kl / target - 1) * Double(n) / h)
            }
        case "7.4": f.groupAdvantages = { r, g, scale in  // normalises over the whole batch, not per group
            let mean = r.reduce(0, +) / Double(r.count)
            let s = (r.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(r.count - 1, 1))).squareRoot()
            return r.map { scale ? ($0 - mean) / (s + 1e-4) : $0 - mean }
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter7Functions {
        let f: Chapter7Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}

extension Catalogue {
    static let chapter7: [Exercise] = [
        Exercise("7.1", "Generalised advantage estimation", file: "exercises/07-rlhf/GAEAdvantages.swift",
                 symbol: "gaeAdvantages", hints: [
                    "Loop t from the last token down to 0, carrying the next token's value and advantage (both 0 at the end).",
                    "δ_t uses γ·V_{t+1}; the advantage recursion multiplies the carried advantage by γ·λ.",
                    "Update the carried value AFTER using it for δ_t. Test yourself on the book's example: rewards 0, 0, 1, values 0.5, 0.2, 0.1, γ 1, λ 0.95 give advantages 0.417, 0.755, 0.9.",
                 ]) { flavor in
            let f = Chapter7Functions.table(flavor, "7.1")
            // Hand-computed: γ 1, λ 0.95, the score 1 on the last token.
            let g = try f.gae([0, 0, 1], [0.5, 0.2, 0.1], 1, 0.95)
            try Expect.close(g.advantages, [0.41725, 0.755, 0.9], tolerance: 1e-5, "advantages of rewards [0, 0, 1], values [0.5, 0.2, 0.1]")
            try Expect.close(g.returns, [0.91725, 0.955, 1.0], tolerance: 1e-5, "returns (advantages + values)")
            // Against the chapter's GAE with a discount.
            var rng = SeededRandom(seed: 71)
            let r = (0..<7).map { _ in rng.normal() }, v = (0..<7).map { _ in rng.normal() }
            let mine = try f.gae(r, v, 0.9, 0.8), kit = GAE.compute(rewards: r, values: v, gamma: 0.9, lambda: 0.8)
            try Expect.close(mine.advantages, kit.advantages, tolerance: 1e-5, "advantages with γ 0.9, λ 0.8")
            try Expect.close(mine.returns, kit.returns, tolerance: 1e-5, "returns with γ 0.9, λ 0.8")
        },
        Exercise("7.2", "PPO's clipped objective: policy and value losses", file: "exercises/07-rlhf/PPOLosses.swift",
                 symbol: "clippedPolicyLoss", hints: [
                    "Work token by token for both losses: the ratio is exp of the log-prob difference; the value's clipped estimate stays within ±clip of the OLD value.",
                    "Policy: both terms carry a minus sign and the loss keeps the LARGER (pessimistic) one. Value: take the larger of the two squared errors, halve it. Average over tokens.",
                    "Clip the ratio, not the advantage; clip the change V − V_old, then add V_old back. Test yourself: ratio 1.5 with advantage +1 and ε 0.2 costs −1.2; value 1, old 0.5, return 1 costs ½ · 0.09.",
                 ]) { flavor in
            let f = Chapter7Functions.table(flavor, "7.2")
            // ratio 1 (unclipped), 1.5 with A > 0 (clipped at 1.2), 0.5 with A < 0 (clipped at 0.8).
            let loss = try f.policyLoss([0, log(1.5), log(0.5)], [0, 0, 0], [1, 1, -1], 0.2)
            try Expect.close(Double(loss), (-1 - 1.2 + 0.8) / 3, tolerance: 1e-5, "loss of ratios [1, 1.5, 0.5] with advantages [1, 1, -1]")
            // Ratio 0.5 with A > 0: the unclipped term is the larger one and is kept.
            try Expect.close(Double(try f.policyLoss([log(0.5)], [0], [2], 0.2)), -1.0, tolerance: 1e-5, "ratio 0.5, advantage 2")
            var rng = SeededRandom(seed: 72)
            let n = 9
            let lp = (0..<n).map { _ in rng.normal() * 0.3 - 2 }, old = (0..<n).map { _ in rng.normal() * 0.3 - 2 }
            let a = (0..<n).map { _ in rng.normal() }
            let kit = PPOLoss.policy(logProbs: Variable(Tensor([n], lp)), oldLogProbs: old, advantages: a,
                                     weights: [Float](repeating: 1 / Float(n), count: n), clip: 0.2).loss.scalar
            try Expect.close(Double(try f.policyLoss(lp, old, a, 0.2)), Double(kit), tolerance: 1e-5, "random tokens vs the chapter's PPOLoss")
            // The value loss.
            // Token 0 moved 0.5 from its old value: the clipped error (0.7 − 1)² = 0.09 wins.
            let valueLoss = try f.valueLoss([1, 0], [0.5, 0], [1, 1], 0.2)
            try Expect.close(Double(valueLoss), 0.5 * (0.09 + 1) / 2, tolerance: 1e-5, "values [1, 0], old [0.5, 0], returns [1, 1]")
            try Expect.close(Double(try f.valueLoss([2.1], [2.0], [3.0], 0.2)), 0.5 * 0.81, tolerance: 1e-5,
                             "value 2.1, old 2.0, return 3.0 (inside the clip range)")
            rng = SeededRandom(seed: 73)
            let m = 8
            let v = (0..<m).map { _ in rng.normal() }, oldV = (0..<m).map { _ in rng.normal() }, r = (0..<m).map { _ in rng.normal() }
            let kitValue = PPOLoss.value(values: Variable(Tensor([m], v)), oldValues: oldV, returns: r,
                                         weights: [Float](repeating: 1 / Float(m), count: m), clip: 0.2).loss.scalar
            try Expect.close(Double(try f.valueLoss(v, oldV, r, 0.2)), Double(kitValue), tolerance: 1e-5, "random tokens vs the chapter's PPOLoss (value)")
        },
        Exercise("7.3", "The KL penalty and its adaptive β", file: "exercises/07-rlhf/KLShapedRewards.swift",
                 symbol: "klShapedRewards", hints: [
                    "Rewards: every token gets −β times its KL estimate, and only the last one also gets the score. The controller: compare the batch's KL with the target as a ratio.",
                    "k1 is the plain log-ratio; k3 uses r = ref − logp and is never negative. The controller's error is KL/target − 1, clipped to ±0.2, and β changes by the factor 1 + error · steps/horizon.",
                    "An empty reply has no rewards at all, and the controller computes its factor in Double. Test yourself: k1, β 0.1, score 2, log-probs −1, −2, −0.5 against −2, −1, −0.5 give −0.1, 0.1, 2; KL 6.6 against a target of 6 with 256 steps and horizon 10,000 multiplies β by 1.00256.",
                 ]) { flavor in
            let f = Chapter7Functions.table(flavor, "7.3")
            let k1 = try f.klRewards([-1, -2, -0.5], [-2, -1, -0.5], 2, 0.1, false)
            try Expect.close(k1, [-0.1, 0.1, 2], tolerance: 1e-5, "k1 rewards, β 0.1, score 2")
            let k3 = try f.klRewards([-1, -2], [-2, -1], 0, 1, true)
            try Expect.close(k3, [-Float(exp(-1.0)), -Float(exp(1.0) - 2)], tolerance: 1e-5, "k3 rewards, β 1, score 0")
            let kit = KLPenalty.rewards(logProbs: [-1.5, -0.2, -3], refLogProbs: [-1, -0.4, -2], score: 0.7, beta: 0.05, estimator: .k3)
            try Expect.close(try f.klRewards([-1.5, -0.2, -3], [-1, -0.4, -2], 0.7, 0.05, true), kit, tolerance: 1e-5, "vs KLPenalty.rewards (k3)")
            try Expect.that(try f.klRewards([], [], 1, 0.1, false).isEmpty, "an empty response has no rewards")
            // The controller.
            try Expect.close(Double(try f.adaptiveKL(0.2, 12, 6, 10000, 256)), 0.2 * 1.00512, tolerance: 1e-6, "KL 12 (twice the target): error clipped to +0.2")
            try Expect.close(Double(try f.adaptiveKL(0.2, 3, 6, 10000, 256)), 0.2 * 0.99488, tolerance: 1e-6, "KL 3 (half the target): error clipped to −0.2")
            try Expect.close(Double(try f.adaptiveKL(0.2, 6.6, 6, 10000, 256)), 0.2 * 1.00256, tolerance: 1e-6, "KL 6.6: error +0.1")
            var controller = AdaptiveKLController(initial: 0.1, target: 6, horizon: 1000)
            controller.update(observedKL: 5, steps: 64)
            try Expect.close(Double(try f.adaptiveKL(0.1, 5, 6, 1000, 64)), Double(controller.value), tolerance: 1e-6, "vs AdaptiveKLController")
        },
        Exercise("7.4", "GRPO's group-relative advantages", file: "exercises/07-rlhf/GroupRelativeAdvantages.swift",
                 symbol: "groupRelativeAdvantages", hints: [
                    "Handle each group of groupSize rewards on its own: its mean and its standard deviation.",
                    "The sample standard deviation divides by n − 1; add 1e-4 before dividing.",
                    "Without scaling (Dr. GRPO) the advantage is just the reward minus its group's mean. Test yourself: a group 0.5, 0.5 gives 0, 0 either way.",
                 ]) { flavor in
            let f = Chapter7Functions.table(flavor, "7.4")
            let s = 0.5.squareRoot()   // sample std of [1, 0]
            let got = try f.groupAdvantages([1, 0, 0.5, 0.5], 2, true)
            try Expect.close(got.map(Float.init), [0.5 / (s + 1e-4), -0.5 / (s + 1e-4), 0, 0].map(Float.init), tolerance: 1e-5,
                             "rewards [1, 0 | 0.5, 0.5] in groups of 2")
            let dr = try f.groupAdvantages([1, 0, 0.5, 0.5], 2, false)
            try Expect.close(dr.map(Float.init), [0.5, -0.5, 0, 0], tolerance: 1e-6, "Dr. GRPO (no std scaling)")
            var rng = SeededRandom(seed: 76)
            let r = (0..<12).map { _ in Double(rng.uniform()) }
            let kit = GroupAdvantages.compute(rewards: r, groupSize: 4)
            try Expect.close(try f.groupAdvantages(r, 4, true).map(Float.init), kit.map(Float.init), tolerance: 1e-5, "vs GroupAdvantages.compute")
        },
    ]
}
