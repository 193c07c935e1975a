import Core
import Foundation

/// Two interleaving half circles ("two moons") with Gaussian noise: a 2-D data set a straight
/// line cannot separate, so the model must learn a curved decision boundary.
public struct ToyData {
    public var points: [(x: Float, y: Float)]
    public var labels: [Int]   // 0 or 1

    public static func twoMoons(count: Int, noise: Float = 0.1, seed: UInt64) -> ToyData {
        var rng = SeededRandom(seed: seed)
        var pts: [(Float, Float)] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 2
            let t = Float.pi * rng.uniform()
            var x = cosf(t), y = sinf(t)
            if label == 1 { x = 1 - x; y = 0.5 - y }
            pts.append((x + noise * rng.normal(), y + noise * rng.normal()))
            labels.append(label)
        }
        return ToyData(points: pts, labels: labels)
    }

    /// Points as a [count, 2] tensor, centred so the inputs are near zero mean.
    public var inputs: Tensor {
        Tensor([points.count, 2], points.flatMap { [$0.x - 0.5, $0.y - 0.25] })
    }
}
