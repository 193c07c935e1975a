import Core
import Foundation

/// Exercise 7.3 — PPO's clipped value loss.
///
/// The value head is trained towards the returns, but a new estimate may not get credit for
/// moving more than `clip` away from the old one: PPO compares the squared error of the new
/// estimate with that of the estimate clipped around the old value, keeps the larger, and
/// halves it (the book gives the formula and a worked token).
///
/// Return the mean loss over the tokens (0 for no tokens).
public func clippedValueLoss(values: [Float], oldValues: [Float], returns: [Float], clip: Float) throws -> Float {
    guard !values.isEmpty else { return 0 }
    var total: Float = 0
    for t in values.indices {
        let vClipped = oldValues[t] + min(max(values[t] - oldValues[t], -clip), clip)
        let a = (values[t] - returns[t]) * (values[t] - returns[t])
        let b = (vClipped - returns[t]) * (vClipped - returns[t])
        total += 0.5 * max(a, b)
    }
    return total / Float(values.count)
}
