import Core

/// Exercise 4.5 — Which layers get an adapter, and how many values train.
///
/// PEFT's `target_modules=["c_attn", "mlp.c_proj"]` picks layers by name: a target names a
/// whole module, so it matches a layer name as a complete dot-separated ending, never as a
/// loose substring ("attn" selects nothing in GPT-2: no layer is called that).
///
/// Given every linear layer of a model (its name and its [in, out] size), return the names of
/// the layers that get a LoRA adapter of rank `rank`, in the order given, and the number of
/// values those adapters train (A is [r, in], B is [out, r]).
public func loraPlan(layers: [(name: String, inFeatures: Int, outFeatures: Int)], targets: [String], rank: Int) throws
    -> (adapted: [String], trainable: Int) {
    // Write your code here, then run `swift run course check 4`.
    throw Todo("4.5")
}
