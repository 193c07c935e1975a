import Core

/// Exercise 5.5 — What fine-tuning keeps in memory.
///
/// Besides activations, training holds the weights as stored, a Float32 gradient for every
/// trainable value, and AdamW's two Float32 moments (m and v) for every trainable value:
///
///   bytes = 4 · float32Frozen                    frozen Float32 weights (LoRA's base, embeddings)
///         + bitsPerQuantized / 8 · quantized     frozen 4-bit weights (QLoRA's base)
///         + (4 + 4 + 8) · trainable              weight, gradient, m and v
///
/// Full fine-tuning of N parameters: 16·N bytes. LoRA: 4·N + 16·(adapter). QLoRA: about
/// 0.52·N + 16·(adapter).
public func trainingMemoryBytes(float32Frozen: Int, quantized: Int, bitsPerQuantized: Double, trainable: Int) throws -> Double {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.5")
}
