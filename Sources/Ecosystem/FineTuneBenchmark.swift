import Autograd
import Core
import Foundation
import LoRA
import QLoRA
import Transformer

/// `course bench train --preset gpt2 --method lora|qlora|full`: one fine-tuning step of a
/// downloaded model's shape, as `course run sft --base DIR` takes it (the chat tokens added,
/// rows of 512 tokens, LoRA rank 16 on every linear layer with the token table as a module to
/// save). Random weights time the same as trained ones, so no download is needed.
public enum FineTuneBenchmark {
    public static func config(_ preset: String) throws -> GPTConfig {
        switch preset {
        case "tiny": return GPTConfig(vocabSize: 512, contextLength: 512, embeddingSize: 128, layers: 4, heads: 4)
        case "small": return GPTConfig(vocabSize: 2048, contextLength: 512, embeddingSize: 256, layers: 6, heads: 8)
        case "distilgpt2": return GPTConfig(vocabSize: 50257 + 2, contextLength: 1024, embeddingSize: 768, layers: 6, heads: 12)
        case "gpt2": return GPTConfig(vocabSize: 50257 + 2, contextLength: 1024, embeddingSize: 768, layers: 12, heads: 12)
        default: throw CourseError("unknown preset \"\(preset)\" (tiny, small, distilgpt2, gpt2)")
        }
    }

    /// Median seconds of `steps` training steps (after one warm-up step), with the estimate
    /// `course run sft --base` prints for the same step beside it.
    public static func train(preset: String, method: FineTuneRun.Method, rows: Int, rowLength: Int, steps: Int) throws -> [String: Any] {
        let c = try config(preset)
        guard rowLength <= c.contextLength, rows > 0, steps > 0 else {
            throw CourseError("--batch and --steps must be positive and --context at most \(c.contextLength)")
        }
        let model = GPT(c, seed: 1)
        let lora = FineTuneRun.settings(.default, seed: 1, method: method).lora
        var params: [Variable]? = nil
        var bits = 32.0
        if let lora {
            if method == .qlora {
                params = QLoRA.attach(to: model, config: lora, seed: 1)
                for (name, p) in model.namedParameters where lora.savesModule(name) { p.requiresGrad = true; params!.append(p) }
                let st = QLoRA.quantizedStorage(of: model)
                bits = Double(st.bits) / Double(st.parameters)
            } else {
                params = LoRA.attach(to: model, config: lora, seed: 1)
            }
        }
        let trainer = Trainer(model: model, config: TrainConfig(batchSize: rows, contextLength: rowLength, steps: 1000,
                                                                learningRate: 1e-4, warmupSteps: 1, evalEvery: 1000), parameters: params)
        var rng = SeededRandom(seed: 2)
        let n = rows * rowLength
        let ids = (0..<n).map { _ in rng.int(c.vocabSize) }, targets = (0..<n).map { _ in rng.int(c.vocabSize) }
        let step = { _ = try trainer.step { model.loss(ids, targets: targets, batch: rows) } }
        try step()   // warm-up
        var times: [Double] = [], cpu: [Double] = []
        for _ in 0..<steps {
            let c0 = ProcessCPU.seconds
            times.append(try measure(step))
            cpu.append(ProcessCPU.seconds - c0)
        }
        let t = times.sorted()[times.count / 2]
        let trainable = (params ?? model.parameters).reduce(0) { $0 + $1.value.count }
        let estimate = TrainingEstimate(config: c, trainable: trainable, linearBits: bits, tokens: n, rowLength: rowLength, steps: 1,
                                        gflops: TrainingEstimate.measureGFLOPs(rows: n, width: c.embeddingSize))
        return ["bench": "finetune", "preset": preset, "method": method.rawValue, "params": c.parameterCount, "trainable": trainable,
                "rows": rows, "row_length": rowLength, "step_s": round(t * 1000) / 1000,
                "cpu_s": round(cpu.sorted()[cpu.count / 2] * 1000) / 1000,
                "tokens_per_s": round(Double(n) / t), "estimate_s": round(estimate.secondsPerStep * 1000) / 1000,
                "estimate_mb": round(estimate.totalMB), "peak_mb": round(Double(ProcessMemory.peakBytes) / 1_048_576),
                "threads": BLAS.threads]
    }
}
