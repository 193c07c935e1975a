import Core
import Transformer

/// Exercise 5.4 — The memory plan of a training setup.
///
/// `nf4StorageBits`: the exact number of bits an NF4 tensor of `count` values occupies — its
/// 4-bit codes in whole bytes, and one scale per block of 64 values, stored as a Float32 or,
/// with double quantisation, as an 8-bit code plus its share of the second-level Float32
/// scales (one per group of 256 blocks) and one Float32 offset. The shared code tables are not
/// counted. (A [128, 384] weight with double quantisation takes 202,880 bits, about 4.128 bits
/// per value.)
///
/// `trainingMemoryPlan`: the bytes that fine-tuning a GPT-2 of `config` keeps besides
/// activations, with LoRA adapters of `rank` on the modules `targets` names ("c_attn",
/// "c_proj", "c_fc"; a name adapts that module in every block, and "c_proj" names both the
/// attention's and the MLP's). Count the parameters by kind from the shapes: token embeddings
/// (shared with the output layer, as the kit's GPT ties them), position embeddings, the
/// LayerNorms' weights and biases (two per block and a final one), the four linear layers'
/// biases and weights per block (c_attn C→3C, attn c_proj C→C, c_fc C→F, mlp c_proj F→C, with
/// F = `config.mlpSize`), and the adapters' A [r, in] and B [out, r]. A frozen value costs
/// what it is stored in; a trainable one also needs a Float32 gradient and AdamW's two Float32
/// moments. QLoRA stores every linear weight in NF4, each as its own tensor (the adapters
/// train in Float32, everything else stays frozen Float32).
/// Returns bytes for full fine-tuning, LoRA, QLoRA with Float32 block scales, and QLoRA with
/// double quantisation. (GPT-2 small, 124,439,808 parameters, needs 1,991,036,928 bytes to
/// fine-tune fully.)
public func nf4StorageBits(count: Int, doubleQuantization: Bool) throws -> Int {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.4")
}

public func trainingMemoryPlan(_ config: GPTConfig, rank: Int, targets: [String]) throws
    -> (fullFineTuning: Int, lora: Int, qlora: Int, qloraDoubleQuantization: Int) {
    // Write your code here too (nf4StorageBits gives the NF4 weights' storage).
    throw Todo("5.4")
}
