import Core
import Foundation
import SFT
import SupportDesk
@testable import Transformer

/// Shared by the reward-model and DPO tests: a small tokenizer, data and the loss vectors.
enum PreferenceFixtures {
    static let data = Dataset.generate(seed: 6, lang: .en, size: .small)
    static let tokenizer = BPETokenizer.train(corpus: data.corpus, vocabSize: 400,
                                              specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"])
    static var template: ChatTemplate { try! ChatTemplate(tokenizer: tokenizer) }
    static var pad: Int { tokenizer.id(ofSpecial: "<|pad|>")! }

    /// A small GPT for this tokenizer.
    static func model(seed: UInt64, width: Int = 32) -> GPT {
        GPT(GPTConfig(vocabSize: tokenizer.vocabSize, contextLength: 512, embeddingSize: width, layers: 2, heads: 4), seed: seed)
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let d = ScratchFolder.root.appendingPathComponent("\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    struct PairCase: Decodable {
        var kind: String, beta: Float, label_smoothing: Float, simpo_gamma: Float
        var policy_chosen: [Float], policy_rejected: [Float], reference_chosen: [Float], reference_rejected: [Float]
        var chosen_counts: [Int], rejected_counts: [Int]
        var loss: Double, chosen_rewards: [Float], rejected_rewards: [Float]
    }
    struct KTOCase: Decodable {
        var beta: Float, desirable_weight: Float, undesirable_weight: Float
        var policy: [Float], reference: [Float], labels: [Bool], policy_kl: [Float], reference_kl: [Float]
        var loss: Double, z: Double
    }
    struct BTCase: Decodable { var chosen: [Float], rejected: [Float], margin: [Float]?, centering: Float, loss: Double }
    struct Vectors: Decodable { var pair_losses: [PairCase]; var kto: [KTOCase]; var bradley_terry: [BTCase] }

    static let vectors: Vectors = {
        let data = FileManager.default.contents(atPath: root.appendingPathComponent("preference-loss-vectors.json").path)!
        return try! JSONDecoder().decode(Vectors.self, from: data)
    }()
}
