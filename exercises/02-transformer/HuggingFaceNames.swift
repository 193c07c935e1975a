import Core

/// Exercise 2.6 — Map Hugging Face GPT-2 tensor names to the kit's.
///
/// A GPT-2 checkpoint from Hugging Face names its tensors like the kit does, with three
/// differences. Given one tensor `name` from such a file and the kit's parameter names
/// `known` (e.g. "wte.weight", "h.0.attn.c_attn.bias", "ln_f.weight"), return:
///
///   - the kit's name: drop ONE leading "transformer." if there is one
///     ("transformer.h.0.ln_1.weight" → "h.0.ln_1.weight"; "wte.weight" stays as it is);
///   - nil for tensors to skip: "lm_head.weight" (the output layer is tied to wte.weight),
///     and the attention mask buffers, whose last two name parts are exactly "attn.bias" or
///     "attn.masked_bias" ("h.3.attn.bias"); careful, "h.3.attn.c_attn.bias" is a real
///     parameter;
///   - otherwise, if the (prefix-stripped) name is not in `known`, throw an error that names
///     it (e.g. `CourseError("unexpected tensor \(name)")`): a silently ignored tensor would
///     leave a model half-loaded.
public func kitParameterName(huggingFace name: String, known: Set<String>) throws -> String? {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.6")
}
