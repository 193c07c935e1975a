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

/// Chapter 8 under `--mine`: DPO, its label-smoothed and robust forms, IPO, SimPO and KTO train on the installed losses.
extension LearnerCodeTests {
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
}
