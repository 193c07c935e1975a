import Foundation
import Testing
import Autograd
import Core
import SupportDesk
@testable import RewardModel
@testable import RLHF
@testable import SFT
@testable import Transformer

@Suite("RLHF: KL penalty, GAE, PPO and GRPO losses, rollouts, short training runs")
struct RLHFTests {
    // MARK: The pieces against hand-computed cases

    @Test("GAE matches a hand-computed case (γ 1, λ 0.95)")
    func gaeHandComputed() {
        // δ₂ = 1 − 0.1 = 0.9; δ₁ = 0 + 0.1 − 0.2 = −0.1; δ₀ = 0 + 0.2 − 0.5 = −0.3
        // A₂ = 0.9; A₁ = −0.1 + 0.95·0.9 = 0.755; A₀ = −0.3 + 0.95·0.755 = 0.41725
        let g = GAE.compute(rewards: [0, 0, 1], values: [0.5, 0.2, 0.1], gamma: 1, lambda: 0.95)
        for (a, e) in zip(g.advantages, [0.41725, 0.755, 0.9] as [Float]) { #expect(abs(a - e) < 1e-6) }
        for (r, e) in zip(g.returns, [0.91725, 0.955, 1.0] as [Float]) { #expect(abs(r - e) < 1e-6) }
    }

    @Test("GAE with λ = 0 is the one-step TD error; with λ = 1 the discounted return minus V")
    func gaeLimits() {
        let r: [Float] = [0.5, -1, 2], v: [Float] = [1, 0.5, -0.5], gamma: Float = 0.9
        let td = GAE.compute(rewards: r, values: v, gamma: gamma, lambda: 0).advantages
        let expectedTD: [Float] = [0.5 + 0.9 * 0.5 - 1, -1 + 0.9 * -0.5 - 0.5, 2 + 0.5]
        for (a, e) in zip(td, expectedTD) { #expect(abs(a - e) < 1e-6) }
        let mc = GAE.compute(rewards: r, values: v, gamma: gamma, lambda: 1)
        let g0: Float = 0.5 + 0.9 * (-1) + 0.81 * 2
        #expect(abs(mc.advantages[0] - (g0 - 1)) < 1e-5)
        #expect(abs(mc.returns[0] - g0) < 1e-5)
    }

    @Test("Whitening gives mean 0 and unit sample variance over all tokens of all replies")
    func whitening() {
        let w = Whitening.whiten([[1, 2], [3]])     // mean 2, sample variance 1
        #expect(w.count == 2 && w[0].count == 2 && w[1].count == 1)
        for (a, e) in zip(w.flatMap { $0 }, [-1, 0, 1] as [Float]) { #expect(abs(a - e) < 1e-4) }
        let kept = Whitening.whiten([[1, 2], [3]], shiftMean: false)
        #expect(abs(kept[0][0] - 1) < 1e-4 && abs(kept[1][0] - 3) < 1e-4)
    }

    @Test("A batch's advantages are each reply's GAE whitened over all the batch's tokens, and its returns are not whitened")
    func gaeBatch() {
        // γ 1, λ 0.5: rewards [0, 0, 4] with values 0 give advantages [1, 2, 4]; reward 1.5 with
        // value 0.5 gives 1 (return 1.5). Mean 2, sample std √2 over the four tokens.
        let g = GAE.batch(rewards: [[0, 0, 4], [1.5]], values: [[0, 0, 0], [0.5]], gamma: 1, lambda: 0.5)
        let h = Float(0.5.squareRoot())
        for (a, e) in zip(g.advantages.joined(), [-h, 0, 2 * h, -h] as [Float]) { #expect(abs(a - e) < 1e-6) }
        #expect(g.advantages.map(\.count) == [3, 1])
        #expect(g.returns == [[1, 2, 4], [1.5]])
        // One token in all: nothing to whiten.
        #expect(GAE.batch(rewards: [[0.5], []], values: [[0.25], []]).advantages == [[0.25], []])
    }

    @Test("The clipped policy loss, its clip fraction and its gradient match a hand-computed case")
    func policyLoss() {
        // ratios 1 (unclipped), 1.5 with A = 1 (clipped to 1.2), 0.5 with A = −1 (clipped to 0.8)
        let lp = Variable(Tensor([3], [0, logf(1.5), logf(0.5)]), requiresGrad: true)
        let (loss, stats) = PPOLoss.policy(logProbs: lp, oldLogProbs: [0, 0, 0], advantages: [1, 1, -1],
                                           weights: [1 / 3, 1 / 3, 1 / 3], clip: 0.2)
        #expect(abs(loss.scalar - (-1 - 1.2 + 0.8) / 3) < 1e-6)
        #expect(abs(stats.clipFraction - 2.0 / 3) < 1e-9)
        let approx = 0.5 * (pow(log(1.5), 2) + pow(log(0.5), 2)) / 3
        #expect(abs(stats.approxKL - approx) < 1e-6)
        loss.backward()
        // d(−A·ratio)/d logp = −A·ratio on the unclipped token; clipped tokens get no gradient.
        let g = lp.grad!.array
        #expect(abs(g[0] - (-1.0 / 3)) < 1e-6 && g[1] == 0 && g[2] == 0)
    }

    @Test("The clipped value loss matches a hand-computed case")
    func valueLoss() {
        // Token 0 moved from 0.5 to 1.0: clipped to 0.7, error (0.7 − 1)² = 0.09 beats 0.
        let v = Variable(Tensor([2], [1, 0]), requiresGrad: true)
        let (loss, clipFraction) = PPOLoss.value(values: v, oldValues: [0.5, 0], returns: [1, 1], weights: [0.5, 0.5], clip: 0.2)
        #expect(abs(loss.scalar - 0.5 * (0.09 + 1) / 2) < 1e-6)
        #expect(clipFraction == 0.5)
        loss.backward()
        // Token 0: the clipped branch wins and is flat in V → 0; token 1: 0.5·2·(0 − 1)·0.5 = −0.5.
        #expect(abs(v.grad![0]) < 1e-7 && abs(v.grad![1] - (-0.5)) < 1e-6)
    }

    @Test("k1 and k3 KL estimates and the KL-shaped rewards match hand-computed values")
    func klPenalty() {
        let k1 = KLPenalty.perToken(logProbs: [-1, -2], refLogProbs: [-2, -1], estimator: .k1)
        #expect(k1 == [1, -1])
        let k3 = KLPenalty.perToken(logProbs: [-1, -2], refLogProbs: [-2, -1], estimator: .k3)
        #expect(abs(k3[0] - Float(exp(-1.0))) < 1e-6)            // r = −1: e⁻¹ − 1 + 1
        #expect(abs(k3[1] - Float(exp(1.0) - 2)) < 1e-6)         // r = 1:  e − 1 − 1
        #expect(k3.allSatisfy { $0 >= 0 })
        let r = KLPenalty.rewards(logProbs: [-1, -2, -0.5], refLogProbs: [-2, -1, -0.5], score: 2, beta: 0.1, estimator: .k1)
        for (a, e) in zip(r, [-0.1, 0.1, 2] as [Float]) { #expect(abs(a - e) < 1e-6) }
    }

    @Test("The adaptive KL controller moves β by at most 0.2·steps/horizon, towards the target")
    func adaptiveKL() {
        var c = AdaptiveKLController(initial: 0.2, target: 6, horizon: 10000)
        c.update(observedKL: 12, steps: 256)           // error clipped to +0.2
        #expect(abs(c.value - 0.2 * 1.00512) < 1e-7)
        var d = AdaptiveKLController(initial: 0.2, target: 6, horizon: 10000)
        d.update(observedKL: 6.6, steps: 256)          // error +0.1
        #expect(abs(d.value - 0.2 * 1.00256) < 1e-7)
        var e = AdaptiveKLController(initial: 0.2, target: 6, horizon: 10000)
        e.update(observedKL: 0, steps: 256)            // error clipped to −0.2
        #expect(abs(e.value - 0.2 * 0.99488) < 1e-7)
        var f = FixedKLController(0.05)
        f.update(observedKL: 100, steps: 256)
        #expect(f.value == 0.05)
    }

    @Test("Group-relative advantages: GRPO scales by the group's sample std, Dr. GRPO does not")
    func groupAdvantages() {
        let s = 0.5.squareRoot()
        let a = GroupAdvantages.compute(rewards: [1, 0, 0.5, 0.5], groupSize: 2)
        #expect(abs(a[0] - 0.5 / (s + 1e-4)) < 1e-9 && abs(a[1] + 0.5 / (s + 1e-4)) < 1e-9)
        #expect(a[2] == 0 && a[3] == 0)      // a group that all scored alike teaches nothing
        #expect(GroupAdvantages.compute(rewards: [1, 0, 0.5, 0.5], groupSize: 2, scaleByStd: false) == [0.5, -0.5, 0, 0])
    }

    @Test("GRPO's tokens carry their reply's advantage and weigh 1/(B·L); Dr. GRPO's are unscaled and weigh 1/(B·maxNewTokens)")
    func perTokenAdvantages() {
        // B = 4 replies of 2, 1, 3 and 0 tokens; the empty reply adds nothing.
        let g = GroupAdvantages.perToken(rewards: [1, 0, 0.5, 0.5], groupSize: 2, lengths: [2, 1, 3, 0], variant: .grpo, maxNewTokens: 4)
        let a = Float(0.5 / (0.5.squareRoot() + 1e-4))
        #expect(g.advantages == [a, a, -a, 0, 0, 0])
        let weights: [Float] = [8, 8, 4, 12, 12, 12].map { 1 / $0 }
        #expect(g.weights == weights)
        let d = GroupAdvantages.perToken(rewards: [1, 0, 0.5, 0.5], groupSize: 2, lengths: [2, 1, 3, 0], variant: .drGRPO, maxNewTokens: 4)
        let unscaled: [Float] = [0.5, 0.5, -0.5, 0, 0, 0]
        #expect(d.advantages == unscaled && d.weights == [Float](repeating: 1 / 16, count: 6))
    }

    // MARK: The model side

    static let tokenizer = BPETokenizer.train(
        corpus: Dataset.generate(seed: 1, lang: .en, size: .small).corpus, vocabSize: 400,
        specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"])
    static var template: ChatTemplate { try! ChatTemplate(tokenizer: tokenizer) }
    static func tinyModel(seed: UInt64 = 3, context: Int = 512) -> GPT {
        GPT(GPTConfig(vocabSize: tokenizer.vocabSize, contextLength: context, embeddingSize: 32, layers: 2, heads: 4), seed: seed)
    }

    @Test("The value head starts at zero under TRL's names; the reference copy is equal and frozen")
    func valueHeadAndReference() {
        let model = Self.tinyModel()
        let policy = PolicyWithValue(model: model)
        #expect(policy.valueHead.namedParameters.map(\.0) == ["v_head.summary.weight", "v_head.summary.bias"])
        #expect(policy.valueHead.weight.shape == [1, 32])
        #expect(policy.valueHead.weight.value.array.allSatisfy { $0 == 0 })
        let ref = frozenCopy(of: model)
        for ((_, a), (_, b)) in zip(ref.namedParameters, model.namedParameters) {
            #expect(a.value.bitwiseEqual(b.value) && !a.requiresGrad && a !== b)
        }
    }

    @Test("Token log-probs from one padded forward pass equal the model's own, with temperature")
    func tokenLogProbs() {
        let model = Self.tinyModel()
        let p = RLPrompt(id: "x", messages: [Message(role: "user", content: "Where is my order?")], truth: nil)
        let ids = Self.template.generationPrompt(p.messages)
        let a = Rollout(prompt: p, promptIDs: ids, responseIDs: [5, 9, 30, 7], finished: false, text: "")
        let b = Rollout(prompt: p, promptIDs: ids + [11, 12, 13], responseIDs: [40, 2], finished: false, text: "")
        let together = noGrad { TokenScoring.forward(model, rollouts: [a, b], temperature: 1, pad: 0).logProbs.value.array }
        let own = model.tokenLogProbs(ids + a.responseIDs).suffix(4) + model.tokenLogProbs(ids + [11, 12, 13] + b.responseIDs).suffix(2)
        #expect(together.count == 6)
        for (x, y) in zip(together, own) { #expect(abs(x - y) < 1e-4, "\(together) vs \(Array(own))") }
        // Temperature divides the logits: at T = 0.5 the sampled token's log-prob is that of 2·logits.
        let hot = noGrad { TokenScoring.forward(model, rollouts: [a], temperature: 0.5, pad: 0).logProbs.value.array }
        let logits = noGrad { model.logits(ids + a.responseIDs.dropLast(), batch: 1).value }
        let v = model.config.vocabSize, row = ids.count - 1
        let scaled = (0..<v).map { 2 * logits[row * v + $0] }
        let lse = log(scaled.map { exp(Double($0)) }.reduce(0, +))
        #expect(abs(Double(hot[0]) - (Double(scaled[a.responseIDs[0]]) - lse)) < 1e-4)
    }

    @Test("Batched KV-cache sampling reproduces greedy generation row by row")
    func batchedSampling() {
        let model = Self.tinyModel(seed: 8)
        let p = RLPrompt(id: "x", messages: [Message(role: "user", content: "My kettle arrived broken.")], truth: nil)
        var rng = SeededRandom(seed: 1)
        let sampler = RolloutSampler(template: Self.template, maxNewTokens: 12, temperature: 0)
        let rows = sampler.sample(model, prompt: p, count: 3, rng: &rng)
        let greedy = model.generate(prompt: Self.template.generationPrompt(p.messages), maxNewTokens: 12, options: .greedy,
                                    stop: [Self.template.end], rng: &rng)
        #expect(rows.count == 3)
        for r in rows { #expect(r.responseIDs == greedy) }
    }

    @Test("The reward model plugs in as a reward function: the same scores as scoring each reply alone")
    func rewardModelReward() throws {
        let backbone = Self.tinyModel(seed: 11)
        let rm = RewardModel(backbone: backbone, pad: Self.tokenizer.id(ofSpecial: "<|pad|>")!, seed: 2)
        let reward = RewardModelReward(model: rm, template: Self.template)
        let prompt = [Message(role: "user", content: "Where is order SD-1?")]
        let replies = ["I'm sorry for the wait.", "It ships today, rest assured.", "No."]
        let batch = try reward.scores(replies.map { RewardQuery(prompt: prompt, reply: $0, replyIDs: [], truth: nil) })
        for (r, s) in zip(replies, batch) {
            #expect(abs(Double(rm.score(prompt: prompt, reply: r, template: Self.template)) - s) < 1e-5)
        }
        #expect(Set(batch).count == 3)
        // The grader needs the ground truth; without it the error says so.
        #expect(throws: RewardError.self) { try GraderReward().scores([RewardQuery(prompt: prompt, reply: "x", replyIDs: [], truth: nil)]) }
    }

    @Test("The policy saves as a GPT-2 checkpoint with the value head beside it under TRL's names")
    func savePolicy() throws {
        let policy = PolicyWithValue(model: Self.tinyModel())
        policy.valueHead.bias.value[0] = 0.5
        let dir = ScratchFolder.root.appendingPathComponent("policy-\(getpid())")
        try policy.save(directory: dir)
        let back = try GPT.load(directory: dir)
        #expect(back.wte.value.bitwiseEqual(policy.model.wte.value))
        let head = try SafetensorsFile.open(path: dir.appendingPathComponent("value_head.safetensors").path)
        #expect(Set(head.entries.map(\.name)) == ["v_head.summary.weight", "v_head.summary.bias"])
        #expect(try head.tensor("v_head.summary.bias")[0] == 0.5)
    }
}
