import Foundation
import Testing
import Autograd
import Core
import DPO
import Evaluation
import LoRA
import QLoRA
import RewardModel
import RLHF
import SFT
import SupportDesk
import Transformer
@testable import Checks

/// Chapter 7 under `--mine`: PPO and GRPO take their advantages, rewards and losses from the installed functions.
extension LearnerCodeTests {
    @Test("With a table installed, the kit's batch advantages, KL rewards, β update and GRPO's per-token advantages call the installed functions")
    func hooksReachTheChapter() {
        let gae: GAEBatchFunction = { r, _, _, _ in (r.map { [Float](repeating: 7, count: $0.count) }, r.map { [Float](repeating: 8, count: $0.count) }) }
        let kl: KLRewardsFunction = { lp, _, _, _, _ in [Float](repeating: 9, count: lp.count) }
        let beta: AdaptiveKLFunction = { _, _, _, _, _ in 0.5 }
        let group: GroupAdvantagesFunction = { _, _, lengths, _, _ in
            let n = lengths.reduce(0, +)
            return ([Float](repeating: 3, count: n), [Float](repeating: 4, count: n))
        }
        let table = LearnerCode.Table(["gaeBatch": gae, "klRewards": kl, "adaptiveKL": beta, "groupAdvantages": group])
        LearnerCode.$installed.withValue(table) {
            #expect(GAE.batch(rewards: [[1, 2], [3]], values: [[0, 0], [0]]).advantages == [[7, 7], [7]])
            #expect(KLPenalty.rewards(logProbs: [-1], refLogProbs: [-1], score: 1, beta: 0.1, estimator: .k1) == [9])
            var c = AdaptiveKLController(initial: 0.2)
            c.update(observedKL: 6, steps: 10)
            #expect(c.value == 0.5)
            let perToken = GroupAdvantages.perToken(rewards: [1, 0], groupSize: 2, lengths: [2, 1], variant: .grpo, maxNewTokens: 4)
            #expect(perToken.advantages == [3, 3, 3] && perToken.weights == [4, 4, 4])
        }
        #expect(GAE.batch(rewards: [[0, 0, 1]], values: [[0.5, 0.2, 0.1]]).advantages != [[7, 7, 7]])
    }

    /// Exercise 7.2's losses enter PPO and GRPO as one node each, whose backward asks the
    /// learner's function for its gradient with the weights scaled by the gradient arriving
    /// from above (the loss is linear in the weights). Scaled so, the reference solution
    /// multiplies in the order the kit's autograd does: the same loss and the same gradients,
    /// bit for bit, also for PPO's value loss, which arrives scaled by the value coefficient.
    @Test("With chapter 7's losses installed, PPOLoss takes its losses and gradients from them, and the reference's equal the kit's bit for bit")
    func ppoLossesReachTheChapter() {
        // A stand-in whose "gradient" is the weights it was given: shows the upstream scaling.
        let fake: PPOLossFunction = { x, _, _, w, _ in (Float(x.count), w) }
        LearnerCode.$installed.withValue(LearnerCode.Table(["ppoPolicyLoss": fake, "ppoValueLoss": fake])) {
            let lp = Variable(Tensor([2], [-1, -2]), requiresGrad: true), v = Variable(Tensor([2], [0.5, 1]), requiresGrad: true)
            let p = PPOLoss.policy(logProbs: lp, oldLogProbs: [-1, -1], advantages: [1, 1], weights: [0.5, 0.25])
            let value = PPOLoss.value(values: v, oldValues: [0, 0], returns: [1, 1], weights: [0.5, 0.25])
            #expect(p.loss.scalar == 2 && value.loss.scalar == 2)
            (p.loss + 3 * value.loss).backward()
            #expect(lp.grad?.array == [0.5, 0.25] && v.grad?.array == [1.5, 0.75])
        }
        var rng = SeededRandom(seed: 7)
        let n = 64
        let lp = (0..<n).map { _ in rng.normal() * 0.3 - 2 }, old = (0..<n).map { _ in rng.normal() * 0.3 - 2 }
        let a = (0..<n).map { _ in rng.normal() }, w = (0..<n).map { _ in rng.uniform() / Float(n) }
        let v = (0..<n).map { _ in rng.normal() }, oldV = (0..<n).map { _ in rng.normal() }, r = (0..<n).map { _ in rng.normal() }
        // PPO's total: policy loss + 0.1 · value loss; returns both losses, both gradients, the stats.
        func run() -> [[Float]] {
            let x = Variable(Tensor([n], lp), requiresGrad: true), y = Variable(Tensor([n], v), requiresGrad: true)
            let p = PPOLoss.policy(logProbs: x, oldLogProbs: old, advantages: a, weights: w, clip: 0.2)
            let value = PPOLoss.value(values: y, oldValues: oldV, returns: r, weights: w, clip: 0.2)
            (p.loss + 0.1 * value.loss).backward()
            return [[p.loss.scalar, value.loss.scalar], x.grad!.array, y.grad!.array,
                    [Float(p.stats.clipFraction), Float(p.stats.approxKL), Float(value.clipFraction)]]
        }
        let kit = run()
        let table = Catalogue.learnerCode(chapter: 7, flavor: .reference)
        #expect(LearnerCode.$installed.withValue(table) { LearnerCode.function("ppoPolicyLoss", as: PPOLossFunction.self) != nil })
        #expect(LearnerCode.$installed.withValue(table) { LearnerCode.function("ppoValueLoss", as: PPOLossFunction.self) != nil })
        let mine = LearnerCode.$installed.withValue(table) { run() }
        #expect(kit[3][0] > 0 && kit[3][2] > 0, "the random tokens include clipped ones")
        #expect(mine == kit)
    }

    /// The quick runs of `MineRunTests` cannot show 7.2's gradients at work in GRPO: its two
    /// steps see groups that all scored alike, so every advantage is 0. Here a tiny random GPT
    /// with a reward that always tells replies apart trains a few GRPO steps (μ = 2, so the
    /// ratio moves and clips) and PPO steps, with chapter 7's reference table installed and
    /// without, from the same start: the weights must end the same, bit for bit.
    @Test("GRPO and PPO steps with chapter 7's reference solutions installed leave the weights exactly as the kit's steps do")
    func rlhfStepsWithTheReferenceLosses() throws {
        let template = try ChatTemplate(tokenizer: Chapter3Functions.chatTokenizer())
        struct LengthReward: RewardFunction {   // replies of different lengths score differently
            var name: String { "length" }
            func scores(_ queries: [RewardQuery]) throws -> [Double] { queries.map { Double($0.replyIDs.count % 7) / 6 } }
        }
        let prompts = [RLPrompt(id: "p", messages: [Message(role: "user", content: "Where is SD-1?")], truth: nil)]
        func model() -> GPT {
            GPT(GPTConfig(vocabSize: template.tokenizer.vocabSize, contextLength: 64, embeddingSize: 16, layers: 1, heads: 2), seed: 21)
        }
        func grpo() throws -> (weights: [[Float]], clipFraction: Double) {
            var c = GRPOConfig()
            c.learningRate = 3e-2; c.promptsPerStep = 1; c.groupSize = 4; c.miniBatchSize = 2; c.iterations = 2; c.maxNewTokens = 10
            let policy = model()
            let trainer = GRPOTrainer(policy: policy, reference: frozenCopy(of: policy), template: template,
                                      reward: LengthReward(), prompts: prompts, config: c)
            var clipped = 0.0
            for _ in 0..<3 { clipped += try trainer.train().clipFraction }
            return (policy.parameters.map(\.value.array), clipped)
        }
        func ppo() throws -> (weights: [[Float]], clipFraction: Double) {
            var c = PPOConfig()
            c.learningRate = 3e-2; c.promptsPerStep = 1; c.samplesPerPrompt = 4; c.miniBatchSize = 2; c.epochs = 2; c.maxNewTokens = 10
            let policy = PolicyWithValue(model: model())
            let trainer = PPOTrainer(policy: policy, reference: frozenCopy(of: policy.model), template: template,
                                     reward: LengthReward(), prompts: prompts, config: c)
            var clipped = 0.0
            for _ in 0..<3 { clipped += try trainer.train().clipFraction }
            return (policy.parameters.map(\.value.array), clipped)
        }
        let table = Catalogue.learnerCode(chapter: 7, flavor: .reference)
        let kitGRPO = try grpo(), mineGRPO = try LearnerCode.$installed.withValue(table) { try grpo() }
        #expect(kitGRPO.clipFraction > 0, "the GRPO steps clip some tokens")
        #expect(mineGRPO.weights == kitGRPO.weights && mineGRPO.clipFraction == kitGRPO.clipFraction)
        let kitPPO = try ppo(), minePPO = try LearnerCode.$installed.withValue(table) { try ppo() }
        #expect(kitPPO.clipFraction > 0, "the PPO steps clip some tokens")
        #expect(minePPO.weights == kitPPO.weights && minePPO.clipFraction == kitPPO.clipFraction)
        #expect(kitPPO.weights != PolicyWithValue(model: model()).parameters.map(\.value.array), "the steps moved the weights")
    }
}
