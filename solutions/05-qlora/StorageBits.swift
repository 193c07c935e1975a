import Core

/// Exercise 5.4 — What a 4-bit model stores, and what training it keeps in memory.
///
/// `nf4StorageBits`: the exact number of bits an NF4 tensor of `count` values occupies — its
/// 4-bit codes in whole bytes, and one scale per block of 64 values, stored as a Float32 or,
/// with double quantisation, as an 8-bit code plus its share of the second-level scales and
/// the offset. The shared code tables are not counted. (A [128, 384] weight with double
/// quantisation takes 202,880 bits, about 4.128 bits per value.)
///
/// `trainingMemoryBytes`: what training holds besides activations. Frozen weights cost what
/// they are stored in; a trainable value also needs a gradient and AdamW's two moments, all
/// Float32. (Full fine-tuning of N values needs 16·N bytes.)
public func nf4StorageBits(count: Int, doubleQuantization: Bool) throws -> Int {
    let blocks = (count + 63) / 64
    let codes = (count + 1) / 2 * 8
    guard doubleQuantization else { return codes + blocks * 32 }
    return codes + blocks * 8 + (blocks + 255) / 256 * 32 + 32
}

/// Bytes of weights, gradients and optimiser state for fine-tuning with `float32Frozen` frozen
/// Float32 values, `quantized` frozen values at `bitsPerQuantized` bits, and `trainable` values.
public func trainingMemoryBytes(float32Frozen: Int, quantized: Int, bitsPerQuantized: Double, trainable: Int) throws -> Double {
    4 * Double(float32Frozen) + bitsPerQuantized / 8 * Double(quantized) + 16 * Double(trainable)
}
