import Autograd
import Core
import Foundation
import SFT
import Transformer

extension Variable {
    /// log p(target_r | row r) for logits [R, V] and one target per row → [R]. Rows whose target
    /// is `ignoreIndex` give 0 and receive no gradient. Fused like `crossEntropy` (one pass for
    /// the log-sum-exp, the softmax recomputed in backward), so no [R, V] log-softmax is kept.
    /// Backward: d logit_j = g_r · (1[j = target] − softmax_j).
    public func tokenLogProbs(_ targets: [Int], ignoreIndex: Int = -100) -> Variable {
        let v = value.lastDim, rows = value.rows
        precondition(targets.count == rows, "tokenLogProbs: \(targets.count) targets for \(rows) rows of logits \(shape)")
        for t in targets where t != ignoreIndex { precondition(t >= 0 && t < v, "tokenLogProbs: target \(t) out of range 0..<\(v)") }
        let x = value.data
        let lse = Tensor(zeros: [rows]), out = Tensor(zeros: [rows])
        let grain = max(1, 16384 / max(v, 1))
        targets.withUnsafeBufferPointer { tg in
            Parallel.forRanges(rows, grain: grain) { range in
                for r in range where tg[r] != ignoreIndex {
                    let row = x + r * v
                    var m = -Float.infinity
                    for j in 0..<v { m = max(m, row[j]) }
                    var s: Float = 0
                    for j in 0..<v { s += expf(row[j] - m) }
                    lse.data[r] = m + logf(s)
                    out.data[r] = row[tg[r]] - lse.data[r]
                }
            }
        }
        return Variable(out, parents: [self], name: "token_log_probs") { [self] g in
            let dx = Tensor(zeros: self.shape)   // ignored rows stay 0
            targets.withUnsafeBufferPointer { tg in
                Parallel.forRanges(rows, grain: grain) { range in
                    for r in range where tg[r] != ignoreIndex && g.data[r] != 0 {
                        let row = x + r * v, d = dx.data + r * v, l = lse.data[r], k = g.data[r]
                        for j in 0..<v { d[j] -= k * expf(row[j] - l) }
                        d[tg[r]] += k
                    }
                }
            }
            self.accumulate(dx)
        }
    }
}

/// Log-probabilities of whole completions under a causal language model.
public enum SequenceLogProbs {
    // MARK: book completion-targets
    /// Next-token targets for right-padded sequences [N, T] whose first `promptLengths[n]` tokens
    /// are the prompt: position t predicts token t + 1 when that token belongs to the completion,
    /// else −100 (ignored). Prompt tokens and padding never count.
    public static func completionTargets(_ sequences: [PromptCompletion], length t: Int) -> [Int] {
        var targets: [Int] = []
        targets.reserveCapacity(sequences.count * t)
        for s in sequences {
            let ids = s.ids
            for p in 0..<t {
                let next = p + 1
                targets.append(next < ids.count && next >= s.prompt.count ? ids[next] : -100)
            }
        }
        return targets
    }

    /// Sum of the completion's token log-probabilities, one per sequence: [N]. Also the number
    /// of completion tokens of each (for per-token averages: IPO, SimPO, ORPO).
    /// ids [N, T] → logits [N, T, V] → log p(next token) [N·T] (0 where ignored) → Σ over T.
    public static func compute(_ model: GPT, _ sequences: [PromptCompletion], pad: Int) -> (sums: Variable, counts: [Int]) {
        let (ids, t) = Padding.right(sequences.map(\.ids), pad: pad)
        let n = sequences.count
        let targets = completionTargets(sequences, length: t)
        let logits = model.logits(ids, batch: n).reshaped([n * t, model.config.vocabSize])
        let sums = logits.tokenLogProbs(targets).reshaped([n, t]).sum(axis: 1)      // [N]
        return (sums, sequences.map(\.completion.count))
    }
    // MARK: end

    /// The same without a graph, in chunks (reference log-probs, evaluation).
    public static func values(_ model: GPT, _ sequences: [PromptCompletion], pad: Int, batchSize: Int = 16) -> [Float] {
        noGrad {
            stride(from: 0, to: sequences.count, by: batchSize).flatMap { s in
                compute(model, Array(sequences[s..<min(s + batchSize, sequences.count)]), pad: pad).sums.value.array
            }
        }
    }
}
