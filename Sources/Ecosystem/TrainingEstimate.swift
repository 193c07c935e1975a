import Core
import Foundation
import LoRA
import Transformer

/// Memory and time of a fine-tuning run, worked out before it starts from the model's shape,
/// the method and the batch, and one timed matrix product on this machine. Rough (within a
/// factor of about 1.5), but enough to see that gpt2 with full fine-tuning needs ~2 GB and
/// with QLoRA a few hundred MB, and whether a run takes minutes or hours.
public struct TrainingEstimate: Codable, Sendable {
    public var parameters: Int
    public var trainable: Int
    /// Frozen and trained weights as stored (Float32, or NF4 + absmax for QLoRA's linear layers).
    public var weightsMB: Double
    /// Gradients and AdamW's two moments: 12 bytes per trainable parameter.
    public var optimizerMB: Double
    /// What the backward pass keeps from the forward pass, for one batch.
    public var activationsMB: Double
    public var flopsPerStep: Double
    /// This machine's speed on a product of the model's size (GFLOP/s, all threads).
    public var gflops: Double
    public var secondsPerStep: Double
    public var steps: Int

    public var totalMB: Double { weightsMB + optimizerMB + activationsMB }
    public var minutes: Double { secondsPerStep * Double(steps) / 60 }

    // MARK: book training-estimate
    /// `tokens` per step (rows × row length); `linearBits`: bits per weight of the linear
    /// layers (32, or about 4.127 for NF4 with double quantisation).
    public init(config c: GPTConfig, trainable: Int, linearBits: Double, tokens: Int, rowLength: Int, steps: Int, gflops: Double) {
        let (C, L, V) = (Double(c.embeddingSize), Double(c.layers), Double(c.vocabSize))
        let linear = L * (C * 3 * C + C * C + 2 * C * Double(c.mlpSize))        // c_attn, c_proj, c_fc, mlp.c_proj
        let other = Double(c.parameterCount) - linear                           // embeddings, biases, LayerNorms
        let mb = { (bytes: Double) in bytes / 1_048_576 }
        parameters = c.parameterCount
        self.trainable = trainable
        self.steps = steps
        self.gflops = gflops
        weightsMB = mb(linear * linearBits / 8 + other * 4)
        optimizerMB = mb(Double(trainable) * 12)
        // Per token and layer the tape keeps about 20·C values (LayerNorm outputs, q k v, the
        // attention output, the MLP's 4·C input and GELU output, residuals, their gradients
        // in flight), plus the logits, their softmax and its gradient at the end (3·V per
        // token: 1.2 GB for 2,048 GPT-2 tokens, often the largest single item).
        activationsMB = mb(Double(tokens) * (L * 20 * C + 3 * V) * 4)
        // Forward 2 flops per weight per token; backward 2 more for the input gradients and,
        // for trained weights only, 2 more for the weight gradients. Attention: 4·T·C per
        // token and layer each way (causal, so half of the T×T scores).
        let weightsPerToken = linear + V * C
        let trainedShare = min(1, Double(trainable) / max(Double(c.parameterCount), 1))
        let attention = 4 * Double(rowLength) * C * L
        flopsPerStep = Double(tokens) * (weightsPerToken * (4 + 2 * trainedShare) + 3 * attention)
        // NF4 weights are dequantised on every use (twice per step): measured about 8% more
        // CPU time than LoRA for gpt2 (`course bench train --preset gpt2 --method qlora`).
        let slowdown = linearBits < 32 ? 1.1 : 1
        secondsPerStep = flopsPerStep / (gflops * 1e9) * slowdown
    }
    // MARK: end

    /// GFLOP/s of a [tokens, C] × [C, 4C] product on this machine (the size of the model's
    /// MLP), measured for about 0.2 s.
    public static func measureGFLOPs(rows: Int, width: Int) -> Double {
        let (m, k, n) = (max(rows, 64), width, 4 * width)
        let a = Tensor(zeros: [m, k]), b = Tensor(zeros: [k, n]), out = Tensor(zeros: [m, n])
        for i in 0..<a.count { a.data[i] = Float(i % 7) * 0.01 }
        for i in 0..<b.count { b.data[i] = Float(i % 5) * 0.01 }
        let product = { BLAS.gemm(transA: false, transB: false, m: m, n: n, k: k, a: a.data, b: b.data, c: out.data) }
        product()   // warm-up
        var runs = 0
        let start = Date()
        while Date().timeIntervalSince(start) < 0.2 || runs < 2 { product(); runs += 1 }
        let seconds = Date().timeIntervalSince(start) / Double(runs)
        return 2 * Double(m * n * k) / seconds / 1e9
    }

    public var summary: String {
        String(format: "estimate: %@ parameters, %@ trained; memory about %.0f MB (weights %.0f, gradients and AdamW %.0f, activations %.0f); "
               + "about %.2f s per step at %.0f GFLOP/s, %.1f minutes for %d steps",
               grouped(parameters), grouped(trainable), totalMB, weightsMB, optimizerMB, activationsMB,
               secondsPerStep, gflops, minutes, steps)
    }
}
