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
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.3")
}
