import Core
import Foundation

/// Exercise 7.1 — Generalised advantage estimation.
///
/// One response of T tokens: `rewards[t]` (the KL penalty on every token, the score added on
/// the last one) and the value head's `values[t]`. GAE blends the one-step surprises
/// r_t + γ·V_{t+1} − V_t of every later token, each weighted down by γλ per token; a single
/// sweep from the last token to the first computes all of them (the book's "Credit
/// assignment: GAE" gives the recursion and a worked reply). Nothing follows the last token.
///
/// Return the advantages and the returns (advantage plus value: what the value head learns).
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
