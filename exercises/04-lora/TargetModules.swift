import Core

/// Exercise 4.5 — Which layers get an adapter.
///
/// PEFT's `target_modules=["c_attn", "mlp.c_proj"]` picks layers by name. A layer name such as
/// "h.3.mlp.c_proj" is a target when, for some target t in the list,
///
///   the name equals t, or the name ends with "." + t.
///
/// So "c_proj" selects both "h.3.attn.c_proj" and "h.3.mlp.c_proj", "mlp.c_proj" only the
/// MLP one, and "attn" selects nothing (no layer is called "attn"; it is only a prefix).
public func isLoRATarget(_ name: String, targets: [String]) throws -> Bool {
    // Write your code here, then run `swift run course check 4`.
    throw Todo("4.5")
}
