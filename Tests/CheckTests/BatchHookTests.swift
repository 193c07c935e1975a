import Testing
import Autograd
import Core
import RewardModel
import SFT
import SupportDesk
import Transformer
@testable import Checks

/// The two batch builders the learner writes (exercises 3.1 and 6.2) reach the runs: with a
/// function installed, the kit's batch is the installed function's; with the reference table,
/// the kit's own batch, exactly (so `--mine` reproduces the recorded metrics bit for bit).
@Suite("Plugging the learner's batches into the chapters")
struct BatchHookTests {
    @Test("With chapter 3's table installed, the padded SFT batch comes from the installed function and equals the kit's")
    func paddedBatchReachesTheChapter() {
        let examples = [TokenizedExample(ids: [3, 4, 5, 6], trainable: [false, false, true, true]),
                        TokenizedExample(ids: [7, 8], trainable: [false, true])]
        let kit = SFTBatching.padded(examples, length: 5, pad: 0)
        #expect(kit.inputs == [3, 4, 5, 6, 0, 7, 8, 0, 0, 0] && kit.lossTokens == 3)
        let marked: PaddedBatchFunction = { e, length, _ in
            ([Int](repeating: 1, count: e.count * length), [Int](repeating: CrossEntropy.ignoreIndex, count: e.count * length))
        }
        LearnerCode.$installed.withValue(LearnerCode.Table(["paddedBatch": marked])) {
            let b = SFTBatching.padded(examples, length: 5, pad: 0)
            #expect(b.inputs.allSatisfy { $0 == 1 } && b.lossTokens == 0 && b.rows == 2 && b.length == 5)
        }
        let reference = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 3, flavor: .reference)) {
            SFTBatching.padded(examples, length: 5, pad: 0)
        }
        #expect(reference.inputs == kit.inputs && reference.targets == kit.targets)
    }

    @Test("With chapter 6's table installed, a reward-model step reads the installed pair batch and gives the kit's rewards")
    func pairBatchReachesTheTrainingStep() throws {
        let template = try ChatTemplate(tokenizer: Chapter3Functions.chatTokenizer())
        let gpt = GPT(GPTConfig(vocabSize: template.tokenizer.vocabSize, contextLength: 64, embeddingSize: 8, layers: 1, heads: 2), seed: 66)
        let model = RewardModel(backbone: gpt, pad: 0, seed: 67)
        let prompt = [Message(role: "user", content: "Where is SD-1?")]
        let pairs = [PreferenceExample(prompt: prompt, chosen: "It ships today.", rejected: "Hello."),
                     PreferenceExample(prompt: prompt, chosen: "Hello there.", rejected: "Your order SD-1 ships today, hello there.")]
        let trainer = try RewardTrainer(model: model, template: template, train: pairs, heldOut: [],
                                        settings: .init(steps: 1, pairsPerBatch: 2, learningRate: 0, warmupSteps: 0, evalEvery: 1))
        let kit = noGrad { trainer.loss(trainer.train) }
        // Every row read at its position 0: the same first token, so chosen and rejected tie.
        let first: PairBatchFunction = { p, pad in
            let (ids, t) = Padding.right(p.map(\.chosen) + p.map(\.rejected), pad: pad)
            return (ids, (0..<(2 * p.count)).map { $0 * t })
        }
        let tied = LearnerCode.$installed.withValue(LearnerCode.Table(["pairBatch": first])) { noGrad { trainer.loss(trainer.train) } }
        #expect(zip(tied.chosen, tied.rejected).allSatisfy { abs($0 - $1) <= 1e-6 } && tied.chosen != kit.chosen)
        // The reference solution alone (not the whole chapter's table, whose reward head computes in loops).
        let solution = try #require(LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 6, flavor: .reference)) {
            LearnerCode.function("pairBatch", as: PairBatchFunction.self)
        })
        let reference = LearnerCode.$installed.withValue(LearnerCode.Table(["pairBatch": solution])) { noGrad { trainer.loss(trainer.train) } }
        #expect(reference.chosen == kit.chosen && reference.rejected == kit.rejected && reference.loss.scalar == kit.loss.scalar)
    }
}
