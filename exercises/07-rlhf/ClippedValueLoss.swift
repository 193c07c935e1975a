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
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.3")
}
