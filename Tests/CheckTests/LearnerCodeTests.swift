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

/// `course run CHAPTER --mine` reaches the learner's code through `LearnerCode`: with a table
/// installed, the kit's function returns what the installed one computes; without, the kit's.
@Suite("Plugging the learner's code into the chapters")
struct LearnerCodeTests {
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

    /// `course run dpo --mine` (and the chain's DPO stage) asks only for the exercises DPO trains
    /// on; 8.3 is asked for when IPO or SimPO trains, 8.4 when KTO does (`--loss ipo`, `simpo`,
    /// `kto`, and `--loss all`'s comparison, which trains all three).
    @Test("Only the runs of chapter 8 that train IPO, SimPO or KTO require exercises 8.3 or 8.4 under --mine")
    func variantExercisesOnlyInTheirRuns() {
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/sigmoid") == ["8.1", "8.2"])
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/sigmoid-lora") == ["8.1", "8.2"])
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/hinge") == ["8.1", "8.2"])
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/ipo") == ["8.1", "8.2", "8.3"])
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/simpo-lora") == ["8.1", "8.2", "8.3"])
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/kto") == ["8.1", "8.2", "8.4"])
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/kto-lora") == ["8.1", "8.2", "8.4"])
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/compare") == ["8.1", "8.2", "8.3", "8.4"])   // trains every loss
        #expect(Catalogue.pluggable(chapter: 7, stage: "rlhf/grpo") == ["7.1", "7.2", "7.3", "7.4"])
    }

    /// Exercise 8.2's loss trains DPO with label smoothing (cDPO) and robust DPO, which is the same
    /// formula with ε′ = −ε/(1 − 2ε): the installed function gets ε, or ε′ for the robust loss, and
    /// its losses and derivatives are the ones trained on. DPOP and the hinge keep the kit's loss.
    @Test("DPO with label smoothing and robust DPO train on the installed dpoLoss; with the reference solution they give the kit's loss and gradients")
    func smoothedAndRobustDPOArePluggedIn() {
        #expect(Catalogue.pluggable(chapter: 8, stage: "dpo/robust") == ["8.1", "8.2"], "the robust run asks for 8.2, as every DPO run does")
        let seen = Seen()
        let fake: DPOLossFunction = { pc, _, _, _, beta, eps in
            seen.add(eps)
            return (pc.map { _ in 7 }, pc.map { _ in beta }, pc.map { _ in -beta }, pc.map { _ in 0.5 }, pc.map { _ in -0.25 })
        }
        func batch() -> (PairLogProbs, Variable, Variable) {
            let vc = Variable(Tensor([2], [-10, -30]), requiresGrad: true), vr = Variable(Tensor([2], [-50, -20]), requiresGrad: true)
            return (PairLogProbs(policyChosen: vc, policyRejected: vr, referenceChosen: [-20, -28], referenceRejected: [-30, -21],
                                 chosenCounts: [1, 1], rejectedCounts: [1, 1]), vc, vr)
        }
        LearnerCode.$installed.withValue(LearnerCode.Table(["dpoLoss": fake])) {
            for (kind, eps, passed) in [(PreferenceLoss.sigmoid, Float(0.1), Float(0.1)), (.robust, 0.1, -0.125), (.sigmoid, 0, 0)] {
                let (x, vc, vr) = batch()
                let out = kind(x, LossSettings(labelSmoothing: eps))
                #expect(out.loss.scalar == 7, "\(kind), ε \(eps): the installed function's loss")
                out.loss.backward()
                #expect(vc.grad?.array == [0.25, 0.25] && vr.grad?.array == [-0.125, -0.125], "\(kind), ε \(eps): its derivatives, over the batch of 2")
                #expect(abs((seen.values.last ?? .nan) - passed) < 1e-7, "\(kind), ε \(eps): it is asked for label smoothing \(passed), got \(seen.values)")
            }
            var dpop = LossSettings(labelSmoothing: 0.1)
            dpop.dpopLambda = 1
            #expect(PreferenceLoss.robust(batch().0, dpop).loss.scalar != 7, "robust DPO with DPOP is the kit's")
            #expect(PreferenceLoss.hinge(batch().0).loss.scalar != 7, "the hinge is the kit's")
        }
        func run(_ kind: PreferenceLoss, _ s: LossSettings) -> (loss: Float, grads: [Float], rewards: [Float]) {
            let (x, vc, vr) = batch()
            let out = kind(x, s)
            out.loss.backward()
            return (out.loss.scalar, vc.grad!.array + vr.grad!.array, out.chosenRewards + out.rejectedRewards)
        }
        for (kind, eps) in [(PreferenceLoss.sigmoid, Float(0)), (.sigmoid, 0.1), (.robust, 0.1)] {
            let kit = run(kind, LossSettings(labelSmoothing: eps))
            let mine = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 8, flavor: .reference)) { run(kind, LossSettings(labelSmoothing: eps)) }
            #expect(abs(mine.loss - kit.loss) <= 1e-6 * max(1, abs(kit.loss)), "\(kind), ε \(eps): loss \(mine.loss) against the kit's \(kit.loss)")
            for (a, b) in zip(mine.grads, kit.grads) {
                #expect(abs(a - b) <= 1e-7 + 1e-5 * abs(b), "\(kind), ε \(eps): derivative \(a) against the kit's \(b)")
            }
            #expect(mine.rewards == kit.rewards, "\(kind), ε \(eps): the rewards")
        }
    }

    /// What an installed function was called with (the calls run on the test's thread).
    final class Seen: @unchecked Sendable {
        var values: [Float] = []
        func add(_ v: Float) { values.append(v) }
    }

    /// Exercise 8.3's losses enter IPO and SimPO training as one node whose backward hands the
    /// policy's two log-probabilities the learner's derivatives of the mean loss, scaled by the
    /// gradient arriving from above; the logged rewards stay the kit's. SimPO with label
    /// smoothing (which 8.3 does not write) keeps the kit's loss.
    @Test("IPO and SimPO with functions installed train on them; with chapter 8's reference solutions they give the kit's loss and gradients")
    func lengthNormalisedLossesArePluggedIn() {
        let fakeIPO: IPOLossFunction = { pc, _, _, _, _, _, _ in (pc.map { _ in 3 }, pc.indices.map { Float($0 + 1) }, pc.indices.map { -Float($0 + 1) }) }
        let fakeSimPO: SimPOLossFunction = { pc, _, _, _, _, _ in (pc.map { _ in 5 }, pc.map { _ in 0.5 }, pc.map { _ in -0.25 }) }
        func batch() -> (PairLogProbs, Variable, Variable) {
            let vc = Variable(Tensor([2], [-12, -30]), requiresGrad: true), vr = Variable(Tensor([2], [-8, -20]), requiresGrad: true)
            return (PairLogProbs(policyChosen: vc, policyRejected: vr, referenceChosen: [-14, -30], referenceRejected: [-7, -20],
                                 chosenCounts: [10, 10], rejectedCounts: [5, 8]), vc, vr)
        }
        let simpo = LossSettings(beta: 2, simpoGamma: 1)
        let kitRewards = PreferenceLoss.ipo(batch().0).chosenRewards
        LearnerCode.$installed.withValue(LearnerCode.Table(["ipoLoss": fakeIPO, "simpoLoss": fakeSimPO])) {
            let (x, vc, vr) = batch()
            let out = PreferenceLoss.ipo(x)
            #expect(out.loss.scalar == 3 && out.chosenRewards == kitRewards)
            (2 * out.loss).backward()
            #expect(vc.grad?.array == [2, 4] && vr.grad?.array == [-2, -4])
            let (y, wc, wr) = batch()
            let s = PreferenceLoss.simpo(y, simpo)
            #expect(s.loss.scalar == 5)
            s.loss.backward()
            #expect(wc.grad?.array == [0.5, 0.5] && wr.grad?.array == [-0.25, -0.25])
            var smoothed = simpo
            smoothed.labelSmoothing = 0.1
            #expect(PreferenceLoss.simpo(batch().0, smoothed).loss.scalar != 5, "SimPO with label smoothing is the kit's")
        }
        // The reference solutions against the kit's autograd on the same batch.
        func run(_ kind: PreferenceLoss, _ s: LossSettings) -> (loss: Float, chosen: [Float], rejected: [Float], rewards: [Float]) {
            let (x, vc, vr) = batch()
            let out = kind(x, s)
            out.loss.backward()
            return (out.loss.scalar, vc.grad!.array, vr.grad!.array, out.chosenRewards + out.rejectedRewards)
        }
        for (kind, s) in [(PreferenceLoss.ipo, LossSettings()), (.simpo, simpo)] {
            let kit = run(kind, s)
            let mine = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 8, flavor: .reference)) { run(kind, s) }
            #expect(abs(mine.loss - kit.loss) <= 1e-5 * max(1, abs(kit.loss)), "\(kind): loss \(mine.loss) against the kit's \(kit.loss)")
            for (a, b) in zip(mine.chosen + mine.rejected, kit.chosen + kit.rejected) {
                #expect(abs(a - b) <= 1e-6 + 1e-5 * abs(b), "\(kind): derivative \(a) against the kit's \(b)")
            }
            #expect(mine.rewards == kit.rewards, "\(kind): the logged rewards are the kit's")
        }
    }

    /// Exercise 8.4's loss enters KTO training as one node whose backward hands the policy's
    /// log-probabilities the learner's derivatives of the mean loss. The reference sums the mean
    /// in another order than the kit's autograd, so the last bits may differ: the gradients
    /// through the whole model agree to within rounding, and after a few steps of training so do
    /// the loss and z (the rule of `MineRunTests`). The weights are not compared one by one:
    /// Adam turns a rounding difference in a gradient near 0 into a full step either way.
    @Test("KTO with chapter 8's reference solutions installed gives the kit's gradients, and after training its loss and z, to within rounding")
    func ktoWithTheReferenceLoss() throws {
        // A stand-in: its losses' mean is the loss, its z is z, its derivatives reach the policy
        // scaled by the gradient arriving from above.
        let fake: KTOLossFunction = { p, _, _, _, _, _, _, _ in (p.map { _ in 1 }, 7, p.indices.map { Float($0 + 1) }) }
        LearnerCode.$installed.withValue(LearnerCode.Table(["ktoLoss": fake])) {
            let v = Variable(Tensor([2], [-3, -4]), requiresGrad: true)
            let out = KTOLoss.loss(KTOBatch(policy: v, reference: [-3, -4], labels: [true, false], policyKL: [-1], referenceKL: [-1]))
            #expect(out.loss.scalar == 1 && out.kl == 7 && out.chosenRewards == [0] && out.rejectedRewards == [0])
            (2 * out.loss).backward()
            #expect(v.grad?.array == [2, 4])
        }
        #expect(LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 8, flavor: .reference)) {
            LearnerCode.function("ktoLoss", as: KTOLossFunction.self) != nil
        })
        let template = try ChatTemplate(tokenizer: Chapter3Functions.chatTokenizer())
        let replies = ["Sorry about that. Your order SD-1 ships today.", "No.", "We apologise; the refund is on its way.",
                       "Figure it out yourself.", "Thank you for waiting: SD-2 arrives on Monday.", "Whatever."]
        let examples = replies.enumerated().map { i, reply in
            UnpairedPreference(prompt: [Message(role: "user", content: "Where is SD-\(i % 3)?")], completion: reply, label: i % 2 == 0)
        }
        let pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
        func model(seed: UInt64 = 22) -> GPT {
            GPT(GPTConfig(vocabSize: template.tokenizer.vocabSize, contextLength: 64, embeddingSize: 16, layers: 1, heads: 2), seed: seed)
        }
        func kto() throws -> (gradients: [Float], loss: Float, z: Float) {
            let policy = model()
            // Another model as the reference, so that the log-ratios and z are not 0.
            let reference = model(seed: 23)
            let prepared = ReferenceLogProbs.prepare(examples, template: template, reference: reference, context: 64, pad: pad).examples
            let t = try KTOTrainer(model: policy, kto: KTOSettings(beta: 0.5, undesirableWeight: 1.33), train: prepared, heldOut: [],
                                   settings: .init(steps: 4, pairsPerBatch: 2, learningRate: 1e-2, warmupSteps: 1, evalEvery: 100), pad: pad)
            for p in policy.parameters { p.grad = nil }
            t.loss(prepared).loss.backward()
            let gradients = policy.parameters.flatMap { $0.grad?.array ?? [] }
            for p in policy.parameters { p.grad = nil }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kto-mine-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try t.run(metrics: MetricsWriter(url: dir.appendingPathComponent("metrics.csv"), columns: PreferenceTraining.metricColumns), quiet: true)
            let last = noGrad { t.loss(prepared) }
            return (gradients, last.loss.scalar, last.kl)
        }
        let kit = try kto()
        let mine = try LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 8, flavor: .reference)) { try kto() }
        func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-4 + 1e-3 * abs(b) }
        #expect(kit.z > 0, "the mismatched pairs give a reference point above 0: \(kit.z)")
        #expect(mine.gradients.count == kit.gradients.count && kit.gradients.contains { $0 != 0 })
        let worst = zip(mine.gradients, kit.gradients).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-6 + 1e-4 * (kit.gradients.map(abs).max() ?? 0), "the gradients differ by up to \(worst)")
        #expect(close(mine.loss, kit.loss) && close(mine.z, kit.z),
                "after the steps: loss \(mine.loss) and z \(mine.z) with the reference, \(kit.loss) and \(kit.z) with the kit")
    }

    @Test("The reference tables plug in every pluggable exercise with the kit function's type")
    func tablesAreComplete() {
        for (chapter, ids) in Catalogue.pluggable {
            let table = Catalogue.learnerCode(chapter: chapter, flavor: .reference)
            #expect(!table.ids.isEmpty && ids.allSatisfy { Catalogue.exercise($0) != nil }, "chapter \(chapter)")
        }
        let one = Catalogue.learnerCode(chapter: 1, flavor: .reference)
        LearnerCode.$installed.withValue(one) {
            #expect(LearnerCode.function("backward", as: ScalarBackwardFunction.self) != nil)
            #expect(LearnerCode.function("tanh", as: TanhNodeFunction.self) != nil)
            #expect(LearnerCode.function("broadcastBackward", as: BroadcastBackwardFunction.self) != nil)
            #expect(LearnerCode.function("gradientCheck", as: GradientCheckFunction.self) != nil)
        }
    }

    /// Chapter 1's scalar-engine hook: `Value.backward` hands the whole walk to the installed
    /// backward, and the reference's walk gives the kit's gradients bit for bit.
    @Test("With chapter 1's table installed, Value.backward is the installed backward, and the reference's gradients are the kit's exactly")
    func scalarBackwardReachesTheChapter() {
        let x = Value(0.3), w = Value(-1.7)
        let graph = { () -> Value in let h = (x * w + x).tanh(); return (h * h + w.exp() * h).log() }
        let mine: ScalarBackwardFunction = { root in root.grad = 5; x.grad = 7 }
        let root = graph()
        LearnerCode.$installed.withValue(LearnerCode.Table(["backward": mine])) { root.backward() }
        #expect(root.grad == 5 && x.grad == 7 && w.grad == 0)
        let kit = graph()
        kit.backward()
        let kitGradients = [x.grad, w.grad]
        LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 1, flavor: .reference)) { graph().backward() }
        #expect([x.grad, w.grad] == kitGradients && kitGradients.allSatisfy { $0 != 0 })
    }

    /// Chapter 1's tensor-engine hooks: the backward of a broadcasting operation (in
    /// `Variable.broadcastBackward`, which +, −, ·, ÷ use, and in `Variable.linear`'s bias) and
    /// the gradient check. Only the gradients of operands that need one are taken.
    @Test("With chapter 1's table installed, broadcast gradients and the gradient check come from the installed functions")
    func tensorHooksReachTheChapter() {
        let backward: BroadcastBackwardFunction = { _, a, b, _ in (Tensor(repeating: 5, a.shape), Tensor(repeating: 7, b.shape)) }
        let check: GradientCheckFunction = { _, _, _, _, _, _ in (3, 1, 2, 0.5, false) }
        let x = Variable(Tensor([2, 3], [1, 2, 3, 4, 5, 6]), requiresGrad: true)
        let w = Variable(Tensor([3, 2], [1, 0, 0, 1, 1, 1]), requiresGrad: true)
        func gradients() -> (x: [Float], add: [Float], product: [Float], bias: [Float], check: Int) {
            let b = Variable(Tensor([3], [0, 0, 0]), requiresGrad: true), c = Variable(Tensor([2], [0, 0]), requiresGrad: true)
            let s = Variable(Tensor([2, 1], [2, 3]), requiresGrad: true)
            ((x + b) * Variable(Tensor([3], [1, 1, 1]))).sum().backward()
            (s * Variable(Tensor([3], [1, 1, 1]))).sum().backward()
            Variable.linear(x, w, c).sum().backward()
            let r = GradCheck.worstCoordinate(of: { $0[0] * $0[0] }, at: [1], analytic: [2], eps: 1e-2, floor: 1e-2, tolerance: 1e-2)
            defer { x.zeroGrad() }
            return (x.grad!.array, b.grad!.array, s.grad!.array, c.grad!.array, r.index)
        }
        let mine = LearnerCode.$installed.withValue(LearnerCode.Table(["broadcastBackward": backward, "gradientCheck": check])) { gradients() }
        // x: 5 from the installed + (the linear's own [1, 1, 2] per row is the kit's matrix product).
        #expect(mine.x == [6, 6, 7, 6, 6, 7] && mine.add == [7, 7, 7] && mine.product == [5, 5] && mine.bias == [7, 7] && mine.check == 3)
        let kit = gradients()
        #expect(kit.x == [2, 2, 3, 2, 2, 3])
        #expect(kit.add == [2, 2, 2] && kit.product == [3, 3] && kit.bias == [2, 2] && kit.check == 0)
    }

    /// The hooks look functions up by name and type; a name or type that does not match would
    /// not fail, it would silently run the kit's code (and the runs would still agree). So every
    /// hook's look-up is made here against the reference tables.
    @Test("Every hook of chapters 2-6 and 9 finds its function in the chapter's table, with the type it asks for")
    func hooksFindTheirFunctions() {
        func finds<F>(_ chapter: Int, _ name: String, _ type: F.Type) -> Bool {
            LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: chapter, flavor: .reference)) {
                LearnerCode.function(name, as: type) != nil
            }
        }
        #expect(finds(2, "bpeTrainingRound", BPETrainingRoundFunction.self) && finds(2, "causalMask", CausalMaskFunction.self))
        #expect(finds(2, "attentionHead", AttentionHeadFunction.self) && finds(2, "kvCacheStep", KVCacheStepFunction.self))
        #expect(finds(2, "sampleNextToken", SampleNextTokenFunction.self))
        #expect(finds(3, "paddedBatch", PaddedBatchFunction.self) && finds(3, "packExamples", PackExamplesFunction.self))
        #expect(finds(3, "maskedCrossEntropy", MaskedCrossEntropyFunction.self) && finds(3, "encodeChat", EncodeChatFunction.self))
        #expect(finds(3, "leakedPrompts", LeakedPromptsFunction.self))
        #expect(finds(4, "loraForward", LoRAForwardFunction.self) && finds(4, "loraGradients", LoRAGradientsFunction.self))
        #expect(finds(4, "loraPlan", LoRAPlanFunction.self))
        #expect(finds(5, "nf4Quantize", NF4QuantizeFunction.self) && finds(5, "nf4Dequantize", NF4DequantizeFunction.self))
        #expect(finds(5, "doubleQuantize", DoubleQuantizeFunction.self) && finds(5, "nf4StorageBits", NF4StorageBitsFunction.self))
        #expect(finds(5, "trainingMemoryPlan", TrainingMemoryPlanFunction.self))
        #expect(finds(6, "bradleyTerry", BradleyTerryFunction.self) && finds(6, "pairBatch", PairBatchFunction.self))
        #expect(finds(6, "rewardHead", RewardHeadFunction.self) && finds(6, "rewardHeadBackward", RewardHeadBackwardFunction.self))
        #expect(finds(6, "pairEvaluation", PairEvaluationFunction.self))
        #expect(finds(9, "bootstrapSeedsAndPrompts", SeedsAndPromptsIntervalFunction.self) && finds(9, "winRateInterval", WinRateIntervalFunction.self))
        #expect(finds(9, "meanPassAtK", MeanPassAtKFunction.self) && finds(9, "contaminatedPrompts", ContaminatedPromptsFunction.self))
        #expect(!finds(3, "bpeTrainingRound", BPETrainingRoundFunction.self))   // each chapter's run sees only its own
    }

    /// The template's hook hands the learner the tokenizer's plain-text encoder and the two
    /// special ids; its answer replaces both the training layout and the generation prompt.
    /// The memory-at-scale table's formula column under `--mine` (exercise 5.4): the installed
    /// plan for the table's two models equals the kit's plan, which the QLoRA tests show is the
    /// formula on the built model exactly.
    @Test("With chapter 5's table installed, the memory-at-scale table's plan comes from the installed function and equals the kit's")
    func memoryPlanPlugged() {
        #expect(TrainingMemory.learnerPlan(GPTConfig(vocabSize: 384, contextLength: 64, embeddingSize: 64, layers: 2, heads: 2), rank: 16, targets: ["c_attn"]) == nil)
        LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 5, flavor: .reference)) {
            for (vocab, t, c, layers) in [(384, 64, 64, 2), (1024, 128, 512, 8)] {
                let config = GPTConfig(vocabSize: vocab, contextLength: t, embeddingSize: c, layers: layers, heads: layers)
                let mine = TrainingMemory.learnerPlan(config, rank: 16, targets: LoRAConfig.allLinear)
                let kit = TrainingMemory.plan(config, rank: 16, targets: LoRAConfig.allLinear).totals
                #expect(mine.map { [$0.0, $0.1, $0.2, $0.3] } == [kit.0, kit.1, kit.2, kit.3])
            }
        }
    }

    /// Every held-out evaluation of the reward-model run (the eval_ columns, evaluation.json,
    /// examples.md, calibration.png) is a `PairEvaluation`, whose numbers come from exercise 6.4
    /// under --mine; the reference solution gives the kit's, bit for bit.
    @Test("With chapter 6's table installed, a PairEvaluation takes its metrics from the installed function, and the reference's equal the kit's bit for bit")
    func pairEvaluationPlugged() {
        var rng = SeededRandom(seed: 66)
        let n = 41
        let c = (0..<n).map { _ in (rng.normal() * 6).rounded() / 2 }, r = (0..<n).map { _ in (rng.normal() * 6).rounded() / 2 }
        func evaluation() -> PairEvaluation {
            PairEvaluation(chosen: c, rejected: r, flaws: Array(repeating: "x", count: n), chosenLengths: Array(repeating: 1, count: n),
                           rejectedLengths: Array(repeating: 1, count: n))
        }
        let kit = evaluation()
        let reference = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 6, flavor: .reference)) { evaluation() }
        #expect(reference.metrics == kit.metrics && kit.calibration.reduce(0) { $0 + $1.count } == n)
        let sentinel = PairMetrics(accuracy: 0.25, loss: 1, meanMargin: 2, meanReward: 3, probabilities: Array(repeating: 0.5, count: n),
                                   calibration: [CalibrationBin(lower: 0.5, upper: 0.6, meanPredicted: 0.5, observed: 0.5, count: n)])
        let seen = LearnerCode.$installed.withValue(LearnerCode.Table(["pairEvaluation": { (_, _, first, bins) in
            #expect(first == PairEvaluation.orientation(count: n, seed: 6) && bins == 10)
            return sentinel
        } as PairEvaluationFunction])) { evaluation() }
        #expect(seen.accuracy == 0.25 && seen.loss == 1 && seen.meanMargin == 2 && seen.meanReward == 3 && seen.calibration == sentinel.calibration)
    }

    @Test("With chapter 3's table installed, the chat template's ids, flags and generation prompt come from the installed function")
    func chatTemplateReachesTheChapter() throws {
        let template = try ChatTemplate(tokenizer: Chapter3Functions.chatTokenizer())
        let chat = [Message(role: "user", content: "Hi"), Message(role: "assistant", content: "Hello there.")]
        let kit = template.encode(chat), kitPrompt = template.generationPrompt(Array(chat.prefix(1)))
        // [start] + the first role's ids, flagged with the generation-prompt flag: shows what was passed in.
        let mine: EncodeChatFunction = { m, encode, start, end, prompt in
            let ids = [start, end] + encode(m[0].role)
            return (ids, [Bool](repeating: prompt, count: ids.count))
        }
        LearnerCode.$installed.withValue(LearnerCode.Table(["encodeChat": mine])) {
            let e = template.encode(chat)
            #expect(e.ids == [template.start, template.end] + template.tokenizer.encode("user", allowSpecial: false))
            #expect(e.trainable.allSatisfy { !$0 })
            #expect(template.generationPrompt(chat).count == e.ids.count)
        }
        LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 3, flavor: .reference)) {
            #expect(template.encode(chat) == kit && template.generationPrompt(Array(chat.prefix(1))) == kitPrompt)
        }
        #expect(template.encode(chat) == kit)
    }

    /// Exercise 3.3's hook trains on the learner's gradient, not the kit's: an installed
    /// function returning the right loss and twice the gradient doubles every parameter's
    /// gradient, and the reference solution gives the kit's gradients to within rounding.
    @Test("With chapter 3's table installed, the SFT loss's gradient with respect to the logits comes from the installed function")
    func maskedCrossEntropyGradientReachesTheModel() {
        let gpt = GPT(GPTConfig(vocabSize: 20, contextLength: 8, embeddingSize: 8, layers: 1, heads: 2), seed: 33)
        let examples = [TokenizedExample(ids: [3, 4, 5, 6, 7], trainable: [false, false, true, true, true]),
                        TokenizedExample(ids: [8, 9, 10], trainable: [false, true, true])]
        let batch = SFTBatching.padded(examples, length: 8, pad: 0)                 // [2, 8], loss on 4 positions
        func gradients() -> (loss: Float, grads: [[Float]]) {
            gpt.parameters.forEach { $0.zeroGrad() }
            let loss = gpt.loss(batch)
            loss.backward()
            return (loss.scalar, gpt.parameters.map { $0.grad?.array ?? [] })
        }
        let kit = gradients()
        let doubled: MaskedCrossEntropyFunction = { logits, targets in
            let x = Variable(logits.copy(), requiresGrad: true)
            let l = x.crossEntropy(targets: targets)
            l.backward()
            x.grad!.scale(by: 2)
            return (l.scalar, x.grad!)
        }
        let twice = LearnerCode.$installed.withValue(LearnerCode.Table(["maskedCrossEntropy": doubled])) { gradients() }
        #expect(twice.loss == kit.loss)
        for (a, b) in zip(twice.grads, kit.grads) {
            #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - 2 * $1) <= 1e-5 * (1 + abs(2 * $1)) })
        }
        let reference = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 3, flavor: .reference)) { gradients() }
        #expect(abs(reference.loss - kit.loss) <= 1e-5)
        for (a, b) in zip(reference.grads, kit.grads) {
            #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * (1 + abs($1)) })
        }
        gpt.parameters.forEach { $0.zeroGrad() }
    }

    /// Exercise 2.5 gets the u that `SeededRandom.categorical` would draw, so the generator must
    /// move as in the kit's sampler: one `uniform()` per sampled token, nothing when greedy.
    @Test("With a sampling step installed, Sampler.sample returns its token and moves the generator as the kit's sampler does")
    func samplerReachesTheStep() {
        final class Seen: @unchecked Sendable { var u: [Float] = [] }
        let seen = Seen()
        let step: SampleNextTokenFunction = { _, _, _, _, u in seen.u.append(u); return 3 }
        let logits: [Float] = [0.5, 2, -1, 1, 0]
        for o in [SamplingOptions(temperature: 0.8, topK: 3), .greedy, SamplingOptions(temperature: 1e-7)] {
            seen.u = []
            var kit = SeededRandom(seed: 4), mine = kit, draw = kit
            let expected = logits.withUnsafeBufferPointer { Sampler.sample($0, o, rng: &kit) }
            let got = LearnerCode.$installed.withValue(LearnerCode.Table(["sampleNextToken": step])) {
                logits.withUnsafeBufferPointer { Sampler.sample($0, o, rng: &mine) }
            }
            #expect(mine.stateWords == kit.stateWords, "temperature \(o.temperature): the generator moved otherwise")
            if o.temperature > 0 && o.temperature < 1e-6 {   // where the kit divides by 1e-6, its own sampler runs
                #expect(got == expected && seen.u.isEmpty)
            } else {
                #expect(got == 3 && seen.u == [o.temperature == 0 ? 0 : draw.uniform()], "temperature \(o.temperature)")
            }
        }
    }

    /// Exercise 2.2 reaches training through the fused kernel: with a mask installed, the kernel
    /// hides the keys that mask hides (its answer on zero scores, checked against the kit's rule)
    /// instead of applying its own rule. The reference mask must then give the kit's output and
    /// gradient bit for bit, packed rows (segments, padding −1) included.
    @Test("With a causal mask installed, fused attention asks it for every batch, and the reference mask gives the kit's numbers bit for bit")
    func maskReachesFusedAttention() {
        final class Calls: @unchecked Sendable { var plain = 0, packed = 0 }
        let calls = Calls()
        let reference = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 2, flavor: .reference)) {
            LearnerCode.function("causalMask", as: CausalMaskFunction.self)!
        }
        let counted: CausalMaskFunction = { scores, segments in
            if segments == nil { calls.plain += 1 } else { calls.packed += 1 }
            return reference(scores, segments)
        }
        var rng = SeededRandom(seed: 7)
        let x = Tensor(zeros: [2, 8, 3 * 8]), g = Tensor(zeros: [2, 8, 8])   // qkv [B, T, 3C], 2 heads of 4
        for i in 0..<x.count { x[i] = rng.normal() }
        for i in 0..<g.count { g[i] = rng.normal() }
        func attention(_ segments: [Int]?) -> (out: [Float], grad: [Float]) {
            let qkv = Variable(x.copy(), requiresGrad: true)
            let y = Variable.causalAttention(qkv, heads: 2, segments: segments)
            y.backward(seed: g.copy())
            return (y.value.array, qkv.grad!.array)
        }
        for segments in [nil, [0, 0, 0, 1, 1, 1, 1, -1, 0, 1, 1, 1, 1, 1, -1, -1]] as [[Int]?] {
            let kit = attention(segments)
            let mine = LearnerCode.$installed.withValue(LearnerCode.Table(["causalMask": counted])) { attention(segments) }
            #expect(mine.out == kit.out && mine.grad == kit.grad, "segments \(String(describing: segments))")
        }
        #expect(calls.plain == 1 && calls.packed == 1)
    }

    /// The SFT run's leakage check (exercise 3.5): an installed function's answer is the check's
    /// answer; the reference solution's equals the kit's on prompts with an exact match after
    /// normalisation, a near duplicate and an unrelated prompt.
    @Test("With chapter 3's table installed, the SFT run's leakage check comes from the installed function")
    func leakageCheckReachesTheRun() {
        let train = ["where is my order SD-1 it was due on monday", "I want a refund for the kettle please", "hello"]
        let eval = ["WHERE is my order  SD-1 it was due on monday", "I want a refund for the lamp please", "is it in stock", "Hello"]
        // "lamp" for "kettle" changes 2 of the 6 three-word shingles: 4 shared, 8 in the union.
        let kit = Leakage.check(train: train, eval: eval, n: 3, threshold: 0.3)
        #expect(kit == [Leakage.Leak(eval: 0, train: 0, similarity: 1), Leakage.Leak(eval: 1, train: 1, similarity: 4.0 / 8),
                        Leakage.Leak(eval: 3, train: 2, similarity: 1)])
        let reference = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 3, flavor: .reference)) {
            Leakage.check(train: train, eval: eval, n: 3, threshold: 0.3)
        }
        #expect(reference == kit)
        let every: LeakedPromptsFunction = { _, eval, _, _ in eval.indices.map { ($0, 0, 0.5) } }
        LearnerCode.$installed.withValue(LearnerCode.Table(["leakedPrompts": every])) {
            #expect(Leakage.check(train: ["a"], eval: ["b", "c"]).map(\.eval) == [0, 1])
        }
        #expect(Leakage.check(train: ["a"], eval: ["b", "c"]).isEmpty)
    }

    @Test("With chapter 9's table installed, the kit's statistics and contamination count come from the installed functions")
    func statisticsReachTheChapter() {
        // The win rate hands over the kit's bootstrap, itself the installed one.
        let win: WinRateIntervalFunction = { model, _, _, interval in (0.25, interval(model).low, 2, [0.5]) }
        let pass: MeanPassAtKFunction = { _, _, ks in Dictionary(uniqueKeysWithValues: ks.map { ($0, 0.75) }) }
        let contaminated: ContaminatedPromptsFunction = { _, eval, _ in Array(eval.indices) }
        let interval: SeedsAndPromptsIntervalFunction = { x, _, _, _ in (Double(x.count), -1, 1) }
        let table = LearnerCode.Table(["winRateInterval": win, "meanPassAtK": pass, "contaminatedPrompts": contaminated, "bootstrapSeedsAndPrompts": interval])
        LearnerCode.$installed.withValue(table) {
            let w = Statistics.winRateInterval([[1, 0]], against: [[0, 1]])
            #expect(w.interval == Statistics.Interval(estimate: 0.25, low: -1, high: 2) && w.bySeed == [0.5])
            #expect(Statistics.meanPassAtK([[0, 1]], threshold: 0.9, ks: [1, 2]) == [1: 0.75, 2: 0.75])
            #expect(ContaminationCheck.contaminated(training: ["a"], eval: ["b", "c"], n: 13) == [0, 1])
            // bootstrapMean hands its values over as a single run.
            #expect(Statistics.bootstrapMean([1, 2, 3]) == Statistics.Interval(estimate: 1, low: -1, high: 1))
            #expect(Statistics.bootstrapSeedsAndPrompts([[1], [2], []]).estimate == 3)
        }
        #expect(Statistics.bootstrapMean([1, 2, 3]).estimate == 2)
        #expect(ContaminationCheck.contaminated(training: ["a"], eval: ["b", "c"], n: 13).isEmpty)
    }
}
