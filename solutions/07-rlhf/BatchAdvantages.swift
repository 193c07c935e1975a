import Core
import Foundation

/// Exercise 7.1 — PPO's advantages for a batch: GAE for each response, then whitening.
///
/// A batch of responses, each of its own length (possibly 0): `rewards[i][t]` (the KL penalty
/// on every token, the score added on the last one) and the value head's `values[i][t]`.
///
/// 1. GAE, each response on its own. The advantage blends the one-step surprises
///    δ_t = r_t + γ·V_{t+1} − V_t of every later token, each weighted down by γλ per token:
///    one sweep from the last token to the first computes A_t = δ_t + γλ·A_{t+1}, with nothing
///    (V = 0, A = 0) after the last token. The returns A_t + V_t are what the value head learns.
/// 2. Whitening, over every token of every response together, in Double (as TRL's
///    `masked_var`): mean = Σa / n, variance = (Σ(a − mean)² / n) · n / (n − 1) (Bessel's
///    correction), and each advantage becomes (a − mean) · 1/√(variance + 1e-8). A batch of at
///    most one token is left as it is.
///
/// Return the whitened advantages and the returns (computed before whitening), one array per
/// response. The book's "Credit assignment: GAE" works an example of each step.
public func batchAdvantages(rewards: [[Float]], values: [[Float]], gamma: Float, lambda: Float) throws
    -> (advantages: [[Float]], returns: [[Float]]) {
    var advantages: [[Float]] = [], returns: [[Float]] = []
    for (r, v) in zip(rewards, values) {
        var a = [Float](repeating: 0, count: r.count)
        var nextAdvantage: Float = 0, nextValue: Float = 0
        for t in stride(from: r.count - 1, through: 0, by: -1) {
            let delta = r[t] + gamma * nextValue - v[t]
            nextAdvantage = delta + gamma * lambda * nextAdvantage
            a[t] = nextAdvantage
            nextValue = v[t]
        }
        advantages.append(a)
        returns.append(zip(a, v).map { $0 + $1 })
    }
    // One mean and one standard deviation for every token of the batch.
    let all = advantages.joined().map(Double.init)
    guard all.count > 1 else { return (advantages, returns) }
    let n = Double(all.count)
    let mean = all.reduce(0, +) / n
    let variance = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n * (n / (n - 1))
    let scale = 1 / (variance + 1e-8).squareRoot()
    return (advantages.map { $0.map { Float((Double($0) - mean) * scale) } }, returns)
}
