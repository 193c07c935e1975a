import Testing
import Core
@testable import Autograd

/// Fused operations against the operations they fuse. Same formulas, rounding aside.
@Suite("Fused kernels match their unfused operations")
struct FusedKernelTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededRandom(seed: seed)
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t.data[i] = rng.normal() }
        return t
    }

    static func worst(_ a: Tensor, _ b: Tensor) -> Float {
        (0..<a.count).reduce(Float(0)) { max($0, abs(a[$1] - b[$1]) / max(1, abs(b[$1]))) }
    }

    @Test("linearGELU equals linear then gelu, in value and in the gradients of x, W and b (1e-6)")
    func linearGELU() {
        let x = Self.random([3, 5, 24], seed: 1), w = Self.random([24, 96], seed: 2), b = Self.random([96], seed: 3)
        let g = Self.random([3, 5, 96], seed: 4)
        var runs: [[Tensor]] = []
        for fused in [true, false] {
            let vx = Variable(x.copy(), requiresGrad: true), vw = Variable(w.copy(), requiresGrad: true)
            let vb = Variable(b.copy(), requiresGrad: true)
            let y = fused ? Variable.linearGELU(vx, vw, vb) : Variable.linear(vx, vw, vb).gelu()
            y.backward(seed: g.copy())
            runs.append([y.value, vx.grad!, vw.grad!, vb.grad!])
        }
        for (i, name) in ["output", "dx", "dW", "db"].enumerated() {
            #expect(Self.worst(runs[0][i], runs[1][i]) < 1e-6, "\(name)")
        }
    }

    @Test("linearGELU's gradients match finite differences")
    func linearGELUGradCheck() {
        let report = GradCheck.check([Self.random([4, 6], seed: 5), Self.random([6, 8], seed: 6), Self.random([8], seed: 7)]) {
            Variable.linearGELU($0[0], $0[1], $0[2])
        }
        #expect(report.maxRelativeError < 2e-2, "\(report)")
    }
}
