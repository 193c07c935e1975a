import ArgumentParser
import Autograd
import Core
import Foundation

/// `course bench WHAT --json`: speed figures as JSON lines, measured side by side in one run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (matmul, train, generate) and print figures, one JSON line each.")

    @Argument(help: "matmul, train or generate") var what: String
    @Option(help: "Model preset for train/generate: tiny, small or gpt2.") var preset: String = "tiny"
    @Option(help: "Timed steps (the median is reported).") var steps: Int = 5
    @Flag(help: "Print JSON lines (the default prints a table).") var json = false
    @Option(help: "Seconds to spend per measurement.") var seconds: Double = 0.5

    func run() throws {
        switch what {
        case "matmul": try MatmulBench.run(json: json, seconds: seconds)
        case "train": try TrainBench.run(preset: preset, steps: steps, json: json)
        case "generate": try GenerateBench.run(preset: preset, json: json)
        default: throw CourseError("unknown benchmark \"\(what)\" (available: matmul, train, generate)")
        }
    }
}

/// Repeats `body` until `seconds` have passed (after one warm-up call); returns seconds per call.
func timePerCall(seconds: Double, _ body: () -> Void) -> Double {
    body()
    var n = 0
    let t = measure { repeat { body(); n += 1 } while false }
    var total = t
    while total < seconds { total += measure(body); n += 1 }
    return total / Double(n)
}

func emit(_ obj: [String: Any], json: Bool) {
    if json {
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        print(obj.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "  "))
    }
}

/// Autograd matmul forward+backward against raw sgemm doing the same three products.
enum MatmulBench {
    static func run(json: Bool, seconds: Double) throws {
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
            emit(["bench": "matmul", "shape": "\(kind) \(m)x\(k) @ \(k)x\(n)",
                  "sgemm_gflops": round(flops / raw / 1e7) / 100, "autograd_gflops": round(flops / auto / 1e7) / 100,
                  "ratio": round(raw / auto * 1000) / 1000, "threads": BLAS.threads], json: json)
        }
        // One training step of Chapter 1's MLP (200 points, hidden 16).
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
        emit(["bench": "mlp_step", "points": 200, "hidden": 16, "microseconds": round(step * 1e7) / 10], json: json)
    }
}
