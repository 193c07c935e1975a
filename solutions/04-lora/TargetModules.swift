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
    // The block of a layer: the number right after "h" ("h.3.attn.c_attn" → 3); nil outside
    // the blocks. Compared as a whole part of the name, so block 1 is never block 10.
    func block(_ name: String) -> Int? {
        let parts = name.split(separator: ".")
        guard let h = parts.firstIndex(of: "h"), h + 2 < parts.count else { return nil }
        return Int(parts[h + 1])
    }
    func isTarget(_ name: String) -> Bool {
        if targets.contains(name) { return true }             // named in full: no block filter
        guard targets.contains(where: { name.hasSuffix("." + $0) }) else { return false }
        guard let blocks = layersToTransform, !blocks.isEmpty else { return true }
        guard let b = block(name) else { return false }
        return blocks.contains(b)
    }
    var adapted: [String] = []
    var trainable = 0
    for layer in layers where isTarget(layer.name) {
        adapted.append(layer.name)
        trainable += rank * (layer.inFeatures + layer.outFeatures)   // A [r, in] and B [out, r]
    }
    return (adapted, trainable)
}
