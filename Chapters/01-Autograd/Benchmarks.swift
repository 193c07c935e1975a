import Core
import Foundation

/// Autograd matmul forward+backward against raw sgemm doing the same three products.
public enum AutogradBenchmarks {
    /// One JSON-ready row per shape: GFLOP/s of raw sgemm and of the autograd product, and their ratio.
    public static func matmul(seconds: Double) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        var rng = SeededRandom(seed: 1)
        let shapes: [(String, Int, Int, Int)] = [
            ("square", 64, 64, 64), ("square", 128, 128, 128), ("square", 256, 256, 256),
            ("square", 512, 512, 512), ("square", 1024, 1024, 1024),
            ("gpt-qkv", 2048, 768, 256), ("gpt-mlp", 2048, 1024, 256), ("gpt2-mlp", 256, 3072, 768),
        ]
        for (kind, m, n, k) in shapes {
            let a = Tensor(zeros: [m, k]), b = Tensor(zeros: [k, n]), g = Tensor(zeros: [m, n])
            for t in [a, b, g] { for i in 0..<t.count { t.data[i] = rng.normal() } }
            let c = Tensor(zeros: [m, n]), da = Tensor(zeros: [m, k]), db = Tensor(zeros: [k, n])
            // Forward + backward = three products of 2mnk flops each.
            let flops = 3 * 2 * Double(m) * Double(n) * Double(k)
            let raw = timePerCall(seconds: seconds) {
                BLAS.gemm(transA: false, transB: false, m: m, n: n, k: k, a: a.data, b: b.data, c: c.data)
                BLAS.gemm(transA: false, transB: true, m: m, n: k, k: n, a: g.data, b: b.data, c: da.data)
                BLAS.gemm(transA: true, transB: false, m: k, n: n, k: m, a: a.data, b: g.data, c: db.data)
            }
            let va = Variable(a, requiresGrad: true), vb = Variable(b, requiresGrad: true)
            let auto = timePerCall(seconds: seconds) {
                va.grad = nil; vb.grad = nil
                Variable.matmul(va, vb).backward(seed: g)
            }
            rows.append(["bench": "matmul", "shape": "\(kind) \(m)x\(k) @ \(k)x\(n)",
                         "sgemm_gflops": round(flops / raw / 1e7) / 100, "autograd_gflops": round(flops / auto / 1e7) / 100,
                         "ratio": round(raw / auto * 1000) / 1000, "threads": BLAS.threads])
        }
        return rows
    }

    /// Causal attention forward + backward on the training presets' shapes, fused
    /// (`Variable.causalAttention`) against the separate operations (scores, mask, softmax,
    /// weighted sum, with the head permutes): milliseconds per call and their ratio.
    public static func attention(seconds: Double) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        var rng = SeededRandom(seed: 4)
        for (name, b, t, h, d) in [("tiny", 16, 128, 4, 32), ("small", 8, 256, 8, 32), ("gpt2", 4, 64, 12, 64)] {
            let c = h * d
            let x = Tensor(zeros: [b, t, 3 * c]), g = Tensor(zeros: [b, t, c])
            for v in [x, g] { for i in 0..<v.count { v.data[i] = rng.normal() } }
            let qkv = Variable(x, requiresGrad: true)
            let fused = timePerCall(seconds: seconds) {
                qkv.grad = nil
                Variable.causalAttention(qkv, heads: h).backward(seed: g.copy())
            }
            let unfused = timePerCall(seconds: seconds) {
                qkv.grad = nil
                func split(_ i: Int) -> Variable {
                    qkv.slice(axis: 2, start: i * c, length: c).reshaped([b, t, h, d]).permuted([0, 2, 1, 3])
                }
                let w = Variable.matmul(split(0), split(1), transposeB: true, alpha: 1 / Float(d).squareRoot())
                    .causalMask().softmax()
                Variable.matmul(w, split(2)).permuted([0, 2, 1, 3]).reshaped([b, t, c]).backward(seed: g.copy())
            }
            // Useful flops, causal half only: QKᵀ and PV forward, five products backward.
            let flops = 7 * 2 * Double(b * h * d) * Double(t * (t + 1) / 2)
            rows.append(["bench": "attention", "shape": "\(name) B\(b) T\(t) H\(h) D\(d)",
                         "fused_ms": round(fused * 1e5) / 100, "unfused_ms": round(unfused * 1e5) / 100,
                         "fused_gflops": round(flops / fused / 1e7) / 100, "speedup": round(unfused / fused * 100) / 100,
                         "threads": BLAS.threads])
        }
        return rows
    }

    /// One training step of Chapter 1's MLP (200 points, hidden 16), in microseconds.
    public static func mlpStep(seconds: Double) -> [String: Any] {
        var c = MLPDemo.Config(); c.steps = 1
        let data = ToyData.twoMoons(count: 200, seed: 1)
        let params = MLPDemo.initialWeights(c).map { Variable($0, requiresGrad: true) }
        let opt = SGD(params, learningRate: 0.1)
        let signs = Tensor([200, 1], data.labels.map { $0 == 1 ? 1 : -1 })
        let x = Variable(data.inputs)
        let step = timePerCall(seconds: seconds) {
            opt.zeroGrad()
            MLPDemo.loss(logits: MLPDemo.forward(x, params), signs: signs).backward()
            opt.step()
        }
        return ["bench": "mlp_step", "points": 200, "hidden": 16, "microseconds": round(step * 1e7) / 10]
    }
}
