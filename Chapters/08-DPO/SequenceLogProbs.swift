import Autograd
import Core
import Foundation
import SFT
import Transformer

extension Variable {
    /// log p(target_r | row r) for logits [R, V] and one target per row → [R]:
    ///   y_r = x_r,t_r − lse_r,   lse_r = log Σⱼ e^(x_rj)     ∂y_r/∂x_rj = [j = t_r] − softmax(x_r)ⱼ
    /// Rows whose target is `ignoreIndex` give 0 and receive no gradient. Fused like
    /// `crossEntropy`, on the same Core kernels (one log-sum-exp pass per row; the softmax
    /// recomputed in backward), so no [R, V] log-softmax is kept.
    public func tokenLogProbs(_ targets: [Int], ignoreIndex: Int = CrossEntropy.ignoreIndex) -> Variable {
        KitAnswer.used("Variable.tokenLogProbs", answers: "8.1")
        let v = value.lastDim, rows = value.rows
        precondition(targets.count == rows, "tokenLogProbs: \(targets.count) targets for \(rows) rows of logits \(shape)")
        for t in targets where t != ignoreIndex { precondition(t >= 0 && t < v, "tokenLogProbs: target \(t) out of range 0..<\(v)") }
        let x = value.data
        let lse = Tensor(zeros: [rows]), out = Tensor(zeros: [rows])
        CrossEntropy.logSumExpRows(x, targets: targets, ignoreIndex: ignoreIndex, lse: lse.data, rows: rows, cols: v)
        for r in 0..<rows where targets[r] != ignoreIndex { out.data[r] = x[r * v + targets[r]] - lse.data[r] }
        return Variable(out, parents: [self], name: "token_log_probs") { [self] g in
            let dx = Tensor(zeros: self.shape)   // ignored rows stay 0
            CrossEntropy.logProbBackwardRows(x, lse: lse.data, targets: targets, ignoreIndex: ignoreIndex,
                                             dy: g.data, dx: dx.data, rows: rows, cols: v)
            self.accumulate(dx)
        }
    }
}

/// Log-probabilities of whole completions under a causal language model.
public enum SequenceLogProbs {
    // MARK: book completion-targets
    /// Next-token targets for right-padded sequences [N, T] whose first `promptLengths[n]` tokens
    /// are the prompt: position t predicts token t + 1 when that token belongs to the completion
    /// (to its `scored` tokens, when a pair narrows them), else `CrossEntropy.ignoreIndex`
    /// (ignored). Prompt tokens and padding never count.
    public static func completionTargets(_ sequences: [PromptCompletion], length t: Int) -> [Int] {
        var targets: [Int] = []
        targets.reserveCapacity(sequences.count * t)
        for s in sequences {
            let ids = s.ids
            let scored = s.scored.map { (s.prompt.count + $0.lowerBound)..<(s.prompt.count + $0.upperBound) }
                ?? s.prompt.count..<ids.count
            for p in 0..<t {
                let next = p + 1
                targets.append(scored.contains(next) ? ids[next] : CrossEntropy.ignoreIndex)
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
        let logits = model.logits(ids, batch: n)                                         // [N, T, V]
        if let mine = LearnerCode.function("sequenceLogProbs", as: SequenceLogProbsFunction.self) {
            return (learnerSums(logits, targets, mine), sequences.map(\.scoredCount))  // course run dpo --mine (8.1)
        }
        let sums = logits.reshaped([n * t, model.config.vocabSize]).tokenLogProbs(targets).reshaped([n, t]).sum(axis: 1)  // [N]
        return (sums, sequences.map(\.scoredCount))
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
