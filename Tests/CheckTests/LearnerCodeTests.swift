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
