import Autograd
import Core
import Foundation
import LoRA
import Transformer

/// Turning a GPT-2 into a QLoRA model: every linear layer's weight to NF4 (the Float32 copy
/// dropped), LoRA adapters in Float32 on the target layers.
public enum QLoRA {
    // MARK: book qlora-attach
    /// Freezes the model, quantises the weight of every linear layer (as bitsandbytes' 4-bit
    /// loading does for every `Linear`), replaces each Float32 weight by an empty tensor, and
    /// puts LoRA adapters on the layers `config` targets. Returns the adapter parameters. The
    /// adapters are drawn in the same order from the same seed as `LoRA.attach`, so a LoRA
    /// and a QLoRA run with equal seeds start from identical A matrices.
    /// Biases, LayerNorms and the embeddings stay Float32 (frozen), as in QLoRA.
    @discardableResult
    public static func attach(to model: GPT, config: LoRAConfig, doubleQuantization: Bool = true,
                              seed: UInt64) -> [Variable] {
        precondition(!config.useDoRA, "QLoRA.attach: DoRA on 4-bit weights (QDoRA) is not implemented")
        LoRA.freezeBase(model)
        var rng = SeededRandom(seed: seed)
        var params: [Variable] = []
        for (name, layer) in model.linearLayers {
            precondition(layer.adapter == nil, "QLoRA.attach: \(name) already has an adapter")
            let w = layer.weight.value
            let q = NF4Tensor(w, doubleQuantization: doubleQuantization)
            let stats = QuantizationStats(original: w, quantized: q)
            var lora: LoRALinear? = nil
            if config.isTarget(name) {
                let a = LoRALinear(inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, config: config, rng: &rng)
                for (p, v) in a.namedParameters { v.name = "\(name).\(p)"; params.append(v) }
                lora = a
            }
            layer.adapter = QLoRALinear(weight: q, lora: lora, stats: stats)
            // Drop the Float32 weight: from here on the layer's weight exists only in 4 bits.
            layer.weight = Variable(Tensor(zeros: [0]), name: "\(name).weight (in NF4)")
        }
        precondition(!params.isEmpty, "QLoRA.attach: no layer matches the targets \(config.targets)")
        return params
    }
    // MARK: end

    /// The quantised layers with their names, in model order.
    public static func layers(of model: GPT) -> [(name: String, layer: Linear, adapter: QLoRALinear)] {
        model.linearLayers.compactMap { name, layer in (layer.adapter as? QLoRALinear).map { (name, layer, $0) } }
    }

    /// Exact storage of all quantised weights: bits and values.
    public static func quantizedStorage(of model: GPT) -> (bits: Int, parameters: Int) {
        layers(of: model).reduce((0, 0)) { ($0.0 + $1.adapter.weight.storageBits, $0.1 + $1.adapter.weight.count) }
    }

    /// Back to a plain Float32 model: each weight dequantised, the LoRA update merged in, the
    /// adapters removed, every parameter trainable again (to save an ordinary checkpoint).
    public static func mergeAndDequantize(_ model: GPT) {
        for (_, layer, q) in layers(of: model) {
            let w = q.weight.dequantized()
            if let lora = q.lora { _ = lora.deltaWeight(into: w) }
            layer.weight = Variable(w, requiresGrad: true)
            layer.adapter = nil
        }
        for (name, p) in model.namedParameters { p.requiresGrad = true; p.name = name }
    }

    /// Parameters as PEFT counts them for a 4-bit model: base values at their original count.
    public static func parameterReport(_ model: GPT) -> ParameterReport {
        var report = ParameterReport(model: model)
        let quantized = Dictionary(uniqueKeysWithValues: layers(of: model).map { ("\($0.name).weight", $0.adapter.weight) })
        for i in report.rows.indices {
            if let q = quantized[report.rows[i].name] {
                report.rows[i].shape = q.shape
                report.rows[i].count = q.count
            }
        }
        return report
    }
}
