import Testing
import Core
@testable import Autograd

/// Every tensor op's backward agrees with central finite differences.
/// Bound: max relative error < 2e-2 with ε = 1e-2 in Float32 (relative to max(|a|, |n|, 1e-2));
/// typical values are ~1e-3.
@Suite("Tensor autograd matches finite differences")
struct AutogradGradientTests {
    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = SeededRandom(seed: seed)
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t.data[i] = rng.normal() * scale }
        return t
    }

    static let bound: Float = 2e-2

    func expectGradient(_ name: String, _ inputs: [Tensor], _ f: @escaping ([Variable]) -> Variable) {
        let report = GradCheck.check(inputs, f)
        #expect(report.maxRelativeError < Self.bound, "\(name): \(report)")
    }

    @Test("Broadcast arithmetic gradients reduce to the input shapes")
    func arithmetic() {
        let a = Self.random([2, 3, 4], seed: 1), b = Self.random([4], seed: 2), c = Self.random([3, 1], seed: 3)
        expectGradient("add", [a, b]) { $0[0] + $0[1] }
        expectGradient("sub", [a, c]) { $0[0] - $0[1] }
        expectGradient("mul", [a, b]) { $0[0] * $0[1] }
        let pos = Self.random([3, 1], seed: 4).map { abs($0) + 0.5 }
        expectGradient("div", [a, pos]) { $0[0] / $0[1] }
        expectGradient("scalar ops", [a]) { ($0[0] * 3 + 1) - 2 }
    }

    @Test("Unary function gradients match")
    func unary() {
        let a = Self.random([3, 5], seed: 5)
        let pos = a.map { abs($0) + 0.5 }
        expectGradient("exp", [a]) { $0[0].exp() }
        expectGradient("log", [pos]) { $0[0].log() }
        expectGradient("tanh", [a]) { $0[0].tanh() }
        expectGradient("sigmoid", [a]) { $0[0].sigmoid() }
        expectGradient("logSigmoid", [a]) { $0[0].logSigmoid() }
        expectGradient("pow", [pos]) { $0[0].pow(1.5) }
        expectGradient("gelu", [a]) { $0[0].gelu() }
        // relu and clamp are piecewise linear: keep inputs away from the kinks.
        let away = a.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        expectGradient("relu", [away]) { $0[0].relu() }
        expectGradient("clamp", [Tensor([6], [-2, -0.7, -0.2, 0.3, 0.8, 3])]) { $0[0].clamp(-0.5, 0.5) }
    }

    @Test("Reduction gradients match")
    func reductions() {
        let a = Self.random([2, 3, 4], seed: 6)
        expectGradient("sum", [a]) { $0[0].sum() }
        expectGradient("mean", [a]) { $0[0].mean() }
        expectGradient("sum axis 1", [a]) { $0[0].sum(axis: 1) }
        expectGradient("mean axis -1 keepDim", [a]) { $0[0].mean(axis: -1, keepDim: true) }
    }

    @Test("Matrix product gradients match, shared and batched, with and without transposes")
    func matmul() {
        let a = Self.random([2, 3, 4], seed: 7), w = Self.random([4, 5], seed: 8)
        let bt = Self.random([2, 5, 4], seed: 9), bb = Self.random([2, 4, 5], seed: 10)
        let bias = Self.random([5], seed: 11)
        expectGradient("matmul shared", [a, w]) { Variable.matmul($0[0], $0[1]) }
        expectGradient("matmul batched", [a, bb]) { Variable.matmul($0[0], $0[1]) }
        expectGradient("matmul batched transposeB", [a, bt]) { Variable.matmul($0[0], $0[1], transposeB: true) }
        expectGradient("matmul shared transposeB", [a, w.transposedLast()]) { Variable.matmul($0[0], $0[1], transposeB: true) }
        expectGradient("linear", [a, w, bias]) { Variable.linear($0[0], $0[1], $0[2]) }
    }

    @Test("Shape operation gradients match")
    func shapes() {
        let a = Self.random([2, 3, 4], seed: 12), b = Self.random([2, 2, 4], seed: 13)
        expectGradient("reshape", [a]) { $0[0].reshaped([6, 4]) }
        expectGradient("permute", [a]) { $0[0].permuted([2, 0, 1]) }
        expectGradient("transpose", [a]) { $0[0].transposed() }
        expectGradient("slice", [a]) { $0[0].slice(axis: 1, start: 1, length: 2) }
        expectGradient("concat", [a, b]) { Variable.concat([$0[0], $0[1]], axis: 1) }
        expectGradient("gather", [a]) { $0[0].gather([0, 3, 1, 2, 2, 0]) }
        let table = Self.random([5, 3], seed: 14)
        expectGradient("embedding (repeated ids)", [table]) { Variable.embedding($0[0], ids: [1, 4, 1, 0], shape: [2, 2]) }
    }

    @Test("Neural network op gradients match")
    func neural() {
        let x = Self.random([4, 6], seed: 15)
        expectGradient("softmax", [x]) { $0[0].softmax() }
        expectGradient("logSoftmax", [x]) { $0[0].logSoftmax() }
        expectGradient("crossEntropy with ignore index", [x]) { $0[0].crossEntropy(targets: [1, CrossEntropy.ignoreIndex, 5, 0]) }
        let g = Self.random([6], seed: 16), b = Self.random([6], seed: 17)
        expectGradient("layerNorm", [x, g, b]) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) }
        let s = Self.random([2, 3, 3], seed: 18)
        expectGradient("causal mask + softmax", [s]) { $0[0].causalMask().softmax() }
        let y = Self.random([4, 6], seed: 19)
        expectGradient("maximum", [x, y]) { Variable.maximum($0[0], $0[1]) }
        expectGradient("minimum", [x, y]) { Variable.minimum($0[0], $0[1]) }
    }

    @Test("Cross-entropy equals the mean negative log-softmax of the targets")
    func crossEntropyValue() {
        let x = Self.random([3, 4], seed: 20)
        let ce = Variable(x).crossEntropy(targets: [2, 0, CrossEntropy.ignoreIndex]).scalar
        let ls = x.logSoftmax()
        let expected = -(ls.data[2] + ls.data[4]) / 2
        #expect(abs(ce - expected) < 1e-6)
    }

    @Test("Frozen parameters receive no gradient and no-grad mode records no graph")
    func frozenAndNoGrad() {
        let w = Variable(Self.random([3, 3], seed: 21), requiresGrad: false)
        let b = Variable(Self.random([3], seed: 22), requiresGrad: true)
        let x = Variable(Self.random([2, 3], seed: 23))
        Variable.linear(x, w, b).sum().backward()
        #expect(w.grad == nil)
        #expect(b.grad != nil)
        let y = noGrad { Variable.linear(x, w, b) }
        #expect(!y.requiresGrad)
    }

    @Test("Gradients accumulate across backward calls until cleared")
    func accumulation() {
        let w = Variable(Tensor([2], [1, 2]), requiresGrad: true)
        (w * 3).sum().backward()
        (w * 3).sum().backward()
        #expect(w.grad?.array == [6, 6])
        w.zeroGrad()
        #expect(w.grad == nil)
    }
}
