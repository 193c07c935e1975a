import Core

/// Exercise 4.5 — Which layers get an adapter, and how many values train.
///
/// PEFT picks the layers to adapt with two settings of `LoraConfig`, and so does `LoRAConfig`:
///
/// - `target_modules=["c_attn", "mlp.c_proj"]`: a target names a whole module, so it matches a
///   layer name in full, or as its ending right after a dot; never as a loose substring
///   ("attn" selects nothing in GPT-2: no layer is called that).
/// - `layers_to_transform=[2, 3]`: of the layers a target selects by their ending, keep those of
///   the blocks h.2 and h.3 only (the block of "h.3.attn.c_attn" is 3). nil or an empty list
///   keeps every block. A target that names a layer in full ("h.0.mlp.c_fc") selects it
///   whatever the list says, as in PEFT.
///
/// Given every linear layer of a model (its name and its [in, out] size), return the names of
/// the layers that get a LoRA adapter of rank `rank`, in the order given, and the number of
/// values those adapters train (A is [r, in], B is [out, r]).
///
/// Example: the chapter's model has 4 blocks with c_attn [128, 384]; targets ["c_attn"] at
/// rank 8 adapt h.0 … h.3 and train 16,384 values; with layersToTransform [2, 3], h.2 and h.3
/// only: 8,192.
public func loraPlan(layers: [(name: String, inFeatures: Int, outFeatures: Int)], targets: [String], layersToTransform: [Int]?,
                     rank: Int) throws -> (adapted: [String], trainable: Int) {
    // Write your code here, then run `swift run course check 4`.
    throw Todo("4.5")
}
