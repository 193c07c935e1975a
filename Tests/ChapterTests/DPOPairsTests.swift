import Autograd
import Core
import Foundation
import Testing
import SFT
import SupportDesk
@testable import DPO
@testable import Transformer

/// The pairs of issue "preference pairs that target the model's real mistakes": on-policy
/// slot-error pairs, the date cap, the loss on edited tokens, DPOP, the same-budget SFT control,
/// frozen embeddings, and the default run's settings left as they were.
@Suite("DPO pair design: slot-error pairs, edited tokens, DPOP, controls")
struct DPOPairsTests {
    typealias F = PreferenceFixtures
    static let data = Dataset.generate(seed: 1, lang: .en, size: .small)

    /// A good reply with one required fact's value replaced by a value of the same kind that the
    /// prompt does not hold: what a model's slot error looks like.
    static func corrupted(_ e: ChatExample, policy: Bool) -> (reply: String, wrong: String, right: String)? {
        let allowed = Set(e.truth.allowed)
        let dates = ["December 30", "January 9", "November 14", "July 21"]
        let spans = ["12 days", "9 business days", "8-11 business days", "5 years", "75 days"]
        for f in e.truth.required where f.isPolicy == policy && (policy || SlotDiagnostic.kind(of: f) == .date) {
            guard let r = e.reply.range(of: f.value), e.reply.components(separatedBy: f.value).count == 2 else { continue }
            let options = policy ? spans : dates
            // A value of the same kind (and unit) that the prompt does not hold.
            guard let wrong = options.first(where: { o in
                o != f.value && Extractor.values(in: o, lang: .en).allSatisfy { !allowed.contains($0) }
                    && (!policy || f.value.hasSuffix(String(o.split(separator: " ").last!)))
            }) else { continue }
            var reply = e.reply
            reply.replaceSubrange(r, with: wrong)
            return (reply, wrong, f.value)
        }
        return nil
    }

    @Test("On-policy pairs differ from the model's reply only at the slot, and the chosen reply is the good one", arguments: [false, true])
    func slotErrorPairsDifferOnlyAtTheSlot(policy: Bool) throws {
        let cases = Self.data.sft.filter { $0.habit == nil }.compactMap { e in Self.corrupted(e, policy: policy).map { (e, $0) } }.prefix(60)
        #expect(cases.count >= 20, "only \(cases.count) replies to corrupt")
        var mended = 0
        for (e, c) in cases {
            guard let (pair, fixes) = SlotErrorPairs.pair(prompt: e.prompt, truth: e.truth, reply: c.reply) else { continue }
            mended += 1
            #expect(pair.rejected == c.reply, "the rejected reply is the model's own")
            #expect(pair.chosen == e.reply, "\(e.id): mended to \(pair.chosen)")
            #expect(fixes.map(\.wrong) == [c.wrong])
            // Outside the slot, the two replies are the same characters.
            let a = Array(pair.chosen), b = Array(pair.rejected)
            var p = 0
            while p < min(a.count, b.count), a[p] == b[p] { p += 1 }
            var q = 0
            while q < min(a.count, b.count) - p, a[a.count - 1 - q] == b[b.count - 1 - q] { q += 1 }
            #expect(c.wrong.contains(String(b[p..<(b.count - q)])) && c.right.contains(String(a[p..<(a.count - q)])),
                    "\(e.id): the replies differ at \"\(String(b[p..<(b.count - q)]))\" / \"\(String(a[p..<(a.count - q)]))\"")
            #expect(pair.flaw == (policy ? "wrong_policy" : "invented_detail"))
        }
        #expect(Double(mended) >= 0.8 * Double(cases.count), "only \(mended) of \(cases.count) slot errors mended")
        // A reply with nothing wrong gives no pair.
        for (e, _) in cases { #expect(SlotErrorPairs.pair(prompt: e.prompt, truth: e.truth, reply: e.reply) == nil, "\(e.id)") }
    }

    @Test("The date cap keeps the model's favourite date out of more than maxPerDate pairs")
    func dateCap() throws {
        let e = Self.data.sft.first { $0.habit == nil && Self.corrupted($0, policy: false) != nil }!
        let c = Self.corrupted(e, policy: false)!
        let candidate = try #require(SlotErrorPairs.pair(prompt: e.prompt, truth: e.truth, reply: c.reply))
        let favourite = SlotErrorPairs.Candidate(example: candidate.example, fixes: candidate.fixes, greedy: true)
        var other = favourite
        other.fixes = [ValueCorrection.Fix(wrong: "May 2", right: Fact(name: "until", value: "June 9"))]
        let (pairs, stats) = SlotErrorPairs.select(Array(repeating: favourite, count: 7) + [other], maxPerDate: 3)
        #expect(pairs.count == 4)
        #expect(stats.capped == 4 && stats.mendable == 8 && stats.pairs == 4 && stats.fromGreedy == 4)
        #expect(stats.favourites[SlotErrorPairs.canonical(c.wrong)] == 7)
    }

    @Test("editedRanges finds the tokens between the first and the last difference")
    func editedTokenRanges() {
        let (a, b) = (editedRanges([1, 2, 3, 4, 5], [1, 2, 9, 9, 4, 5])!)
        #expect(a == 2..<3 && b == 2..<4)
        #expect(editedRanges([1, 2, 3], [1, 2, 3, 4]) == nil)   // an insertion only: scored whole
        #expect(editedRanges([7, 1], [8, 1])! == (0..<1, 0..<1))
    }

    @Test("Scored tokens narrow a sequence log-probability, and edited-only pairs score just the tokens that differ")
    func scoredTokens() {
        let gpt = F.model(seed: 21)
        var s = PromptCompletion(prompt: [5, 6, 7], completion: [9, 10, 11, 12])
        s.scored = 1..<3
        let lp = gpt.tokenLogProbs(s.ids)                     // lp[k] = log p(ids[k + 1] | ...)
        let got = SequenceLogProbs.values(gpt, [s], pad: F.pad)[0]
        #expect(abs(got - (lp[3] + lp[4])) < 1e-4, "\(got) vs \(lp[3] + lp[4])")
        #expect(SequenceLogProbs.compute(gpt, [s], pad: F.pad).counts == [2])

        let pair = F.data.preferences.first { $0.flaw == .wrongPolicy }!
        let (whole, _) = ReferenceLogProbs.prepare([PreferenceExample(pair)], template: F.template, reference: gpt, context: 512, pad: F.pad)
        let (edited, _) = ReferenceLogProbs.prepare([PreferenceExample(pair)], template: F.template, reference: gpt, context: 512,
                                                    pad: F.pad, editedOnly: true)
        let (c, r) = (edited[0].chosen, edited[0].rejected)
        let (cs, rs) = (c.scored!, r.scored!)
        #expect(cs.count < c.completion.count / 4 && rs.lowerBound == cs.lowerBound)
        #expect(Array(c.completion[..<cs.lowerBound]) == Array(r.completion[..<rs.lowerBound]))
        #expect(Array(c.completion[cs.upperBound...]) == Array(r.completion[rs.upperBound...]))
        // The shared tokens before the edit cancel in Δ at the reference; after it they need not.
        #expect(abs(edited[0].referenceChosen) < abs(whole[0].referenceChosen))
    }

    @Test("DPOP adds a penalty only when the chosen reply falls below the reference; its gradient matches finite differences")
    func dpop() {
        func x(_ pc: [Float]) -> PairLogProbs {
            PairLogProbs(policyChosen: Variable(Tensor([2], pc)), policyRejected: Variable(Tensor([2], [-41, -9])),
                         referenceChosen: [-30, -12], referenceRejected: [-40, -10], chosenCounts: [10, 6], rejectedCounts: [12, 5])
        }
        var s = LossSettings()
        s.dpopLambda = 50
        let up = x([-29, -11])
        #expect(abs(PreferenceLoss.sigmoid(up, s).loss.scalar - PreferenceLoss.sigmoid(up).loss.scalar) < 1e-6)
        let down = x([-31, -12])
        // Pair 0: Δ = −1 − (−1) = 0, penalty 50·1 → −log σ(0.1·(0 − 50)); pair 1: Δ = 0 − 1 = −1, no penalty.
        let expected = (log(1 + exp(5.0)) + log(1 + exp(0.1))) / 2
        #expect(abs(Double(PreferenceLoss.sigmoid(down, s).loss.scalar) - expected) < 1e-4)
        let report = GradCheck.check([Tensor([2], [-31, -12.5]), Tensor([2], [-41, -9])], eps: 1e-2) { v in
            PreferenceLoss.sigmoid(PairLogProbs(policyChosen: v[0], policyRejected: v[1], referenceChosen: [-30, -12],
                                                referenceRejected: [-40, -10], chosenCounts: [10, 6], rejectedCounts: [12, 5]), s).loss
        }
        #expect(report.maxRelativeError < 2e-2, "\(report)")
    }

    @Test("The same-budget SFT control trains the chosen replies' NLL and still logs the implicit rewards")
    func sftOnly() {
        let x = PairLogProbs(policyChosen: Variable(Tensor([2], [-30, -12])), policyRejected: Variable(Tensor([2], [-41, -9])),
                             referenceChosen: [-28, -13], referenceRejected: [-40, -10], chosenCounts: [10, 6], rejectedCounts: [12, 5])
        var s = LossSettings()
        s.sftOnly = true
        let out = PreferenceLoss.sigmoid(x, s)
        #expect(abs(out.loss.scalar - 42.0 / 16) < 1e-5)
        #expect(out.chosenRewards == PreferenceLoss.sigmoid(x).chosenRewards)
    }

    @Test("With frozen embeddings a DPO step changes every weight but the token embedding")
    func frozenEmbeddings() throws {
        let policy = F.model(seed: 31)
        let before = policy.namedParameters.map { ($0.0, $0.1.value.array) }
        let pairs = ReferenceLogProbs.prepare(Array(F.data.preferences.map(PreferenceExample.init).prefix(4)), template: F.template,
                                              reference: F.model(seed: 31), context: 512, pad: F.pad).pairs
        let trainable = try DPOAdapters.trainableParameters(policy, lora: nil, seed: 1, frozenEmbeddings: true)
        let t = try DPOTrainer(model: policy, loss: .sigmoid, train: pairs, heldOut: [],
                               settings: .init(steps: 2, pairsPerBatch: 2, learningRate: 1e-3, warmupSteps: 0, evalEvery: 100),
                               pad: F.pad, parameters: trainable)
        try t.run(metrics: MetricsWriter(url: try F.temporaryDirectory("dpo-frozen").appendingPathComponent("m.csv"),
                                         columns: PreferenceTraining.metricColumns), quiet: true)
        for ((name, old), (_, p)) in zip(before, policy.namedParameters) {
            if name == "wte.weight" { #expect(p.value.array == old) }
            if name == "wpe.weight" || name.hasSuffix("c_attn.weight") { #expect(p.value.array != old, "\(name) did not move") }
        }
    }

    @Test("The default DPO run's settings, folder and fingerprint are what they were; --pairs builtin is the default")
    func defaultUnchanged() throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        for chain in [true, false] {
            let plain = DPORun.settings(.default, seed: 1, variant: .sigmoid, .init(inChain: chain))
            let json = String(decoding: try enc.encode(plain), as: UTF8.self)
            for key in ["pairs", "editedTokens", "slotErrors", "frozenEmbeddings", "dpopLambda", "sftOnly"] {
                #expect(!json.contains("\"\(key)\""), "\(key) in the default settings")
            }
            let explicit = DPORun.settings(.default, seed: 1, variant: .sigmoid, .init(inChain: chain, pairs: .builtin))
            #expect(String(decoding: try enc.encode(explicit), as: UTF8.self) == json)
        }
        #expect(DPORun.folder(.sigmoid, .init(pairs: .builtin)) == "dpo/sigmoid")
        #expect(DPORun.folder(.sigmoid, .init(pairs: .onpolicy, editedTokens: true)) == "dpo/sigmoid-pairs-onpolicy-edited")
        let on = DPORun.settings(.default, seed: 1, variant: .sigmoid, .init(pairs: .all))
        #expect(on.pairs == .all && on.slotErrors != nil)
        #expect(DPORun.settings(.default, seed: 1, variant: .sigmoid, .init(pairs: .mirror)).slotErrors == nil)
    }
}
