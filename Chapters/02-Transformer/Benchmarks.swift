import Autograd
import Core
import Foundation

/// Speed of the GPT: `course bench train` and `course bench generate`. The shapes are those of
/// benchmarks/pytorch_train.py, so the two can be compared side by side.
public enum TransformerBenchmarks {
    public struct Shape {
        let config: GPTConfig
        let batch: Int, context: Int
    }

    public static func shape(_ preset: String) throws -> Shape {
        switch preset {
        case "tiny": return Shape(config: GPTConfig(vocabSize: 512, contextLength: 128, embeddingSize: 128, layers: 4, heads: 4), batch: 16, context: 128)
        case "small": return Shape(config: GPTConfig(vocabSize: 2048, contextLength: 256, embeddingSize: 256, layers: 6, heads: 8), batch: 8, context: 256)
        case "gpt2": return Shape(config: GPTConfig(vocabSize: 50257, contextLength: 1024, embeddingSize: 768, layers: 12, heads: 12), batch: 4, context: 64)
        default: throw CourseError("unknown preset \"\(preset)\" (tiny, small, gpt2)")
        }
    }

    /// nanoGPT's estimate: 6 flops per parameter per token (forward + backward), plus attention.
    static func flopsPerToken(_ c: GPTConfig, context t: Int) -> Double {
        let nonEmbedding = Double(c.parameterCount - c.vocabSize * c.embeddingSize - c.contextLength * c.embeddingSize)
        let head = Double(c.vocabSize * c.embeddingSize)  // the tied output layer's product
        return 6 * (nonEmbedding + head) + 12 * Double(c.layers * c.embeddingSize * t)
    }

    /// A model of `preset`'s shape, its trainer, and one step on random tokens (done once as a
    /// warm-up): what `train` and `profile` time.
    static func warmedUp(_ preset: String) throws -> (shape: Shape, tokens: Int, step: () throws -> Void) {
        let s = try shape(preset)
        let model = GPT(s.config, seed: 1)
        let trainer = Trainer(model: model, config: TrainConfig(batchSize: s.batch, contextLength: s.context, steps: 1000,
                                                                learningRate: 1e-4, warmupSteps: 1, evalEvery: 1000))
        var rng = SeededRandom(seed: 2)
        let n = s.batch * s.context
        let ids = (0..<n).map { _ in rng.int(s.config.vocabSize) }, targets = (0..<n).map { _ in rng.int(s.config.vocabSize) }
        // Profiler.mark() starts the profiler's clock at the forward pass (a no-op when it is off).
        let step = { _ = try trainer.step { Profiler.mark(); return model.loss(ids, targets: targets, batch: s.batch) } }
        try step()   // warm-up
        return (s, n, step)
    }

    /// One full training step (forward, backward, AdamW) on random tokens, median of `steps`:
    /// tokens/s and achieved GFLOP/s.
    public static func train(preset: String, steps: Int) throws -> [String: Any] {
        let (s, n, step) = try warmedUp(preset)
        var times: [Double] = []
        for _ in 0..<steps {
            times.append(try measure(step))
        }
        let t = times.sorted()[times.count / 2]   // median step
        let tokensPerSecond = Double(n) / t
        return ["bench": "train", "preset": preset, "params": s.config.parameterCount, "batch": s.batch, "context": s.context,
              "step_ms": round(t * 10000) / 10, "tokens_per_s": round(tokensPerSecond),
              "gflops": round(flopsPerToken(s.config, context: s.context) * tokensPerSecond / 1e7) / 100,
              "threads": BLAS.threads]
    }

    /// Where a training step's time goes: the `train` step of `preset`, run `steps` times with
    /// `Profiler` on, as rows of (category, milliseconds per step, share of the step). Forward
    /// and backward are split by operation category; "other" is what no category claims
    /// (building the graph, zeroing gradients, the loss check).
    public static func profile(preset: String, steps: Int) throws -> [[String: Any]] {
        let (_, n, step) = try warmedUp(preset)
        var total = 0.0
        Profiler.start()
        for _ in 0..<steps {
            total += try measure(step)
        }
        var parts = Profiler.stop()
        parts["other"] = max(0, total - parts.values.reduce(0, +))
        let perStep = total / Double(steps)
        var rows: [[String: Any]] = parts.sorted { $0.value > $1.value }.map { key, seconds in
            ["bench": "profile", "preset": preset, "part": key, "ms": round(seconds / Double(steps) * 1e4) / 10,
             "share": round(seconds / total * 1000) / 10]
        }
        rows.append(["bench": "profile", "preset": preset, "part": "step", "ms": round(perStep * 1e4) / 10, "share": 100.0,
                     "tokens_per_s": round(Double(n) / perStep), "threads": BLAS.threads, "threading": BLAS.threading.rawValue])
        return rows
    }

    /// 256 new tokens after a 32-token prompt, greedy, with and without the KV cache (the
    /// lengths and decoding of benchmarks/pytorch_generate.py).
    public static func generate(preset: String) throws -> [String: Any] {
        let s = try shape(preset)
        var c = s.config
        c.contextLength = max(c.contextLength, 320)
        let model = GPT(c, seed: 1)
        let prompt = Array(0..<32)
        let newTokens = 256
        var times: [Bool: Double] = [:]
        var warm = SeededRandom(seed: 3)                           // first-call allocations, thread start
        _ = model.generate(prompt: prompt, maxNewTokens: 16, options: .greedy, rng: &warm)
        for useCache in [true, false] {
            var runs: [Double] = []
            for _ in 0..<(useCache ? 3 : 1) {                      // cached: the median of three
                var rng = SeededRandom(seed: 3)
                runs.append(measure {
                    _ = model.generate(prompt: prompt, maxNewTokens: newTokens, options: .greedy, useCache: useCache, rng: &rng)
                })
            }
            times[useCache] = runs.sorted()[runs.count / 2]
        }
        let cached = Double(newTokens) / times[true]!, uncached = Double(newTokens) / times[false]!
        return ["bench": "generate", "preset": preset, "new_tokens": newTokens, "prompt_tokens": prompt.count,
              "tokens_per_s_cached": round(cached), "tokens_per_s_uncached": round(uncached),
              "speedup": round(cached / uncached * 10) / 10, "threads": BLAS.threads]
    }
}
