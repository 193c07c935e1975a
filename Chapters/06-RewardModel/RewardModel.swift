import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// A reward model: a GPT backbone (started from the SFT model) and a scalar head that reads the
/// hidden state of each sequence's last real token. Laid out like Hugging Face's
/// `GPT2ForSequenceClassification` with one label: the backbone's tensors and `score.weight`
/// [1, n_embd], a linear layer without bias.
///
/// Why the last token: the backbone is causal, so only the last position has seen the whole
/// prompt and the whole reply; its hidden state is the summary the head turns into one number.
public final class RewardModel {
    public let backbone: GPT
    /// The head, [1, C] as PyTorch's `nn.Linear(n_embd, 1, bias=False)` stores it.
    public let score: Variable
    /// The padding id: positions holding it are not real tokens.
    public let pad: Int

    /// A new head (normal(0, 0.02), as Hugging Face initialises it) on `backbone`.
    public init(backbone: GPT, pad: Int, seed: UInt64) {
        self.backbone = backbone
        self.pad = pad
        var rng = SeededRandom(seed: seed)
        let w = Tensor(zeros: [1, backbone.config.embeddingSize])
        for i in 0..<w.count { w[i] = rng.normal() * 0.02 }
        score = Variable(w, requiresGrad: true, name: "score.weight")
    }

    init(backbone: GPT, score: Tensor, pad: Int) {
        self.backbone = backbone
        self.pad = pad
        self.score = Variable(score, requiresGrad: true, name: "score.weight")
    }

    /// Every trainable tensor with its Hugging Face name (`transformer.` prefix as in the file).
    public var namedParameters: [(String, Variable)] {
        backbone.namedParameters.map { ("transformer." + $0.0, $0.1) } + [("score.weight", score)]
    }
    public var parameters: [Variable] { namedParameters.map(\.1) }

    // MARK: book reward-forward
    /// Rewards [B] for right-padded ids [B, T]: hidden states [B, T, C] → the row of each
    /// sequence's last real token [B, C] → times the head [1, C]ᵀ → [B, 1] → [B]. `last` gives
    /// those rows as flat indices when the batch came with them (`Padding.pairBatch`).
    public func rewards(_ ids: [Int], batch: Int, last: [Int]? = nil) -> Variable {
        let c = backbone.config.embeddingSize
        let hidden = backbone.hidden(ids, batch: batch)                       // [B, T, C]
        let last = last ?? Padding.lastTokenIndices(ids, rows: batch, pad: pad) // [B] flat indices
        if let mine = LearnerCode.function("rewardHead", as: RewardHeadFunction.self) { return learnerRewards(hidden, last, mine) }
        let h = hidden.reshaped([ids.count, c]).rows(last)                    // [B, C]
        return Variable.matmul(h, score, transposeB: true).reshaped([batch])  // [B]
    }
    // MARK: end

    /// Rewards of sequences of any lengths (no padding needed), without building a graph:
    /// the API Chapter 7 scores its samples with. Sequences longer than the context keep their
    /// last `contextLength` tokens. Batched in chunks of `batchSize`.
    public func score(_ sequences: [[Int]], batchSize: Int = 16) -> [Float] {
        let context = backbone.config.contextLength
        var out: [Float] = []
        out.reserveCapacity(sequences.count)
        noGrad {
            for start in stride(from: 0, to: sequences.count, by: batchSize) {
                let chunk = sequences[start..<min(start + batchSize, sequences.count)].map { s in
                    s.count > context ? Array(s.suffix(context)) : s
                }
                let (ids, _) = Padding.right(chunk, pad: pad)
                out += rewards(ids, batch: chunk.count).value.array
            }
        }
        return out
    }

    /// The reward of one reply to a prompt, rendered with the chat template.
    public func score(prompt: [Message], reply: String, template: ChatTemplate) -> Float {
        score([PromptCompletion(prompt: prompt, reply: reply, template: template).ids])[0]
    }
}

extension RewardModel {
    /// The rewards read off the hidden states by the learner's forward (exercise 6.3), after
    /// checking they agree with the kit's gather and product, and their gradients with respect
    /// to the head and the hidden states from the learner's backward (also 6.3): under
    /// `course run reward-model --mine` the head trains on the learner's gradients, and the
    /// backbone below it on the gradient the learner scattered back to the last tokens.
    /// hidden [B, T, C], last [B] flat indices (6.2) → rewards [B].
    func learnerRewards(_ hidden: Variable, _ last: [Int], _ mine: RewardHeadFunction) -> Variable {
        guard let backward = LearnerCode.function("rewardHeadBackward", as: RewardHeadBackwardFunction.self) else {
            fatalError("--mine installed the reward head's forward without its backward (exercise 6.3)")
        }
        let (batch, t, c) = (last.count, hidden.shape[1], hidden.shape[2])
        let positions = last.map { $0 % t }                                   // 6.3 takes positions, not flat indices
        let kit = noGrad { Variable.matmul(hidden.reshaped([batch * t, c]).rows(last), score, transposeB: true) }
        let values = mine(hidden.value, positions, score.value)
        LearnerCode.requireAgreement(values, kit.value.array, exercise: "6.3", what: "the rewards", tolerance: 1e-4)
        let head = score
        return Variable(Tensor([batch], values), parents: [hidden, head], name: "reward_head_mine") { g in
            let grads = backward(hidden.value, positions, head.value, g.array)
            precondition(grads.head.shape == head.shape && grads.hidden.shape == hidden.shape,
                         "rewardHeadBackward returned gradients of shapes \(grads.head.shape) and \(grads.hidden.shape) for \(head.shape) and \(hidden.shape)")
            head.accumulate(grads.head)
            hidden.accumulate(grads.hidden)
        }
    }
}
