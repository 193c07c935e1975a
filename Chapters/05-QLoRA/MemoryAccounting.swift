import Core
import Foundation

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

extension TrainingMemory {
    /// The formula's total in bytes (what the memory-at-scale table compares with the measured
    /// peak): under `course run qlora --mine`, the learner's total (exercise 5.4).
    public static func totalBytes(float32Frozen: Int, quantized: Int = 0, bitsPerQuantized: Double = 4, trainable: Int) -> Double {
        if let mine = LearnerCode.function("trainingMemoryBytes", as: TrainingMemoryFunction.self) { return mine(float32Frozen, quantized, bitsPerQuantized, trainable) }
        return estimate(float32Frozen: float32Frozen, quantized: quantized, bitsPerQuantized: bitsPerQuantized, trainable: trainable).totalBytes
    }
}

/// The shape of exercise 5.4's memory function, plugged in by `course run qlora --mine`.
public typealias TrainingMemoryFunction = (Int, Int, Double, Int) -> Double
