import Autograd
import Core
import Foundation
import Transformer

/// Attaching, merging and removing LoRA adapters on a GPT-2 model.
public enum LoRA {
    // MARK: book lora-attach
    /// Freezes every base parameter, puts a fresh adapter on each target layer, and returns
    /// the adapters' parameters: the only ones the optimiser should see.
    /// Layers are visited in model order and each adapter draws its init from one generator
    /// seeded with `seed`, so the same seed gives the same adapters.
    @discardableResult
    public static func attach(to model: GPT, config: LoRAConfig, seed: UInt64) -> [Variable] {
        freezeBase(model)
        var rng = SeededRandom(seed: seed)
        var params: [Variable] = []
        for (name, layer) in model.linearLayers where config.isTarget(name) {
            precondition(layer.adapter == nil, "LoRA.attach: \(name) already has an adapter (call LoRA.detach first)")
            let adapter = LoRALinear(inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, config: config, rng: &rng)
            if config.useDoRA { adapter.enableDoRA(weight: layer.weight.value) }
            layer.adapter = adapter
            for (p, v) in adapter.namedParameters {
                v.name = "\(name).\(p)"
                params.append(v)
            }
        }
        precondition(!params.isEmpty, "LoRA.attach: no layer matches the targets \(config.targets)")
        // Modules to save are trained in full, in place (PEFT trains a copy; reload the base
        // model to get the original back).
        for (name, p) in model.namedParameters where config.savesModule(name) {
            p.requiresGrad = true
            params.append(p)
        }
        return params
    }
    // MARK: end

    /// Base parameters stop receiving gradients (embeddings, LayerNorms, weights, biases).
    public static func freezeBase(_ model: GPT) {
        for (_, p) in model.namedParameters { p.requiresGrad = false }
    }

    /// The model's LoRA adapters with their layer names ("h.0.attn.c_attn"), in model order,
    /// including those riding on another adapter (QLoRA's 4-bit layers).
    public static func adapters(of model: GPT) -> [(name: String, layer: Linear, adapter: LoRALinear)] {
        model.linearLayers.compactMap { name, layer in
            (layer.adapter as? LoRACarrier)?.lora.map { (name, layer, $0) }
        }
    }

    /// Adapter parameters with their PEFT file names
    /// ("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").
    /// With `config`, also the modules it saves, under PEFT's names for them
    /// ("base_model.model.transformer.wte.weight"). GPT-2's output layer is `wte` itself; PEFT
    /// keeps `lm_head` as a module of its own, so a saved `wte` is listed a second time as
    /// "base_model.model.lm_head.weight" (the same tensor).
    public static func namedParameters(of model: GPT, config: LoRAConfig? = nil) -> [(String, Variable)] {
        var out: [(String, Variable)] = adapters(of: model).flatMap { name, _, a in
            a.namedParameters.map { ("base_model.model.transformer.\(name).\($0.0)", $0.1) }
        }
        for (name, p) in model.namedParameters where config?.savesModule(name) ?? false {
            out.append(("base_model.model.transformer.\(name)", p))
            if name == "wte.weight" { out.append((tiedOutputName, p)) }
        }
        return out
    }

    /// PEFT's name for the output layer GPT-2 ties to `wte`.
    public static let tiedOutputName = "base_model.model.lm_head.weight"

    /// Adds every adapter's update into its base weight (W ← W + s·(BA)ᵀ): the model is then
    /// a plain GPT-2 again, as fast as the base, and can be saved as an ordinary checkpoint.
    /// (Only plain LoRA layers: a QLoRA layer has no Float32 weight to merge into.)
    public static func merge(_ model: GPT) {
        for (_, layer, a) in adapters(of: model) where layer.adapter === a { a.merge(into: layer) }
    }

    /// Subtracts the updates again (adapters become active and trainable once more).
    public static func unmerge(_ model: GPT) {
        for (_, layer, a) in adapters(of: model) where layer.adapter === a { a.unmerge(from: layer) }
    }

    /// Removes the adapters (after `merge`, the merged weights stay) and makes the base
    /// parameters trainable again.
    public static func detach(_ model: GPT) {
        for (_, layer) in model.linearLayers where layer.adapter is LoRALinear { layer.adapter = nil }
        for (_, p) in model.namedParameters { p.requiresGrad = true }
    }
}

/// An adapter that carries a LoRA update: a plain LoRA layer, or a layer that computes its
/// base product another way (QLoRA's 4-bit weights) with LoRA on top.
public protocol LoRACarrier: LinearAdapter {
    var lora: LoRALinear? { get }
}

extension LoRALinear: LoRACarrier {
    public var lora: LoRALinear? { self }
}
