import Core
import Foundation

/// Exercise 7.5 — The adaptive KL controller (Ziegler et al.).
///
/// After a batch of `steps` responses whose mean KL to the reference was `observedKL`:
///
///     e = clip(observedKL / target − 1, −0.2, 0.2)
///     β_new = β · (1 + e · steps / horizon)
///
/// Return β_new.
public func adaptiveKLUpdate(beta: Float, observedKL: Double, target: Double, horizon: Double, steps: Int) throws -> Float {
    let error = min(max(observedKL / target - 1, -0.2), 0.2)
    return beta * Float(1 + error * Double(steps) / horizon)
}
