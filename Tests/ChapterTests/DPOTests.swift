import Autograd
import Core
import Foundation
import Testing
import SFT
import SupportDesk
@testable import DPO
@testable import RewardModel
@testable import Transformer

@Suite("DPO and relatives: losses, sequence log-probs, reference log-probs, training, evaluation")
struct DPOTests {
    typealias F = PreferenceFixtures

    static func logProbs(_ c: F.PairCase) -> PairLogProbs {
        PairLogProbs(policyChosen: Variable(Tensor([c.policy_chosen.count], c.policy_chosen)),
                     policyRejected: Variable(Tensor([c.policy_rejected.count], c.policy_rejected)),
                     referenceChosen: c.reference_chosen, referenceRejected: c.reference_rejected,
                     chosenCounts: c.chosen_counts, rejectedCounts: c.rejected_counts)
    }

    @Test("Every loss matches the vectors computed independently in Python")
    func lossVectors() throws {
        #expect(F.vectors.pair_losses.count == 24)
        for c in F.vectors.pair_losses {
            let kind = try #require(PreferenceLoss(rawValue: c.kind))
            let out = kind(Self.logProbs(c), LossSettings(beta: c.beta, labelSmoothing: c.label_smoothing, simpoGamma: c.simpo_gamma))
            let what = "\(c.kind) β \(c.beta) ε \(c.label_smoothing)"
            #expect(abs(Double(out.loss.scalar) - c.loss) <= 2e-5 * max(1, abs(c.loss)), "\(what): loss \(out.loss.scalar) vs \(c.loss)")
            for i in c.chosen_rewards.indices {
                #expect(abs(out.chosenRewards[i] - c.chosen_rewards[i]) <= 1e-4 * max(1, abs(c.chosen_rewards[i])), "\(what): chosen reward \(i)")
                #expect(abs(out.rejectedRewards[i] - c.rejected_rewards[i]) <= 1e-4 * max(1, abs(c.rejected_rewards[i])), "\(what): rejected reward \(i)")
            }
        }
        for c in F.vectors.kto {
            let out = KTOLoss.loss(KTOBatch(policy: Variable(Tensor([c.policy.count], c.policy)), reference: c.reference, labels: c.labels,
                                            policyKL: c.policy_kl, referenceKL: c.reference_kl),
                                   KTOSettings(beta: c.beta, desirableWeight: c.desirable_weight, undesirableWeight: c.undesirable_weight))
            #expect(abs(Double(out.loss.scalar) - c.loss) < 1e-5 && abs(Double(out.kl) - c.z) < 1e-4, "KTO β \(c.beta): \(out.loss.scalar), z \(out.kl) vs \(c.loss), \(c.z)")
        }
    }

    @Test("With Δ = 0: ln 2 for sigmoid (and robust), 1 for hinge, 25 for IPO with β = 0.1")
    func zeroDelta() {
        let x = PairLogProbs(policyChosen: Variable(Tensor([2], [-30, -12])), policyRejected: Variable(Tensor([2], [-41, -9])),
                             referenceChosen: [-30, -12], referenceRejected: [-41, -9], chosenCounts: [10, 6], rejectedCounts: [12, 5])
        #expect(abs(PreferenceLoss.sigmoid(x).loss.scalar - 0.693147) < 1e-6)
        #expect(abs(PreferenceLoss.robust(x, LossSettings(labelSmoothing: 0.1)).loss.scalar - 0.693147) < 1e-6)
        #expect(PreferenceLoss.hinge(x).loss.scalar == 1)
        #expect(abs(PreferenceLoss.ipo(x).loss.scalar - 25) < 1e-4)
        #expect(PreferenceLoss.sigmoid(x).chosenRewards == [0, 0])
    }

    @Test("RPO adds α times the chosen replies' mean token NLL to the pairwise loss, and leaves the rewards alone")
    func rpoTerm() {
        let x = PairLogProbs(policyChosen: Variable(Tensor([2], [-30, -12])), policyRejected: Variable(Tensor([2], [-41, -9])),
                             referenceChosen: [-28, -13], referenceRejected: [-40, -10], chosenCounts: [10, 6], rejectedCounts: [12, 5])
        let nll: Float = (30 + 12) / 16   // −Σ log π(chosen) over the 16 chosen tokens
        for kind in [PreferenceLoss.sigmoid, .hinge, .ipo] {
            let plain = kind(x), rpo = kind(x, LossSettings(rpoAlpha: 0.5))
            #expect(abs(rpo.loss.scalar - (plain.loss.scalar + 0.5 * nll)) < 1e-5, "\(kind.rawValue)")
            #expect(rpo.chosenRewards == plain.chosenRewards && rpo.rejectedRewards == plain.rejectedRewards)
        }
    }

    @Test("Loss gradients match finite differences", arguments: PreferenceLoss.allCases)
    func lossGradients(kind: PreferenceLoss) {
        // Average log-probs stay inside (−1, 0) so ORPO's log(1 − p) is defined.
        let pc = Tensor([3], [-4.0, -9.5, -2.2]), pr = Tensor([3], [-6.1, -3.0, -5.5])
        let s = LossSettings(beta: kind == .simpo ? 2 : 0.5, labelSmoothing: kind == .robust || kind == .sigmoid ? 0.1 : 0)
        let report = GradCheck.check([pc, pr], eps: 1e-2) { v in
            kind(PairLogProbs(policyChosen: v[0], policyRejected: v[1], referenceChosen: [-5, -8, -2], referenceRejected: [-5, -4, -6],
                              chosenCounts: [8, 12, 5], rejectedCounts: [9, 6, 7]), s).loss
        }
        #expect(report.maxRelativeError < 2e-2, "\(kind.rawValue): \(report)")
    }

    @Test("KTO gradients match finite differences; z carries no gradient")
    func ktoGradients() {
        let p = Tensor([4], [-20, -31, -12, -8])
        let report = GradCheck.check([p], eps: 1e-2) { v in
            KTOLoss.loss(KTOBatch(policy: v[0], reference: [-22, -30, -15, -6], labels: [true, false, true, false],
                                  policyKL: [-50, -60], referenceKL: [-53, -61])).loss
        }
        #expect(report.maxRelativeError < 2e-2, "\(report)")
    }

    @Test("tokenLogProbs equals log-softmax + gather, in value and gradient, and skips ignored rows")
    func tokenLogProbsOp() {
        var rng = SeededRandom(seed: 3)
        let logits = Tensor([5, 7], (0..<35).map { _ in rng.normal() * 3 })
        let ignored = CrossEntropy.ignoreIndex
        let targets = [2, ignored, 6, 0, 3]
        let fused = Variable(logits.copy(), requiresGrad: true), plain = Variable(logits.copy(), requiresGrad: true)
        let a = fused.tokenLogProbs(targets)
        let b = plain.logSoftmax().gather(targets.map { max($0, 0) }) * Variable(Tensor([5], targets.map { $0 == ignored ? 0 : 1 }))
        for i in 0..<5 { #expect(abs(a.value[i] - b.value[i]) < 1e-5) }
        let w = Variable(Tensor([5], [0.3, -1, 2, 0.5, -0.7]))
        (a * w).sum().backward(); (b * w).sum().backward()
        for i in 0..<35 { #expect(abs(fused.grad![i] - plain.grad![i]) < 1e-5) }
        for j in 7..<14 { #expect(fused.grad![j] == 0, "the ignored row got a gradient") }
        let report = GradCheck.check([logits]) { $0[0].tokenLogProbs(targets) }
        #expect(report.maxRelativeError < 2e-2, "\(report)")
    }

    @Test("Sequence log-probs sum the completion's tokens only (not the prompt, not the padding)")
    func completionOnly() {
        let gpt = F.model(seed: 11)
        let seqs = [PromptCompletion(prompt: [5, 6, 7, 8], completion: [9, 10, 11]), PromptCompletion(prompt: [12, 13], completion: [14])]
        let got = SequenceLogProbs.values(gpt, seqs, pad: F.pad)
        for (i, s) in seqs.enumerated() {
            let lp = gpt.tokenLogProbs(s.ids)           // lp[k] = log p(ids[k + 1] | ...)
            let expected = lp.suffix(s.completion.count).reduce(0, +)
            #expect(abs(got[i] - expected) < 1e-4, "sequence \(i): \(got[i]) vs \(expected)")
        }
        let targets = SequenceLogProbs.completionTargets(seqs, length: 7)
        let x = CrossEntropy.ignoreIndex
        #expect(targets == [x, x, x, 9, 10, 11, x, x, 14, x, x, x, x, x])
    }

    static func prepared(_ model: GPT, count: Int) -> [PreparedPair] {
        let pairs = Array(F.data.preferences.map(PreferenceExample.init).sorted { $0.chosen.count < $1.chosen.count }.prefix(count))
        return ReferenceLogProbs.prepare(pairs, template: F.template, reference: model, context: 512, pad: F.pad).pairs
    }

    @Test("Reference log-probs are computed once, from the frozen model, and stay fixed while the policy trains")
    func referenceOnce() throws {
        let policy = F.model(seed: 12)
        let pairs = Self.prepared(policy, count: 8)
        let frozen = pairs.map(\.referenceChosen)
        let fresh = SequenceLogProbs.values(F.model(seed: 12), pairs.map(\.chosen), pad: F.pad)
        for i in pairs.indices { #expect(abs(frozen[i] - fresh[i]) < 1e-4) }
        let t = try DPOTrainer(model: policy, loss: .sigmoid, train: pairs, heldOut: pairs,
                               settings: .init(steps: 3, pairsPerBatch: 4, learningRate: 1e-3, warmupSteps: 1, evalEvery: 100), pad: F.pad)
        try t.run(metrics: MetricsWriter(url: try F.temporaryDirectory("dpo-ref").appendingPathComponent("m.csv"),
                                         columns: PreferenceTraining.metricColumns), quiet: true)
        #expect(t.train.map(\.referenceChosen) == frozen)
        let moved = SequenceLogProbs.values(policy, pairs.map(\.chosen), pad: F.pad)
        #expect(zip(moved, frozen).contains { abs($0 - $1) > 1e-3 }, "the policy did not change")
    }

    @Test("Short runs learn: every pairwise loss opens a reward margin on its training pairs", arguments: PreferenceLoss.allCases)
    func shortRunsLearn(kind: PreferenceLoss) throws {
        let policy = F.model(seed: 13)
        let pairs = Self.prepared(policy, count: 8)
        let s = LossSettings(beta: kind == .simpo ? 2 : 0.1, labelSmoothing: kind == .robust ? 0.1 : 0, simpoGamma: kind == .simpo ? 1 : 0.5)
        let t = try DPOTrainer(model: policy, loss: kind, lossSettings: s, train: pairs, heldOut: pairs,
                               settings: .init(steps: 12, pairsPerBatch: 4, learningRate: 3e-3, warmupSteps: 1, evalEvery: 100), pad: F.pad)
        let before = t.evaluate()
        try t.run(metrics: MetricsWriter(url: try F.temporaryDirectory("dpo-run").appendingPathComponent("m.csv"),
                                         columns: PreferenceTraining.metricColumns), quiet: true)
        let after = t.evaluate()
        #expect(after.loss < before.loss, "\(kind.rawValue): loss \(before.loss) -> \(after.loss)")
        // IPO, SimPO and ORPO's rewards are β times per-token averages: a smaller scale.
        let opened: Double = [.ipo, .orpo].contains(kind) ? 0.002 : 0.05
        #expect(after.stats.margin > before.stats.margin + opened, "\(kind.rawValue): rewards/margins \(before.stats.margin) -> \(after.stats.margin)")
        #expect(after.stats.accuracy >= 0.75, "\(kind.rawValue): rewards/accuracies \(after.stats.accuracy)")
    }

    @Test("A short KTO run on unpaired replies separates desirable from undesirable")
    func ktoLearns() throws {
        let policy = F.model(seed: 14)
        let all = F.data.unpaired.map(UnpairedPreference.init).sorted { $0.completion.count < $1.completion.count }
        let unpaired = Array(all.filter(\.label).prefix(6)) + Array(all.filter { !$0.label }.prefix(6))
        let prepared = ReferenceLogProbs.prepare(unpaired, template: F.template, reference: policy, context: 512, pad: F.pad).examples
        #expect(prepared[0].mismatched.completion == prepared[1].sequence.completion && prepared[0].mismatched.prompt == prepared[0].sequence.prompt)
        let t = try KTOTrainer(model: policy, train: prepared, heldOut: [], settings: .init(steps: 12, pairsPerBatch: 3, learningRate: 3e-3,
                                                                                             warmupSteps: 1, evalEvery: 100), pad: F.pad)
        try t.run(metrics: MetricsWriter(url: try F.temporaryDirectory("kto-run").appendingPathComponent("m.csv"),
                                         columns: PreferenceTraining.metricColumns), quiet: true)
        let lp = SequenceLogProbs.values(policy, prepared.map(\.sequence), pad: F.pad)
        let r = prepared.indices.map { lp[$0] - prepared[$0].reference }
        let good = prepared.indices.filter { prepared[$0].label }.map { r[$0] }, bad = prepared.indices.filter { !prepared[$0].label }.map { r[$0] }
        let gap = good.reduce(0, +) / Float(good.count) - bad.reduce(0, +) / Float(bad.count)
        #expect(gap > 0.5, "mean log-ratio of desirable minus undesirable replies: \(gap)")
    }

    @Test("Flaw rates count the grader's findings of each flaw's kind (a mis-copied date is no wrong policy); win rate counts ties as half")
    func policyEvaluation() {
        func g(_ overall: Double, tone: Double = 1, facts: Double = 1, structure: Double = 1, grounded: Double = 1, promise: Double = 1,
               findings: [String] = []) -> Grade {
            // Grade has no public initialiser: decode one (it is Codable).
            let json = "{\"structure\":\(structure),\"facts\":\(facts),\"tone\":\(tone),\"grounded\":\(grounded),"
                + "\"noOverPromise\":\(promise),\"overall\":\(overall),\"moves\":[],\"findings\":[" + findings.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
            return try! JSONDecoder().decode(Grade.self, from: Data(json.utf8))
        }
        let grades = [g(0.9), g(0.5, tone: 0.5, findings: ["cold or contradicting phrase: x"]),
                      g(0.4, facts: 0.5, grounded: 0.5, findings: ["wrong policy: a", "missing step: b", "wrong policy: e", "invented detail: c", "invented detail: d"]),
                      g(0.7, structure: 0.75, promise: 0.5, findings: ["missing move: close", "moves out of order: x", "over-promise: y"])]
        let copyingOnly = g(0.8, facts: 0.5, structure: 0.75, findings: ["missing fact: until", "moves out of order: x"])
        let r = PolicyEvaluation.report("x", grades: grades, replies: ["a", "b", "c", "d"], finished: [true, true, false, true])
        #expect(r.flawRates == ["cold_tone": 0.25, "wrong_policy": 0.25, "over_promise": 0.25, "missing_move": 0.25, "invented_detail": 0.25])
        #expect(r.flawCounts == ["cold_tone": 0.25, "wrong_policy": 0.5, "over_promise": 0.25, "missing_move": 0.25, "invented_detail": 0.5])
        #expect(r.finished == 0.75)
        #expect(Flaw.allCases.allSatisfy { !PolicyEvaluation.shows($0, copyingOnly) }, "a mis-copied date and moves out of order are no flaw")
        #expect(PolicyEvaluation.winRate(grades, against: [g(0.9), g(0.4), g(0.6), g(0.7)]) == 0.5)   // tie, win, loss, tie
    }

    @Test("Self-generated pairs put the reply the grader likes better first")
    func selfGeneratedPairs() {
        let items = Array(F.data.preferences.prefix(3)).map { (prompt: $0.prompt, truth: $0.truth) }
        let pairs = SelfGeneratedPairs.build(F.model(seed: 15), template: F.template, prompts: items, samples: 3, minGap: 0,
                                             maxNewTokens: 12, seed: 4, requireFinished: false)
        #expect(!pairs.isEmpty)
        let grader = Grader()
        for p in pairs {
            let truth = items.first { $0.prompt == p.prompt }!.truth
            #expect(grader.grade(reply: p.chosen, truth: truth).overall >= grader.grade(reply: p.rejected, truth: truth).overall)
            #expect(p.chosen != p.rejected && p.flaw != nil)
        }
    }

    @Test("Malformed unpaired files are rejected with their file and line")
    func badUnpairedFiles() throws {
        let dir = try F.temporaryDirectory("unpaired")
        func check(_ line: String, _ message: String) throws {
            let p = dir.appendingPathComponent("u.jsonl").path
            try (#"{"prompt":"hi","completion":"Sorry.","label":true}"# + "\n" + line + "\n").write(toFile: p, atomically: true, encoding: .utf8)
            #expect(throws: CourseError(file: p, line: 2, message)) { try UnpairedPreference.load(path: p) }
        }
        try check(#"{"prompt":"hi","completion":"x"}"#, "missing key \"label\"")
        try check(#"{"prompt":"hi","completion":"x","label":1}"#, "\"label\" must be true or false")
        try check(#"{"prompt":"hi","completion":"","label":false}"#, "\"completion\" is an empty string")
        try check(#"{"completion":"x","label":false}"#, "missing key \"prompt\"")
    }
}
