import Autograd
import Core
import Exercises
import Foundation
import RLHF
import Solutions

/// The functions of Chapter 7's exercises in the three flavours (see Chapter1Functions).
struct Chapter7Functions {
    /// (rewards, values per response, γ, λ) → whitened advantages and returns per response.
    var gae: ([[Float]], [[Float]], Float, Float) throws -> (advantages: [[Float]], returns: [[Float]])
    /// (log-probs, old log-probs, advantages, weights, clip) → the loss and d(loss)/d(log-probs).
    var policyLoss: ([Float], [Float], [Float], [Float], Float) throws -> (loss: Float, gradient: [Float])
    /// (values, old values, returns, weights, clip) → the loss and d(loss)/d(values).
    var valueLoss: ([Float], [Float], [Float], [Float], Float) throws -> (loss: Float, gradient: [Float])
    var klRewards: ([Float], [Float], Float, Float, Bool) throws -> [Float]
    var adaptiveKL: (Float, Double, Double, Double, Int) throws -> Float
    /// (rewards, group size, tokens per reply, maximum new tokens, Dr. GRPO) → per-token advantages and weights.
    var groupAdvantages: ([Double], Int, [Int], Int, Bool) throws -> (advantages: [Float], weights: [Float])

    static var learner: Chapter7Functions { Chapter7Functions(
        gae: { try Exercises.batchAdvantages(rewards: $0, values: $1, gamma: $2, lambda: $3) },
        policyLoss: { try Exercises.clippedPolicyLoss(logProbs: $0, oldLogProbs: $1, advantages: $2, weights: $3, clip: $4) },
        valueLoss: { try Exercises.clippedValueLoss(values: $0, oldValues: $1, returns: $2, weights: $3, clip: $4) },
        klRewards: { try Exercises.klShapedRewards(logProbs: $0, refLogProbs: $1, score: $2, beta: $3, useK3: $4) },
        adaptiveKL: { try Exercises.adaptiveKLUpdate(beta: $0, observedKL: $1, target: $2, horizon: $3, steps: $4) },
        groupAdvantages: { try Exercises.groupAdvantages(rewards: $0, groupSize: $1, lengths: $2, maxNewTokens: $3, drGRPO: $4) }) }

    static var reference: Chapter7Functions { Chapter7Functions(
        gae: { try Solutions.batchAdvantages(rewards: $0, values: $1, gamma: $2, lambda: $3) },
        policyLoss: { try Solutions.clippedPolicyLoss(logProbs: $0, oldLogProbs: $1, advantages: $2, weights: $3, clip: $4) },
        valueLoss: { try Solutions.clippedValueLoss(values: $0, oldValues: $1, returns: $2, weights: $3, clip: $4) },
        klRewards: { try Solutions.klShapedRewards(logProbs: $0, refLogProbs: $1, score: $2, beta: $3, useK3: $4) },
        adaptiveKL: { try Solutions.adaptiveKLUpdate(beta: $0, observedKL: $1, target: $2, horizon: $3, steps: $4) },
        groupAdvantages: { try Solutions.groupAdvantages(rewards: $0, groupSize: $1, lengths: $2, maxNewTokens: $3, drGRPO: $4) }) }

    static func mutant(_ id: String) -> Chapter7Functions {
        var f = reference
        switch id {
        case "7.1": f.gae = { r, v, g, l in  // whitens each response on its own, not the batch together
            let each = try zip(r, v).map { try reference.gae([$0], [$1], g, l) }
            return (each.map { $0.advantages[0] }, each.map { $0.returns[0] })
        }
        case "7.2": f.policyLoss = { lp, old, a, w, c in  // the gradient ignores the clip: every token keeps
            let right = try reference.policyLoss(lp, old, a, w, c)          // the unclipped derivative...
            return (right.loss, lp.indices.map { -a[$0] * w[$0] * exp(lp[$0] - old[$0]) })
        }
            f.valueLoss = { v, old, r, w, c in                              // ...and so does every value
                let right = try reference.valueLoss(v, old, r, w, c)
                return (right.loss, v.indices.map { w[$0] * (v[$0] - r[$0]) })
            }
        case "7.3": f.klRewards = { lp, ref, s, b, k3 in  // the score lands on the first token...
            var out = try reference.klRewards(lp, ref, 0, b, k3)
            if !out.isEmpty { out[0] += s }
            return out
        }
            f.adaptiveKL = { b, kl, target, h, n in  // ...and β's proportional error is not clipped
                b * Float(1 + (kl / target - 1) * Double(n) / h)
            }
        case "7.4": f.groupAdvantages = { r, g, lengths, m, dr in  // GRPO's tokens all weigh 1/(tokens in the batch)
            let right = try reference.groupAdvantages(r, g, lengths, m, dr)      // (a token-level mean), not 1/(B·|o_i|)
            let tokens = Float(lengths.reduce(0, +))
            return dr ? right : (right.advantages, right.weights.map { _ in 1 / tokens })
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
        Exercise("7.1", "PPO's advantages for a batch: GAE, then whitening", file: "exercises/07-rlhf/BatchAdvantages.swift",
                 symbol: "batchAdvantages", hints: [
                    "Two passes. First GAE for each response on its own: loop t from its last token down to 0, carrying the next token's value and advantage (both 0 at the end). Then one mean and one standard deviation over every token of every response.",
                    "δ_t uses γ·V_{t+1} and the recursion multiplies the carried advantage by γ·λ; the returns are A + V before whitening. Whitening works in Double: the mean, the mean of the squared deviations times n/(n − 1), then (a − mean) times 1/√(variance + 1e-8).",
                    "Only the advantages are whitened, and only when the batch holds more than one token; an empty response stays empty. Test yourself: advantages 1, 2, 4 in one response and 1 in another have mean 2 and sample standard deviation √2, so whitened they are −0.71, 0, 1.41 and −0.71.",
                 ]) { flavor in
            let f = Chapter7Functions.table(flavor, "7.1")
            // The book's reply on its own: γ 1, λ 0.95, the score 1 on the last token. GAE gives
            // advantages 0.41725, 0.755, 0.9 and returns 0.91725, 0.955, 1.0; whitened over its
            // three tokens (mean 0.69075, sample std 0.24771) the advantages are −1.10413, 0.25938, 0.84475.
            let one = try f.gae([[0, 0, 1]], [[0.5, 0.2, 0.1]], 1, 0.95)
            try Expect.that(one.advantages.count == 1 && one.returns.count == 1,
                            "one response in, one out: got \(one.advantages.count) advantage arrays and \(one.returns.count) return arrays")
            try Expect.close(one.returns[0], [0.91725, 0.955, 1.0], tolerance: 1e-5,
                             "returns of rewards [0, 0, 1], values [0.5, 0.2, 0.1] (GAE's advantages 0.41725, 0.755, 0.9 plus the values, before whitening)")
            try Expect.close(one.advantages[0], [-1.10413, 0.25938, 0.84475], tolerance: 1e-4,
                             "advantages 0.41725, 0.755, 0.9 whitened (mean 0.69075, sample std 0.24771)")
            // Two responses, γ 1, λ 0.5. Rewards [0, 0, 4] with values 0 give advantages 4, 2, 1
            // from the end, so [1, 2, 4]; reward 1.5 with value 0.5 gives 1 (return 1.5). The batch's
            // four advantages [1, 2, 4 | 1] have mean 2, squared deviations 1 + 0 + 4 + 1 = 6, sample
            // variance 6/3 = 2 (6/4 without Bessel's correction), std √2: whitened −1/√2, 0, 2/√2 | −1/√2.
            let two = try f.gae([[0, 0, 4], [1.5]], [[0, 0, 0], [0.5]], 1, 0.5)
            try Expect.that(two.advantages.map(\.count) == [3, 1] && two.returns.map(\.count) == [3, 1],
                            "responses of 3 and 1 tokens: got advantages of \(two.advantages.map(\.count)) and returns of \(two.returns.map(\.count)) tokens")
            let h = Float(0.5.squareRoot())
            try Expect.close(two.advantages[0] + two.advantages[1], [-h, 0, 2 * h, -h], tolerance: 1e-5,
                             "advantages [1, 2, 4 | 1] whitened over the whole batch (mean 2, sample std √2)")
            try Expect.close(two.returns[0] + two.returns[1], [1, 2, 4, 1.5], tolerance: 1e-5, "returns (GAE's advantages + values, not whitened)")
            // Against the chapter's GAE.batch, bit for bit: the task fixes the operations and their
            // order. Lengths include empty responses, a batch of one token and batches with none
            // (left as they are: nothing to whiten).
            var rng = SeededRandom(seed: 71)
            let cases: [(lengths: [Int], gamma: Float, lambda: Float)] = [
                ([5, 1, 9, 3], 1, 0.95), ([7], 0.9, 0.8), ([2, 0, 6, 1, 4], 1, 1), ([12, 11, 3], 0.99, 0.9),
                ([0, 4, 0], 1, 0.95), ([1], 1, 0.95), ([0, 1, 0], 0.9, 0.8), ([1, 1], 1, 0.95), ([], 1, 0.95), ([0], 1, 0.95),
            ]
            for c in cases {
                let r = c.lengths.map { n in (0..<n).map { _ in rng.normal() * 0.1 } }
                let v = c.lengths.map { n in (0..<n).map { _ in rng.normal() } }
                let mine = try f.gae(r, v, c.gamma, c.lambda), kit = GAE.batch(rewards: r, values: v, gamma: c.gamma, lambda: c.lambda)
                let what = "a batch of responses of \(c.lengths) tokens, γ \(c.gamma), λ \(c.lambda)"
                try Expect.that(mine.advantages.map(\.count) == c.lengths && mine.returns.map(\.count) == c.lengths,
                                "\(what): got advantages of \(mine.advantages.map(\.count)) and returns of \(mine.returns.map(\.count)) tokens")
                try Expect.close(mine.advantages.flatMap { $0 }, kit.advantages.flatMap { $0 }, tolerance: 1e-5, "\(what): advantages")
                try Expect.close(mine.returns.flatMap { $0 }, kit.returns.flatMap { $0 }, tolerance: 1e-5, "\(what): returns")
                try expectSame(mine.advantages, kit.advantages, "\(what): advantages")
                try expectSame(mine.returns, kit.returns, "\(what): returns")
            }
        },
        Exercise("7.2", "PPO's clipped objective: the losses and their gradients", file: "exercises/07-rlhf/PPOLosses.swift",
                 symbol: "clippedPolicyLoss", hints: [
                    "Work token by token for both losses and add up weight × the token's loss: the ratio is exp of the log-prob difference; the value's clipped estimate stays within ±clip of the OLD value.",
                    "Policy: both terms carry −A and the loss keeps the LARGER one; while the unclipped term is kept the gradient is −A·ratio·weight (d ratio/d log π = ratio), and where the clipped term wins it is 0. Value: ½·max of the two squared errors, so the gradient is weight·(V − R), or weight·(V_clip − R) while V_clip still moves with V.",
                    "The clipped term only sends a gradient when clip() did not cut: a token whose kept term is the clipped one, beyond 1 ± clip, must get exactly 0. Test yourself with ε 0.2 and weight 1: ratio 1.5 with advantage +1 costs −1.2 with gradient 0, ratio 0.5 with advantage +2 costs −1 with gradient −1; value 1.2, old 0.5, return 1 costs ½ · 0.09 with gradient 0.",
                 ]) { flavor in
            let f = Chapter7Functions.table(flavor, "7.2")
            // Five tokens, ε 0.2, each with its own weight (its share of the batch):
            //   ratio 1.1, A +1   inside the clip range     loss −1.1·0.1,  gradient −A·ratio·w = −0.11
            //   ratio 1.5, A +1   clipped above at 1.2      loss −1.2·0.2,  gradient 0 (flat)
            //   ratio 0.5, A −1   clipped below at 0.8      loss  0.8·0.3,  gradient 0 (flat)
            //   ratio 0.5, A +2   below, but the unclipped −1 beats −1.6: loss −1·0.2, gradient −0.2
            //   ratio 1.5, A −1   above, but the unclipped 1.5 beats 1.2:  loss 1.5·0.2, gradient +0.3
            let worked = try f.policyLoss([log(1.1), log(1.5), log(0.5), log(0.5), log(1.5)], [0, 0, 0, 0, 0],
                                          [1, 1, -1, 2, -1], [0.1, 0.2, 0.3, 0.2, 0.2], 0.2)
            try Expect.close(Double(worked.loss), -0.11 - 0.24 + 0.24 - 0.2 + 0.3, tolerance: 1e-5,
                             "policy loss of ratios [1.1, 1.5, 0.5, 0.5, 1.5], advantages [1, 1, −1, 2, −1], weights [0.1, 0.2, 0.3, 0.2, 0.2]")
            try Expect.that(worked.gradient.count == 5, "the policy gradient has one value per token: expected 5, got \(worked.gradient.count)")
            let cases: [(Float, String)] = [
                (-0.11, "ratio 1.1, advantage +1, weight 0.1: inside the clip range, −A·ratio·w"),
                (0, "ratio 1.5, advantage +1: the clipped term 1.2 is kept, and it is flat in the ratio"),
                (0, "ratio 0.5, advantage −1: the clipped term 0.8 is kept, and it is flat in the ratio"),
                (-0.2, "ratio 0.5, advantage +2, weight 0.2: outside the range, but the unclipped term is the larger one"),
                (0.3, "ratio 1.5, advantage −1, weight 0.2: outside the range, but the unclipped term is the larger one"),
            ]
            for (t, (expected, what)) in cases.enumerated() {
                try Expect.close(Double(worked.gradient[t]), Double(expected), tolerance: 1e-5, "policy gradient of token \(t) (\(what))")
            }
            // Random tokens with GRPO's weights (three replies of 4, 3 and 2 tokens): against the
            // chapter's PPOLoss and its autograd, and against finite differences of your own loss.
            var rng = SeededRandom(seed: 72)
            let n = 9
            let lp = (0..<n).map { _ in rng.normal() * 0.3 - 2 }, old = (0..<n).map { _ in rng.normal() * 0.3 - 2 }
            let a = (0..<n).map { _ in rng.normal() }
            let w = [4, 3, 2].flatMap { l in [Float](repeating: 1 / Float(3 * l), count: l) }
            let kitLP = Variable(Tensor([n], lp), requiresGrad: true)
            let kit = PPOLoss.policy(logProbs: kitLP, oldLogProbs: old, advantages: a, weights: w, clip: 0.2).loss
            kit.backward()
            let mine = try f.policyLoss(lp, old, a, w, 0.2)
            try Expect.close(Double(mine.loss), Double(kit.scalar), tolerance: 1e-5, "policy loss of random tokens vs the chapter's PPOLoss")
            try Expect.close(mine.gradient, kitLP.grad!.array, tolerance: 1e-5, "policy gradient of random tokens vs the chapter's PPOLoss")
            try Expect.close(mine.gradient, try numericalGradient(lp) { try f.policyLoss($0, old, a, w, 0.2).loss }, tolerance: 1e-3,
                             "policy gradient of random tokens vs finite differences of your loss")
            let none = try f.policyLoss([], [], [], [], 0.2)
            try Expect.that(none.loss == 0 && none.gradient.isEmpty, "no tokens: loss 0 and no gradient, got \(none)")

            // The value loss, ε 0.2, weights [0.5, 0.25, 0.25]:
            //   V 2.1, old 2.0, R 3.0   inside the range:     loss ½·0.81·0.5,  gradient w·(V − R) = −0.45
            //   V 1.2, old 0.5, R 1.0   V_clip 0.7 is kept:   loss ½·0.09·0.25, gradient 0 (V_clip no longer moves)
            //   V 0.0, old 0.5, R 1.0   V_clip 0.3, but the unclipped 1 beats 0.49: loss ½·1·0.25, gradient −0.25
            let value = try f.valueLoss([2.1, 1.2, 0], [2.0, 0.5, 0.5], [3, 1, 1], [0.5, 0.25, 0.25], 0.2)
            try Expect.close(Double(value.loss), 0.5 * (0.81 * 0.5 + 0.09 * 0.25 + 1 * 0.25), tolerance: 1e-5,
                             "value loss of values [2.1, 1.2, 0], old [2, 0.5, 0.5], returns [3, 1, 1], weights [0.5, 0.25, 0.25]")
            try Expect.that(value.gradient.count == 3, "the value gradient has one value per token: expected 3, got \(value.gradient.count)")
            let valueCases: [(Float, String)] = [
                (-0.45, "value 2.1, old 2.0, return 3.0, weight 0.5: inside the clip range, w·(V − R)"),
                (0, "value 1.2, old 0.5, return 1: the clipped error is kept, and V_clip = 0.7 no longer moves with V"),
                (-0.25, "value 0, old 0.5, return 1, weight 0.25: clipped, but the unclipped error is the larger one"),
            ]
            for (t, (expected, what)) in valueCases.enumerated() {
                try Expect.close(Double(value.gradient[t]), Double(expected), tolerance: 1e-5, "value gradient of token \(t) (\(what))")
            }
            rng = SeededRandom(seed: 73)
            let m = 8
            let v = (0..<m).map { _ in rng.normal() }, oldV = (0..<m).map { _ in rng.normal() }, r = (0..<m).map { _ in rng.normal() }
            let vw = [Float](repeating: 1 / Float(m), count: m)
            let kitV = Variable(Tensor([m], v), requiresGrad: true)
            let kitValue = PPOLoss.value(values: kitV, oldValues: oldV, returns: r, weights: vw, clip: 0.2).loss
            kitValue.backward()
            let mineV = try f.valueLoss(v, oldV, r, vw, 0.2)
            try Expect.close(Double(mineV.loss), Double(kitValue.scalar), tolerance: 1e-5, "value loss of random tokens vs the chapter's PPOLoss")
            try Expect.close(mineV.gradient, kitV.grad!.array, tolerance: 1e-5, "value gradient of random tokens vs the chapter's PPOLoss")
            try Expect.close(mineV.gradient, try numericalGradient(v) { try f.valueLoss($0, oldV, r, vw, 0.2).loss }, tolerance: 1e-3,
                             "value gradient of random tokens vs finite differences of your loss")
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
        Exercise("7.4", "GRPO's per-token advantages and loss weights", file: "exercises/07-rlhf/GroupAdvantages.swift",
                 symbol: "groupAdvantages", hints: [
                    "Two numbers per reply, each handed to every one of its tokens: its advantage, from its own group's rewards (their mean and, for GRPO, their spread), and its weight, from its length. Refuse a batch that does not split into whole groups first.",
                    "GRPO: A_i = (r_i − mean)/(std + 1e-4) with std = √(Σ(r − mean)² / (n − 1)) over the group, in Double, and weight 1/(B·lengths[i]) in Float. Dr. GRPO: A_i = r_i − mean and weight 1/(B·maxNewTokens). B is the number of replies in the whole batch.",
                    "B counts every reply of the batch, not of one group, and a reply of 0 tokens adds nothing to either array. Test yourself: rewards 1, 0 | 0.5, 0.5 with lengths 2, 1, 3, 1 give GRPO advantages 0.707, 0.707, −0.707, 0, 0, 0, 0 and weights 1/8, 1/8, 1/4, 1/12, 1/12, 1/12, 1/4: each reply's weights add up to 1/4.",
                 ]) { flavor in
            let f = Chapter7Functions.table(flavor, "7.4")
            // Two prompts, two replies each: rewards [1, 0 | 0.5, 0.5], replies of 2, 1, 3 and 1
            // tokens, B = 4. The first group has mean 0.5 and sample std √½, so its advantages are
            // ±0.5/(√½ + 1e-4); the second scored alike and gets 0. GRPO weighs a token of a reply of
            // L tokens 1/(4L); Dr. GRPO every token 1/(4 · maxNewTokens) = 1/16.
            let a = Float(0.5 / (0.5.squareRoot() + 1e-4))
            let example = "rewards [1, 0 | 0.5, 0.5] in groups of 2, replies of [2, 1, 3, 1] tokens"
            let grpo = try f.groupAdvantages([1, 0, 0.5, 0.5], 2, [2, 1, 3, 1], 4, false)
            try Expect.that(grpo.advantages.count == 7 && grpo.weights.count == 7,
                            "\(example): one advantage and one weight per token (7), got \(grpo.advantages.count) and \(grpo.weights.count)")
            try Expect.close(grpo.advantages, [a, a, -a, 0, 0, 0, 0], tolerance: 1e-6,
                             "\(example): GRPO's advantages (±0.5/(√½ + 1e-4) in the first group, 0 in the second, given to every token)")
            try Expect.close(grpo.weights, [1.0 / 8, 1.0 / 8, 1.0 / 4, 1.0 / 12, 1.0 / 12, 1.0 / 12, 1.0 / 4], tolerance: 1e-7,
                             "\(example): GRPO's weights 1/(B·L) with B = 4 replies (each reply's tokens add up to 1/4)")
            let dr = try f.groupAdvantages([1, 0, 0.5, 0.5], 2, [2, 1, 3, 1], 4, true)
            try Expect.close(dr.advantages, [0.5, 0.5, -0.5, 0, 0, 0, 0], tolerance: 1e-7, "\(example): Dr. GRPO's advantages (not scaled)")
            try Expect.close(dr.weights, [Float](repeating: 1.0 / 16, count: 7), tolerance: 1e-7,
                             "\(example), maxNewTokens 4: Dr. GRPO's weights 1/(B·maxNewTokens) = 1/16 for every token")
            // Against the chapter's GroupAdvantages.perToken, bit for bit: the run trains on these
            // numbers. Groups of one reply, replies of 0 tokens, groups that all scored alike.
            var rng = SeededRandom(seed: 76)
            let cases: [(groupSize: Int, lengths: [Int], alike: Bool)] = [
                (4, [5, 1, 9, 3, 7, 7, 2, 4], false), (2, [3, 0, 6, 1], false), (1, [2, 3], false), (3, [4, 4, 4], true),
                (8, (0..<8).map { 1 + $0 * 5 }, false), (2, [], false),
            ]
            for c in cases {
                let rewards = c.lengths.map { _ in c.alike ? 0.25 : Double(rng.uniform()) }
                for drGRPO in [false, true] {
                    let what = "rewards \(rewards.map { ($0 * 1000).rounded() / 1000 }) in groups of \(c.groupSize), replies of \(c.lengths) tokens, "
                        + (drGRPO ? "Dr. GRPO" : "GRPO")
                    let mine = try f.groupAdvantages(rewards, c.groupSize, c.lengths, 32, drGRPO)
                    let kit = GroupAdvantages.perToken(rewards: rewards, groupSize: c.groupSize, lengths: c.lengths,
                                                       variant: drGRPO ? .drGRPO : .grpo, maxNewTokens: 32)
                    try Expect.that(mine.advantages.count == kit.advantages.count && mine.weights.count == kit.weights.count,
                                    "\(what): expected \(kit.advantages.count) advantages and weights, got \(mine.advantages.count) and \(mine.weights.count)")
                    try Expect.close(mine.advantages, kit.advantages, tolerance: 1e-5, "\(what): advantages")
                    try Expect.close(mine.weights, kit.weights, tolerance: 1e-7, "\(what): weights")
                    try expectSameTokens(mine.advantages, kit.advantages, "\(what): advantages")
                    try expectSameTokens(mine.weights, kit.weights, "\(what): weights")
                }
            }
            try Expect.refuses("7.4", "3 rewards in groups of 2") { try f.groupAdvantages([1, 0, 1], 2, [1, 1, 1], 4, false) }
            try Expect.refuses("7.4", "4 rewards but 3 lengths") { try f.groupAdvantages([1, 0, 1, 0], 2, [1, 1, 1], 4, false) }
        },
    ]
}

/// Equal value for value (a close but different last bit comes from another order of operations).
private func expectSame(_ actual: [[Float]], _ expected: [[Float]], _ what: String) throws {
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        for (t, (x, y)) in zip(a, e).enumerated() where x != y {
            throw CheckFailure("\(what)[\(i)][\(t)]: expected \(y), got \(x): right to within rounding, but the kit's "
                               + "differs in the last bits; compute in the task's order (GAE in Float, whitening in Double, "
                               + "the variance as the mean of squared deviations times n/(n − 1), then times 1/√(variance + 1e-8))")
        }
    }
}

/// Equal value for value, token by token (7.4): the run trains on exactly these numbers.
private func expectSameTokens(_ actual: [Float], _ expected: [Float], _ what: String) throws {
    for (t, (x, y)) in zip(actual, expected).enumerated() where x != y {
        throw CheckFailure("\(what)[\(t)]: expected \(y), got \(x): right to within rounding, but the kit's differs in the "
                           + "last bits; compute the group's mean and sample standard deviation in Double and make the "
                           + "advantage Float at the end, and the weight in Float as 1 / (B · length)")
    }
}

/// Central differences of `loss` at `x`, one input at a time (step 1e-3: the losses are sums
/// of about 10 Float terms of size ~0.1, so rounding costs ~1e-4 and the step's own error less).
/// The random tokens of check 7.2 lie further than the step from every kink of the clip.
private func numericalGradient(_ x: [Float], _ loss: ([Float]) throws -> Float) throws -> [Float] {
    let h: Float = 1e-3
    return try x.indices.map { i in
        var up = x, down = x
        up[i] += h; down[i] -= h
        return (try loss(up) - loss(down)) / (2 * h)
    }
}
