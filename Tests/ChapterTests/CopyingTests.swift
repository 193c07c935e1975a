import Core
import Foundation
@testable import SFT
import SupportDesk
import Testing
@testable import Transformer

@Suite("Copying facts: digit tokens and the slot diagnostic")
struct CopyingTests {
    static let corpus = Dataset.generate(seed: 1, lang: .en, size: .small).corpus
    static let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]

    @Test("A tokenizer trained with split digits learns no merge that makes a token with a digit")
    func splitDigitsLearnsNoDigitMerge() throws {
        let split = BPETokenizer.train(corpus: Self.corpus, vocabSize: 400, specialTokens: Self.specials, splitDigits: true)
        let plain = BPETokenizer.train(corpus: Self.corpus, vocabSize: 400, specialTokens: Self.specials)
        let withDigits = { (t: BPETokenizer) in t.tokenBytes.dropFirst(256).filter { BPETokenizer.hasDigit($0) }.count }
        #expect(withDigits(plain) > 0)      // the corpus is full of numbers: a plain BPE merges them
        #expect(withDigits(split) == 0)
        #expect(split.vocabSize == 400)
        let text = "Order SD-23340 costs $196.99, delivered October 27."
        #expect(split.decode(split.encode(text)) == text)
        let digits = split.encode("23340").map { split.decode([$0]) }
        #expect(digits == ["2", "3", "3", "4", "0"])
    }

    /// English fits the default model's 384 tokens; Japanese takes more tokens per reply (a
    /// byte-level BPE of 1,024 tokens learns fewer whole words of it), so it needs 512.
    @Test("Every SFT conversation of the small world fits the model's context once tokenized: 384 tokens in English, 512 in Japanese",
          arguments: [(Language.en, 384), (Language.ja, 512)])
    func sftExamplesFitTheContext(lang: Language, context: Int) throws {
        let data = Dataset.generate(seed: 7, lang: lang, size: .small)
        let tokenizer = BPETokenizer.train(corpus: data.corpus, vocabSize: 1024, specialTokens: Self.specials, splitDigits: true)
        let template = try ChatTemplate(tokenizer: tokenizer)
        let longest = data.sftConversations.map { template.encode($0).ids.count }.max() ?? 0
        #expect(longest > 0 && longest <= context, "longest SFT conversation: \(longest) tokens")
    }

    @Test("A split-digit tokenizer saved as GPT-2 files loads and encodes the same ids")
    func splitDigitsRoundTripsThroughFiles() throws {
        let split = BPETokenizer.train(corpus: Self.corpus, vocabSize: 400, specialTokens: Self.specials, splitDigits: true)
        let dir = TokenizerFixtures.tempDir("split-digits")
        try split.save(directory: dir)
        let loaded = try BPETokenizer.load(directory: dir)
        let text = Self.corpus[3]
        #expect(loaded.encode(text) == split.encode(text))
    }

    @Test("The slot diagnostic finds each fact's value in the reference reply, token for token")
    func slotsCoverTheirValues() throws {
        let tok = BPETokenizer.train(corpus: Self.corpus, vocabSize: 400, specialTokens: Self.specials, splitDigits: true)
        let template = try ChatTemplate(tokenizer: tok)
        let items = Array(Dataset.generate(seed: 3, lang: .en, size: .small).dev.prefix(12))
        var found = 0
        for item in items {
            let located = try #require(SlotDiagnostic.locate(item, template))
            for (fact, range) in located.slots {
                // The slot's tokens decode to the value, at most with the space before it.
                let text = tok.decode(Array(located.ids[range]))
                #expect(text == fact.value || text == " " + fact.value, "\(item.id) \(fact.name): \(text)")
                found += 1
            }
        }
        #expect(found >= 24)
    }

    @Test("A slot's value probability is the product of its tokens' probabilities under the model")
    func slotProbabilityMatchesTokenLogProbs() throws {
        let tok = BPETokenizer.train(corpus: Self.corpus, vocabSize: 400, specialTokens: Self.specials, splitDigits: true)
        let template = try ChatTemplate(tokenizer: tok)
        let model = GPT(GPTConfig(vocabSize: tok.vocabSize, contextLength: 512, embeddingSize: 32, layers: 2, heads: 2), seed: 4)
        let item = try #require(Dataset.generate(seed: 3, lang: .en, size: .small).dev.first)
        let slots = SlotDiagnostic.measure(model, template, items: [item])
        let located = try #require(SlotDiagnostic.locate(item, template))
        let lp = model.tokenLogProbs(located.ids)            // lp[k-1] is log P(ids[k] | ids[<k])
        #expect(slots.count == located.slots.count)
        for (slot, (_, range)) in zip(slots, located.slots) {
            let expected = exp(range.reduce(0.0) { $0 + Double(lp[$1 - 1]) })
            #expect(abs(slot.valueProbability - expected) <= 1e-4 * max(expected, 1e-12) + 1e-12)
            #expect(slot.copied == (slot.worstRank == 1))
        }
    }
}
