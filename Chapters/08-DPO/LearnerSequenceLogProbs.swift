import Autograd
import Core
import Transformer

/// The shapes of the sequence log-probabilities a learner plugs in with `course run dpo --mine`
/// (exercise 8.1): the forward, logits [N, T, V], next tokens [N·T] and which of them count
/// [N·T] → one log-probability per sequence [N]; and the backward, the same plus dL/d(each
/// sequence's log-probability) [N] → dL/d logits [N, T, V].
public typealias SequenceLogProbsFunction = (Tensor, [Int], [Bool]) -> [Float]
public typealias SequenceLogProbsBackwardFunction = (Tensor, [Int], [Bool], [Float]) -> Tensor

extension SequenceLogProbs {
    /// The completions' log-probabilities [N] from the learner's forward (exercise 8.1), after
    /// checking they agree with the kit's fused `tokenLogProbs`, and their gradient with respect
    /// to the logits from the learner's backward (also 8.1): under `course run dpo --mine` the
    /// policy trains on the gradient the learner sends into its logits, and the reference
    /// model's log-probabilities (no graph) come from the learner's forward too.
    /// logits [N, T, V], targets [N·T] with `CrossEntropy.ignoreIndex` where a position does not count.
    static func learnerSums(_ logits: Variable, _ targets: [Int], _ mine: SequenceLogProbsFunction) -> Variable {
        guard let backward = LearnerCode.function("sequenceLogProbsBackward", as: SequenceLogProbsBackwardFunction.self) else {
            fatalError("--mine installed the sequence log-probabilities' forward without their backward (exercise 8.1)")
        }
        let (n, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
        let mask = targets.map { $0 != CrossEntropy.ignoreIndex }
        let next = targets.map { max($0, 0) }   // 8.1 takes a token id at every position; the mask says which count
        let values = mine(logits.value, next, mask)
        let kit = noGrad { logits.reshaped([n * t, v]).tokenLogProbs(targets).reshaped([n, t]).sum(axis: 1) }
        LearnerCode.requireAgreement(values, kit.value.array, exercise: "8.1", what: "the sequence log-probabilities", tolerance: 1e-4)
        return Variable(Tensor([n], values), parents: [logits], name: "sequence_log_probs_mine") { g in
            let grad = backward(logits.value, next, mask, g.array)
            precondition(grad.shape == logits.shape, "sequenceLogProbsBackward returned a gradient of shape \(grad.shape) for logits \(logits.shape)")
            logits.accumulate(grad)
        }
    }
}
