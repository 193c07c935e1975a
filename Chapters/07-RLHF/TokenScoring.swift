import Autograd
import Core
import Foundation
import Transformer

/// Per-token outputs for the response tokens of a batch of rollouts, flattened in order
/// (rollout 0's tokens, then rollout 1's, ...): N = total response tokens.
public struct TokenOutputs {
    /// log π(y_t | prompt, y_<t) with logits divided by the sampling temperature: [N].
    public var logProbs: Variable
    /// The value head's estimates at the same positions: [N] (nil without a value head).
    public var values: Variable?
    /// Entropy of the (temperature-scaled) next-token distribution at each position, nats.
    public var entropy: [Float]
}

public enum TokenScoring {
    // MARK: book token-logprobs
    /// One forward pass over prompt + response for each rollout. Rows are right-padded to the
    /// longest one: attention is causal, so padding after a row's last token never changes the
    /// earlier positions. The hidden state at position P−1+i (P = prompt length) predicts
    /// response token i; those N rows are picked out of [B·T, C] (an embedding lookup is a
    /// differentiable row gather), so the vocabulary product and log-softmax run only on them.
    /// `detachValue` stops the value loss's gradient at the value head, so it cannot change the
    /// transformer the policy shares with it.
    public static func forward(_ model: GPT, valueHead: ValueHead? = nil, rollouts: [Rollout],
                               temperature: Float, pad: Int, detachValue: Bool = false) -> TokenOutputs {
        let rows = rollouts.map { Array(($0.promptIDs + $0.responseIDs).dropLast()) }  // inputs: the last token predicts nothing
        let t = rows.map(\.count).max() ?? 1, b = rollouts.count
        var ids: [Int] = [], picked: [Int] = [], targets: [Int] = []
        for (r, rollout) in rollouts.enumerated() {
            ids += rows[r] + Array(repeating: pad, count: t - rows[r].count)
            for (i, token) in rollout.responseIDs.enumerated() {
                picked.append(r * t + rollout.promptIDs.count - 1 + i)
                targets.append(token)
            }
        }
        let c = model.config.embeddingSize
        let hidden = model.hidden(ids, batch: b).reshaped([b * t, c])       // [B·T, C]
        let h = Variable.embedding(hidden, ids: picked)                     // [N, C]
        var logits = Variable.matmul(h, model.wte, transposeB: true)        // [N, V]
        if temperature != 1 { logits = logits * (1 / temperature) }
        let logSoftmax = logits.logSoftmax()
        let logProbs = logSoftmax.gather(targets)                           // [N]
        // MARK: end
        return TokenOutputs(logProbs: logProbs, values: valueHead.map { $0(detachValue ? Variable(h.value) : h) },
                            entropy: entropy(logSoftmax.value))
    }

    /// Log-probabilities at or below this are left out of the entropy: e⁻⁸⁰ ≈ 2·10⁻³⁵, so such a
    /// term (|p·log p| < 10⁻³²) changes nothing, and a −∞ entry would give 0 · (−∞) = NaN.
    static let negligibleLogProb: Float = -80

    /// −Σ p·log p of each row of log-probabilities [N, V].
    static func entropy(_ lsm: Tensor) -> [Float] {
        let v = lsm.lastDim
        return (0..<lsm.rows).map { r in
            var h: Float = 0
            let row = lsm.data + r * v
            for j in 0..<v where row[j] > negligibleLogProb { h -= expf(row[j]) * row[j] }
            return h
        }
    }

    /// Splits a flat per-token array back into one array per rollout.
    public static func split(_ flat: [Float], _ rollouts: [Rollout]) -> [[Float]] {
        var out: [[Float]] = [], i = 0
        for r in rollouts { out.append(Array(flat[i..<(i + r.responseIDs.count)])); i += r.responseIDs.count }
        return out
    }
}
