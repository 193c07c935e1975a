import Core
import Foundation
import LoRA
import Transformer

/// What a training setup has to keep in memory besides activations, by the formula: the
/// model's weights as stored, one Float32 gradient per trainable value, and AdamW's two
/// Float32 moments per trainable value.
///
///     full fine-tuning:  4 + 4 + 8 = 16 bytes per parameter
///     LoRA:              4 per frozen parameter + 16 per adapter parameter
///     QLoRA:             bits/8 per quantised parameter (≈ 0.516 with double quantisation)
///                        + 4 per other frozen parameter (embeddings, LayerNorms, biases)
///                        + 16 per adapter parameter
///
/// Activations (what backward needs from the forward pass) come on top and do not shrink with
/// LoRA or QLoRA: they depend on batch, sequence length and width, not on what trains.
public struct TrainingMemory: Codable, Sendable, Equatable {
    public var weightBytes: Double
    public var gradientBytes: Double
    public var optimizerBytes: Double
    public var totalBytes: Double { weightBytes + gradientBytes + optimizerBytes }

    public init(weightBytes: Double, gradientBytes: Double, optimizerBytes: Double) {
        (self.weightBytes, self.gradientBytes, self.optimizerBytes) = (weightBytes, gradientBytes, optimizerBytes)
    }

    // MARK: book memory-accounting
    /// `float32Frozen` values stay Float32 and frozen; `quantized` frozen values are stored at
    /// `bitsPerQuantized` bits each; `trainable` values are Float32 with a gradient and two
    /// AdamW moments.
    public static func estimate(float32Frozen: Int, quantized: Int = 0, bitsPerQuantized: Double = 4,
                                trainable: Int) -> TrainingMemory {
        KitAnswer.used("TrainingMemory.estimate", answers: "5.4")
        return TrainingMemory(weightBytes: 4 * Double(float32Frozen + trainable) + bitsPerQuantized / 8 * Double(quantized),
                       gradientBytes: 4 * Double(trainable),
                       optimizerBytes: 8 * Double(trainable))
    }
    // MARK: end
}

/// The memory plan of a training setup, from its configuration alone: the parameters of a
/// GPT-2 (tied embeddings, as the kit's `GPT`) counted by kind, and the bytes each method keeps
/// besides activations (`TrainingMemory`'s rules, with the exact NF4 storage of every linear
/// weight, each quantised as its own tensor as `QLoRA.attach` does).
public struct MemoryPlan: Sendable, Equatable {
    /// Parameters by kind: token embeddings (V·C, shared with the output layer), position
    /// embeddings (T·C), LayerNorm weights and biases, the linear layers' biases and weights,
    /// and the LoRA adapters' A and B on the target layers.
    public var embeddings, positions, layerNorms, biases, linear, adapter: Int
    /// Bytes of the linear weights in NF4, with Float32 block scales and with double quantisation.
    public var nf4Bytes, nf4DoubleBytes: Int

    public var parameters: Int { embeddings + positions + layerNorms + biases + linear }
    public var fullFineTuning: Int { 16 * parameters }
    public var lora: Int { 4 * parameters + 16 * adapter }
    public var qlora: Int { 4 * (parameters - linear) + nf4Bytes + 16 * adapter }
    public var qloraDoubleQuantization: Int { 4 * (parameters - linear) + nf4DoubleBytes + 16 * adapter }
    /// The four totals in bytes, in the shape of exercise 5.4's answer.
    public var totals: MemoryPlanTotals { (fullFineTuning, lora, qlora, qloraDoubleQuantization) }
}

/// Bytes kept besides activations: full fine-tuning, LoRA, QLoRA with Float32 block scales,
/// QLoRA with double quantisation.
public typealias MemoryPlanTotals = (fullFineTuning: Int, lora: Int, qlora: Int, qloraDoubleQuantization: Int)

extension TrainingMemory {
    // MARK: book memory-plan
    /// The plan for a GPT-2 of `config` with LoRA adapters of `rank` on the layers `targets`
    /// names (PEFT's rule, as `LoRAConfig`): counted from the shapes, no model built.
    public static func plan(_ config: GPTConfig, rank: Int, targets: [String]) -> MemoryPlan {
        KitAnswer.used("TrainingMemory.plan", answers: "5.4")
        let c = config.embeddingSize, f = config.mlpSize, lora = LoRAConfig(rank: rank, targets: targets)
        let block: [(name: String, inputs: Int, outputs: Int)] = [("attn.c_attn", c, 3 * c), ("attn.c_proj", c, c),
                                                                   ("mlp.c_fc", c, f), ("mlp.c_proj", f, c)]
        var plan = MemoryPlan(embeddings: config.vocabSize * c, positions: config.contextLength * c,
                              layerNorms: (2 * config.layers + 1) * 2 * c, biases: 0, linear: 0, adapter: 0, nf4Bytes: 0, nf4DoubleBytes: 0)
        for m in block {
            let n = m.inputs * m.outputs, blocks = (n + 63) / 64
            plan.biases += config.layers * m.outputs
            plan.linear += config.layers * n
            plan.nf4Bytes += config.layers * ((n + 1) / 2 + 4 * blocks)
            plan.nf4DoubleBytes += config.layers * ((n + 1) / 2 + blocks + 4 * ((blocks + 255) / 256) + 4)
            if lora.isTarget("h.0." + m.name) { plan.adapter += config.layers * rank * (m.inputs + m.outputs) }
        }
        return plan
    }
    // MARK: end

    /// Under `course run qlora --mine`, the learner's plan (exercise 5.4) for the memory-at-scale
    /// table's formula column; nil otherwise (the table then counts the built model's parameters).
    public static func learnerPlan(_ config: GPTConfig, rank: Int, targets: [String]) -> MemoryPlanTotals? {
        LearnerCode.function("trainingMemoryPlan", as: TrainingMemoryPlanFunction.self).map { $0(config, rank, targets) }
    }
}

/// The shape of exercise 5.4's memory plan, plugged in by `course run qlora --mine`.
public typealias TrainingMemoryPlanFunction = (GPTConfig, Int, [String]) -> MemoryPlanTotals
