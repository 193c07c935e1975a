import Foundation
import Testing
import Autograd
import Core
import SupportDesk
@testable import RLHF
@testable import SFT
@testable import Transformer

/// A setup small enough for a test: one customer message, and a tiny GPT fine-tuned on two
/// replies to it, a good one and a flawed one, so it samples each about half the time. RL
/// with the grader as reward must move it towards the good reply.
struct TinyRL {
    let model: GPT
    let template: ChatTemplate
    let prompt: RLPrompt
    let goodGrade: Double, badGrade: Double

    static func make(seed: UInt64 = 5) throws -> TinyRL {
        let template = RLHFTests.template
        let data = Dataset.generate(seed: 4, lang: .en, size: .small)
        let grader = Grader()
        // The pair whose replies the grader tells apart most clearly, among short ones.
        let pair = data.preferences.filter { $0.chosen[0].content.count < 330 }.max { a, b in
            func gap(_ p: PreferencePair) -> Double {
                grader.grade(reply: p.chosen[0].content, truth: p.truth).overall - grader.grade(reply: p.rejected[0].content, truth: p.truth).overall
            }
            return gap(a) < gap(b)
        }!
        let user = pair.prompt.filter { $0.role == "user" }
        let model = GPT(GPTConfig(vocabSize: template.tokenizer.vocabSize, contextLength: 384, embeddingSize: 32, layers: 2, heads: 4), seed: seed)
        let trainer = Trainer(model: model, config: TrainConfig(batchSize: 2, contextLength: 384, steps: 150, learningRate: 1e-2,
                                                                warmupSteps: 5, evalEvery: 1000, seed: seed))
        let batch = SFTBatching.padded([user + pair.chosen, user + pair.rejected].map {
            let e = template.encode($0); return TokenizedExample(ids: e.ids, trainable: e.trainable)
        }, length: 384, pad: template.end)
        for _ in 0..<150 { try trainer.step { model.loss(batch) } }
        return TinyRL(model: model, template: template, prompt: RLPrompt(id: pair.id, messages: user, truth: pair.truth),
                      goodGrade: grader.grade(reply: pair.chosen[0].content, truth: pair.truth).overall,
                      badGrade: grader.grade(reply: pair.rejected[0].content, truth: pair.truth).overall)
    }

    /// Mean grade of `n` replies sampled at temperature 1 with a fixed seed.
    func meanGrade(_ policy: GPT, n: Int = 32) -> Double {
        var rng = SeededRandom(seed: 99)
        let rs = RolloutSampler(template: template, maxNewTokens: 200).sample(policy, prompt: prompt, count: n, rng: &rng)
        return rs.map { Grader().grade(reply: $0.text, truth: prompt.truth!).overall }.reduce(0, +) / Double(n)
    }
}

@Suite("RLHF: short PPO and GRPO runs on a tiny setup", .serialized)
struct RLHFTrainingTests {
    @Test("A short PPO run raises the grader reward and logs every statistic")
    func ppoLearns() throws {
        let tiny = try TinyRL.make()
        let before = tiny.meanGrade(tiny.model)
        let reference = frozenCopy(of: tiny.model)
        var c = PPOConfig()
        c.learningRate = 3e-4
        c.promptsPerStep = 1; c.samplesPerPrompt = 8; c.miniBatchSize = 4; c.epochs = 2
        c.klCoefficient = 0.01; c.adaptiveKL = false; c.maxNewTokens = 200
        // The two replies part ways at their third token, 160 tokens before the score. With
        // λ = 0.95 and a value head still at zero, 0.95¹⁶⁰ ≈ 3·10⁻⁴ of the score reaches that
        // token; λ = 1 gives it the whole return (the book's credit-assignment exercise).
        c.lambda = 1
        let trainer = PPOTrainer(policy: PolicyWithValue(model: tiny.model), reference: reference, template: tiny.template,
                                 reward: GraderReward(), prompts: [tiny.prompt], config: c)
        var last = RLStepStats()
        for _ in 0..<8 { last = try trainer.train() }
        let after = tiny.meanGrade(tiny.model)
        #expect(after > before + 0.05, "grader \(before) -> \(after), last step \(last.row) (good reply \(tiny.goodGrade), flawed \(tiny.badGrade))")
        #expect(last.valueLoss.isFinite && last.entropy > 0 && last.replyLength > 0 && last.tokensPerSecond > 0)
        #expect(last.clipFraction >= 0 && last.clipFraction <= 1 && last.approxKL >= 0)
        #expect(last.kl.isFinite && abs(last.beta - 0.01) < 1e-6)
    }

    @Test("A short GRPO run raises the grader reward; the Dr. GRPO variant runs too")
    func grpoLearns() throws {
        let tiny = try TinyRL.make()
        let before = tiny.meanGrade(tiny.model)
        let reference = frozenCopy(of: tiny.model)
        var c = GRPOConfig()
        c.learningRate = 3e-4
        c.promptsPerStep = 1; c.groupSize = 8; c.miniBatchSize = 8; c.iterations = 2; c.maxNewTokens = 200
        let trainer = GRPOTrainer(policy: tiny.model, reference: reference, template: tiny.template,
                                  reward: GraderReward(), prompts: [tiny.prompt], config: c)
        var last = RLStepStats()
        for _ in 0..<8 { last = try trainer.train() }
        let after = tiny.meanGrade(tiny.model)
        #expect(after > before + 0.05, "grader \(before) -> \(after), last step \(last.row) (good reply \(tiny.goodGrade), flawed \(tiny.badGrade))")
        #expect(last.valueLoss.isNaN && last.entropy > 0 && last.kl.isFinite)

        var dr = c
        dr.variant = .drGRPO; dr.iterations = 1
        let drTrainer = GRPOTrainer(policy: frozenCopyTrainable(reference), reference: reference, template: tiny.template,
                                    reward: GraderReward(), prompts: [tiny.prompt], config: dr)
        let s = try drTrainer.train()
        #expect(s.policyLoss.isFinite && s.clipFraction == 0)   // μ = 1: the ratio is exactly 1
    }

    func frozenCopyTrainable(_ m: GPT) -> GPT {
        let c = frozenCopy(of: m)
        for p in c.parameters { p.requiresGrad = true }
        return c
    }
}
