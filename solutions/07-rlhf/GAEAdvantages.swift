import Core
import Foundation

/// Exercise 7.1 — Generalised advantage estimation.
///
/// One response of T tokens: `rewards[t]` (the KL penalty on every token, the score added on
/// the last one) and the value head's `values[t]`. Walk from the last token to the first:
///
///     δ_t = rewards[t] + γ·V_{t+1} − V_t        (V after the last token is 0)
///     A_t = δ_t + γ·λ·A_{t+1}                   (A after the last token is 0)
///
/// Return the advantages and the returns, returns[t] = A_t + V_t.
public func gaeAdvantages(rewards: [Float], values: [Float], gamma: Float, lambda: Float) throws
    -> (advantages: [Float], returns: [Float]) {
    var advantages = [Float](repeating: 0, count: rewards.count)
    var nextAdvantage: Float = 0, nextValue: Float = 0
    for t in stride(from: rewards.count - 1, through: 0, by: -1) {
        let delta = rewards[t] + gamma * nextValue - values[t]
        nextAdvantage = delta + gamma * lambda * nextAdvantage
        advantages[t] = nextAdvantage
        nextValue = values[t]
    }
    return (advantages, zip(advantages, values).map { $0 + $1 })
}
