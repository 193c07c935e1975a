import Autograd
import Core
import Foundation

/// Hyperparameters of a training run (saved in the run's config.json).
public struct TrainConfig: Codable, Sendable {
    public var batchSize: Int
    public var contextLength: Int
    public var steps: Int
    public var learningRate: Float
    public var minLearningRate: Float
    public var warmupSteps: Int
    public var weightDecay: Float = 0.1
    public var gradClip: Float = 1.0
    public var evalEvery: Int
    public var evalBatches: Int = 4
    public var seed: UInt64 = 1

    public init(batchSize: Int, contextLength: Int, steps: Int, learningRate: Float, minLearningRate: Float? = nil,
                warmupSteps: Int, evalEvery: Int, seed: UInt64 = 1) {
        self.batchSize = batchSize
        self.contextLength = contextLength
        self.steps = steps
        self.learningRate = learningRate
        self.minLearningRate = minLearningRate ?? learningRate / 10
        self.warmupSteps = warmupSteps
        self.evalEvery = evalEvery
        self.seed = seed
    }
}

/// A token stream cut into training windows: documents joined with `<|endoftext|>`, windows of
/// T+1 tokens at random offsets; inputs are the first T, targets the last T (shifted by one).
public struct TokenStream {
    public let tokens: [Int]
    public init(documents: [[Int]], separator: Int) {
        var t: [Int] = []
        for d in documents { t.append(contentsOf: d); t.append(separator) }
        tokens = t
    }

    /// A batch [B, T] of inputs and targets starting at random offsets.
    public func batch(_ b: Int, length t: Int, rng: inout SeededRandom) -> (inputs: [Int], targets: [Int]) {
        precondition(tokens.count > t + 1, "token stream of \(tokens.count) tokens is shorter than one window of \(t + 1)")
        var inputs: [Int] = [], targets: [Int] = []
        inputs.reserveCapacity(b * t); targets.reserveCapacity(b * t)
        for _ in 0..<b {
            let start = rng.int(tokens.count - t - 1)
            inputs.append(contentsOf: tokens[start..<(start + t)])
            targets.append(contentsOf: tokens[(start + 1)...(start + t)])
        }
        return (inputs, targets)
    }

    /// Deterministic evaluation windows, evenly spaced (the same every time it is asked).
    public func evalBatches(_ n: Int, batch b: Int, length t: Int) -> [(inputs: [Int], targets: [Int])] {
        let windows = n * b
        let stride = max(1, (tokens.count - t - 1) / max(windows, 1))
        return (0..<n).map { k in
            var inputs: [Int] = [], targets: [Int] = []
            for j in 0..<b {
                let start = min(((k * b) + j) * stride, tokens.count - t - 1)
                inputs += tokens[start..<(start + t)]
                targets += tokens[(start + 1)...(start + t)]
            }
            return (inputs, targets)
        }
    }
}

/// Cross-entropy (nats per token) of the best model that ignores context: each token predicted
/// by its training-set frequency (add-one smoothing). Pretraining must get far below it.
public func unigramBaseline(train: [Int], eval: [Int], vocabSize: Int) -> Double {
    var counts = [Double](repeating: 1, count: vocabSize)
    for t in train { counts[t] += 1 }
    let total = counts.reduce(0, +)
    return eval.reduce(0.0) { $0 - log(counts[$1] / total) } / Double(max(eval.count, 1))
}

/// The training loop every chapter reuses for next-token losses: AdamW, warmup + cosine
/// schedule, gradient clipping, periodic evaluation, checkpoints that resume bit-identically.
public final class Trainer {
    public let model: GPT
    public let config: TrainConfig
    public let optimizer: AdamW
    public var rng: SeededRandom
    public var step = 0
    let schedule: CosineSchedule

    public init(model: GPT, config: TrainConfig, parameters: [Variable]? = nil) {
        self.model = model
        self.config = config
        let params = parameters ?? model.parameters
        // Weight decay on matrices (and embeddings) only, not on biases or LayerNorm gains.
        optimizer = AdamW(params, learningRate: config.learningRate, weightDecay: config.weightDecay,
                          decayMatricesOnly: true)
        rng = SeededRandom(seed: config.seed)
        schedule = CosineSchedule(maxLR: config.learningRate, minLR: config.minLearningRate,
                                  warmup: config.warmupSteps, total: config.steps)
    }

    /// One optimisation step on the loss `lossFn` builds; returns (loss, grad norm, lr).
    @discardableResult
    public func step(_ lossFn: () -> Variable) throws -> (loss: Float, gradNorm: Float, lr: Float) {
        optimizer.zeroGrad()
        let loss = lossFn()
        guard loss.scalar.isFinite else {
            throw CourseError("step \(step + 1): the loss is \(loss.scalar) (not finite); stopping with the last checkpoint kept")
        }
        loss.backward()
        // Clipping: the norm now, the scale applied by AdamW as it reads each gradient.
        let norm = Profiler.time("optimizer: gradient norm") { gradNorm(optimizer.parameters) }
        guard norm.isFinite else {
            let bad = optimizer.parameters.first { !($0.grad?.isFinite ?? true) }?.name ?? "?"
            throw CourseError("step \(step + 1): gradient of \"\(bad)\" is not finite; stopping with the last checkpoint kept")
        }
        let lr = schedule.learningRate(at: step)
        optimizer.learningRate = lr
        let logged = Profiler.time("optimizer: AdamW step") { optimizer.clippedStep(norm: norm, maxNorm: config.gradClip) }
        step += 1
        return (loss.scalar, logged, lr)
    }

    /// Mean loss over fixed evaluation batches, without building a graph.
    public func evaluate(_ batches: [(inputs: [Int], targets: [Int])]) -> Double {
        noGrad {
            batches.map { Double(model.loss($0.inputs, targets: $0.targets, batch: config.batchSize).scalar) }
                .reduce(0, +) / Double(max(batches.count, 1))
        }
    }

    /// Saves model, optimiser state, step and random state; `extra` holds a caller's own
    /// counters (e.g. a data loader's position).
    public func saveCheckpoint(in dir: URL, extra: [String: Double] = [:]) throws {
        try TrainingCheckpoint.save(model: model, optimizer: optimizer,
                                    state: .init(step: step, rng: rng.stateWords, adamStep: optimizer.t, extra: extra), in: dir)
    }

    /// Restores the latest checkpoint in `dir` if there is one; returns its `extra` counters,
    /// or nil when there was nothing to resume.
    public func resume(from dir: URL) throws -> [String: Double]? {
        guard let s = try TrainingCheckpoint.load(into: model, optimizer: optimizer, from: dir) else { return nil }
        step = s.step
        rng = SeededRandom(stateWords: s.rng)
        return s.extra
    }
}
