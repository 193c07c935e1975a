import Core
import Foundation

/// The chapter's demo: one small MLP (2 → hidden → hidden → 1, tanh) trained on two moons
/// twice, by the scalar `Value` engine and by the tensor engine, from the same initial weights
/// with the same full-batch gradient descent. The two loss curves must agree: the tensor engine
/// is the same calculus, done a matrix at a time.
public enum MLPDemo {
    public struct Config: Codable, Sendable {
        public var points = 200, hidden = 16, steps = 150
        public var learningRate: Float = 0.5
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct Result {
        public var scalarLoss: [Double] = []
        public var tensorLoss: [Double] = []
        public var tensorAccuracy: Double = 0
        public var scalarAccuracy: Double = 0
        public var scalarSeconds: Double = 0
        public var tensorSeconds: Double = 0
        /// Largest |scalar − tensor| loss difference over all steps.
        public var maxLossDifference: Double { zip(scalarLoss, tensorLoss).map { abs($0 - $1) }.max() ?? 0 }
    }

    /// Initial weights in Conv1D layout ([in, out]), shared by both engines.
    public static func initialWeights(_ c: Config) -> [Tensor] {
        var rng = SeededRandom(seed: c.seed &+ 1000)
        func layer(_ i: Int, _ o: Int) -> [Tensor] {
            let bound = 1 / Float(i).squareRoot()
            let w = Tensor(zeros: [i, o]); for k in 0..<w.count { w.data[k] = rng.uniform(-bound, bound) }
            return [w, Tensor(zeros: [o])]
        }
        return layer(2, c.hidden) + layer(c.hidden, c.hidden) + layer(c.hidden, 1)
    }

    // MARK: book mlp-tensor
    /// Forward pass of the tensor engine: x [N, 2] -> logits [N, 1].
    public static func forward(_ x: Variable, _ p: [Variable]) -> Variable {
        let h1 = Variable.linear(x, p[0], p[1]).tanh()    // [N, hidden]
        let h2 = Variable.linear(h1, p[2], p[3]).tanh()   // [N, hidden]
        return Variable.linear(h2, p[4], p[5])            // [N, 1]
    }

    /// Logistic loss with labels as signs s = ±1: mean(−log σ(s·z)).
    public static func loss(logits: Variable, signs: Tensor) -> Variable {
        -(logits * Variable(signs)).logSigmoid().mean()
    }
    // MARK: end

    public static func run(_ c: Config, data: ToyData) -> (Result, params: [Variable]) {
        var result = Result()
        let w0 = initialWeights(c)
        let signs = Tensor([data.labels.count, 1], data.labels.map { $0 == 1 ? 1 : -1 })

        // Tensor engine.
        var start = Date()
        let params = w0.map { Variable($0.copy(), requiresGrad: true) }
        let opt = SGD(params, learningRate: c.learningRate)
        let x = Variable(data.inputs)
        for _ in 0..<c.steps {
            opt.zeroGrad()
            let l = loss(logits: forward(x, params), signs: signs)
            l.backward()
            opt.step()
            result.tensorLoss.append(Double(l.scalar))
        }
        let logits = noGrad { forward(x, params) }.value
        result.tensorAccuracy = accuracy(logits.array.map(Double.init), data.labels)
        result.tensorSeconds = Date().timeIntervalSince(start)

        // Scalar engine, from the same weights.
        start = Date()
        let sp = w0.map { $0.array.map { Value(Double($0)) } }
        var last: [Double] = []
        for _ in 0..<c.steps {
            var total = Value(0)
            last = []
            for (i, pt) in data.points.enumerated() {
                let z = scalarForward([Double(pt.x - 0.5), Double(pt.y - 0.25)], sp, hidden: c.hidden)
                last.append(z.data)
                let s = Double(data.labels[i] == 1 ? 1 : -1)
                // −log σ(s z) = log(1 + exp(−s z))
                total = total + ((z * -s).exp() + 1).log()
            }
            let l = total / Double(data.points.count)
            l.backward()
            for layer in sp { for v in layer { v.data -= Double(c.learningRate) * v.grad } }
            result.scalarLoss.append(l.data)
        }
        result.scalarAccuracy = accuracy(last, data.labels)  // predictions before the last step
        result.scalarSeconds = Date().timeIntervalSince(start)
        return (result, params)
    }

    /// Forward pass of the scalar engine for one point (weights in [in, out] row-major order).
    static func scalarForward(_ x: [Double], _ p: [[Value]], hidden: Int) -> Value {
        func layer(_ input: [Value], _ w: [Value], _ b: [Value], out: Int, tanh: Bool) -> [Value] {
            (0..<out).map { o in
                var s = b[o]
                for (i, xi) in input.enumerated() { s = s + xi * w[i * out + o] }
                return tanh ? s.tanh() : s
            }
        }
        let h1 = layer(x.map { Value($0) }, p[0], p[1], out: hidden, tanh: true)
        let h2 = layer(h1, p[2], p[3], out: hidden, tanh: true)
        return layer(h2, p[4], p[5], out: 1, tanh: false)[0]
    }

    static func accuracy(_ logits: [Double], _ labels: [Int]) -> Double {
        Double(zip(logits, labels).filter { ($0 > 0 ? 1 : 0) == $1 }.count) / Double(max(labels.count, 1))
    }

    /// Probability of class 1 on a grid over the data's bounding box, for the decision
    /// boundary plot: returns (xs, ys, probabilities [ny][nx]).
    public static func probabilityGrid(_ params: [Variable], data: ToyData, resolution n: Int = 80)
        -> (xs: [Float], ys: [Float], p: [[Float]]) {
        let minX = (data.points.map(\.x).min() ?? -1) - 0.3, maxX = (data.points.map(\.x).max() ?? 1) + 0.3
        let minY = (data.points.map(\.y).min() ?? -1) - 0.3, maxY = (data.points.map(\.y).max() ?? 1) + 0.3
        let xs = (0..<n).map { minX + (maxX - minX) * Float($0) / Float(n - 1) }
        let ys = (0..<n).map { minY + (maxY - minY) * Float($0) / Float(n - 1) }
        var flat: [Float] = []
        for y in ys { for x in xs { flat += [x - 0.5, y - 0.25] } }
        let z = noGrad { forward(Variable(Tensor([n * n, 2], flat)), params) }.value
        let p = (0..<n).map { r in (0..<n).map { c in 1 / (1 + expf(-z.data[r * n + c])) } }
        return (xs, ys, p)
    }
}
