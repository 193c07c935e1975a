import Core
import Foundation

/// Exercise 7.3 — PPO's clipped value loss.
///
/// The new value estimate may move at most `clip` away from the old one:
///
///     V_clip = oldValues[t] + clip(values[t] − oldValues[t], −clip, clip)
///     loss_t = ½ · max((values[t] − returns[t])², (V_clip − returns[t])²)
///
/// Return the mean of loss_t over the tokens (0 for no tokens).
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
