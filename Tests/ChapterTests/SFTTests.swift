import Foundation
import Testing
import Autograd
import Core
import SupportDesk
@testable import SFT
@testable import Transformer

@Suite("SFT: chat template, loss masks, packing, training")
struct SFTTests {
    static let tokenizer = BPETokenizer.train(
        corpus: Dataset.generate(seed: 1, lang: .en, size: .small).corpus, vocabSize: 400,
        specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"])
    static var template: ChatTemplate { try! ChatTemplate(tokenizer: tokenizer) }

    @Test("Only assistant replies and their end-of-turn token are trainable in a multi-turn chat")
    func multiTurnMask() {
        let conv = [Message(role: "system", content: "Order: SD-1"), Message(role: "user", content: "Where is it?"),
                    Message(role: "assistant", content: "It ships today."), Message(role: "user", content: "Thanks!"),
                    Message(role: "assistant", content: "You are welcome.")]
        let (ids, trainable) = Self.template.encode(conv)
        let picked = zip(ids, trainable).filter(\.1).map(\.0)
        let end = Self.template.end
        // The trainable tokens are exactly: reply 1, <|im_end|>, reply 2, <|im_end|>.
        let expected = Self.tokenizer.encode("It ships today.") + [end] + Self.tokenizer.encode("You are welcome.") + [end]
        #expect(picked == expected)
        #expect(Self.tokenizer.decode(ids).hasPrefix("<|im_start|>system\nOrder: SD-1<|im_end|>\n<|im_start|>user\n"))
        let prompt = Self.template.generationPrompt(Array(conv.prefix(2)))
        #expect(Self.tokenizer.decode(prompt).hasSuffix("<|im_end|>\n<|im_start|>assistant\n"))
    }

    static func examples() -> [TokenizedExample] {
        Dataset.generate(seed: 2, lang: .en, size: .small).sft.prefix(6).map {
            let e = template.encode($0.messages); return TokenizedExample(ids: e.ids, trainable: e.trainable)
        }
    }

    @Test("Packing puts no loss across example boundaries")
    func packingBoundaries() {
        let ex = Self.examples()
        let b = SFTBatching.packed(ex, length: 1024, pad: 0)
        var offset = 0
        for e in ex where offset + e.count <= b.length {
            #expect(b.targets[offset + e.count - 1] == CrossEntropy.ignoreIndex, "last token of an example predicts across the boundary")
            #expect(b.positions![offset] == 0 && b.segments![offset] != b.segments![max(offset - 1, 0)] || offset == 0)
            offset += e.count
        }
        #expect(b.lossTokens == SFTBatching.padded(ex, length: 1024, pad: 0).lossTokens)
    }

    @Test("Packed and padded batches of the same examples give the same loss")
    func packedEqualsPadded() {
        let ex = Self.examples()
        let model = GPT(GPTConfig(vocabSize: Self.tokenizer.vocabSize, contextLength: 1024, embeddingSize: 32, layers: 2, heads: 4), seed: 4)
        let packed = noGrad { model.loss(SFTBatching.packed(ex, length: 1024, pad: 0)).scalar }
        let padded = noGrad { model.loss(SFTBatching.padded(ex, length: 1024, pad: 0)).scalar }
        #expect(abs(packed - padded) < 1e-4, "packed \(packed) vs padded \(padded)")
    }

    @Test("A short SFT run lowers the held-out loss on reply tokens")
    func shortRunLearns() throws {
        let data = Dataset.generate(seed: 3, lang: .en, size: .small)
        let model = GPT(GPTConfig(vocabSize: Self.tokenizer.vocabSize, contextLength: 512, embeddingSize: 48, layers: 2, heads: 4), seed: 5)
        let trainer = try SFTTrainer(model: model, template: Self.template, examples: data.sft.map(\.messages),
                                     heldOut: data.dev.prefix(16).map { $0.prompt + $0.reference }, graded: [],
                                     settings: .init(steps: 30, rowsPerBatch: 2, learningRate: 3e-3, warmupSteps: 3,
                                                     evalEvery: 1000, gradedPrompts: 0))
        let before = trainer.evalLoss()
        try trainer.run(metrics: MetricsWriter(url: ScratchFolder.root.appendingPathComponent("sft-\(getpid()).csv"),
                                               columns: SFTTrainer.metricColumns), label: "test")
        let after = trainer.evalLoss()
        #expect(after < before - 1, "held-out loss \(before) -> \(after)")
    }

    @Test("A malformed SFT file is rejected with its file and line")
    func badFiles() throws {
        let dir = ScratchFolder.root.appendingPathComponent("sftdata-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func check(_ text: String, _ message: String) throws {
            let p = dir.appendingPathComponent("d.jsonl").path
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            #expect(throws: CourseError(file: p, line: 2, message)) { try SFTData.load(path: p) }
        }
        let good = #"{"prompt":"hi","completion":"hello"}"# + "\n"
        try check(good + "{oops\n", "malformed JSON")
        try check(good + #"{"prompt":"hi"}"# + "\n", "missing key \"completion\"")
        try check(good + #"{"prompt":"","completion":"x"}"# + "\n", "\"prompt\" is an empty string")
        try check(good + #"{"messages":[{"role":"user","content":"hi"}]}"# + "\n", "the conversation must end with an assistant message")
        try check(good + #"{"messages":[{"role":"user","content":3}]}"# + "\n", "\"messages\"[0] must be an object with string \"role\" and \"content\"")
        let ok = try SFTData.load(path: { let p = dir.appendingPathComponent("ok.jsonl").path; try? good.write(toFile: p, atomically: true, encoding: .utf8); return p }())
        #expect(ok == [[Message(role: "user", content: "hi"), Message(role: "assistant", content: "hello")]])
    }
}
