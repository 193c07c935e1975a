import Core

/// Exercise 2.6 — The load plan of a Hugging Face GPT-2 checkpoint.
///
/// Before a checkpoint's numbers are copied into the model, decide which tensor of the file
/// fills which parameter, and refuse a file that does not fit. Given the file's tensors and the
/// model's parameters (names and shapes), return parameter name → tensor name:
///
///   - a tensor's name is the parameter's, with or without ONE leading "transformer."
///     ("transformer.h.0.ln_1.weight" and "h.0.ln_1.weight" both fill "h.0.ln_1.weight");
///   - skip what is not a parameter: the attention mask buffers, whose last two name parts are
///     exactly "attn.bias" or "attn.masked_bias" ("h.3.attn.bias"; careful, "h.3.attn.c_attn.bias"
///     is a parameter), and "lm_head.weight" (the output layer is tied to "wte.weight");
///   - throw a one-line error naming the tensor for every other misfit: a tensor that is no
///     parameter (`CourseError("unexpected tensor \"score.weight\"")`), a shape that differs
///     (name both shapes as Swift prints them: "tensor \"ln_f.bias\" has shape [3], the model
///     needs [16]"), two tensors for one parameter, and a parameter no tensor fills.
///
/// Example, a model with parameters wte.weight [5, 4] and ln_f.bias [4]:
///
///   transformer.wte.weight [5, 4], transformer.ln_f.bias [4], lm_head.weight [5, 4]
///     → ["wte.weight": "transformer.wte.weight", "ln_f.bias": "transformer.ln_f.bias"]
///   wte.weight [5, 4] alone → an error naming "ln_f.bias" (missing)
public func loadPlan(checkpoint: [(name: String, shape: [Int])],
                     parameters: [(name: String, shape: [Int])]) throws -> [String: String] {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.6")
}
