import Core
import Foundation

/// What to adapt and how, with PEFT's defaults (`LoraConfig`): rank 8, alpha 8, no dropout,
/// GPT-2's attention input projection `c_attn` as the only target.
///
/// The update added to a layer is ΔW = scaling · B A with A [r, in] and B [out, r], so the
/// number of trainable values per layer is r · (in + out) instead of in · out.
public struct LoRAConfig: Codable, Sendable, Equatable {
    /// r: the rank of the update (the inner size of B A).
    public var rank: Int
    /// alpha: the update is scaled by alpha / r (or alpha / √r with rsLoRA), so changing r does
    /// not change the size of the update at init-equivalent learning rates.
    public var alpha: Float
    /// Dropout on the adapter's input only (the frozen path sees the undropped x), as PEFT does.
    public var dropout: Float
    /// Module-name suffixes, matched like PEFT: a layer "h.0.mlp.c_proj" is a target when a
    /// target equals its name or its name ends with "." + target ("c_proj" matches attn.c_proj
    /// and mlp.c_proj; "mlp.c_proj" only the MLP's).
    public var targets: [String]
    /// rsLoRA (Kalajdzievski 2023): scaling alpha / √r, which keeps the update's scale stable
    /// as r grows.
    public var useRSLoRA: Bool
    /// DoRA (Liu et al. 2024): a trainable magnitude per output feature on top of the
    /// direction W + s·BA (see `DoRA.swift`).
    public var useDoRA: Bool
    /// PEFT's `modules_to_save`: modules trained in full next to the adapters, e.g. "wte"
    /// when the chat template's tokens are new to the base model (pretraining only ever
    /// taught their rows not to be predicted). Our GPT ties `wte` to the output layer, so the
    /// trained table serves both ends.
    public var modulesToSave: [String]
    /// PEFT's `layers_to_transform`: only the blocks h.<i> whose i is listed get adapters (nil
    /// or empty: every block), e.g. the top blocks only. As in PEFT it filters the layers a
    /// target selects by the end of their name; a target naming a layer in full
    /// ("h.0.mlp.c_fc") selects that layer whatever its block.
    public var layersToTransform: [Int]?

    public init(rank: Int = 8, alpha: Float = 8, dropout: Float = 0, targets: [String] = ["c_attn"],
                useRSLoRA: Bool = false, useDoRA: Bool = false, modulesToSave: [String] = [], layersToTransform: [Int]? = nil) {
        (self.rank, self.alpha, self.dropout, self.targets) = (rank, alpha, dropout, targets)
        (self.useRSLoRA, self.useDoRA, self.modulesToSave) = (useRSLoRA, useDoRA, modulesToSave)
        self.layersToTransform = layersToTransform
    }

    /// Whether a base parameter ("wte.weight", "ln_f.bias") belongs to a module to save.
    public func savesModule(_ parameterName: String) -> Bool {
        modulesToSave.contains { parameterName.hasPrefix($0 + ".") }
    }

    /// Every linear layer of GPT-2: attention in/out projections and both MLP layers.
    public static let allLinear = ["c_attn", "c_proj", "c_fc"]

    // MARK: book lora-scaling
    /// s = alpha / r, or alpha / √r with rsLoRA.
    public var scaling: Float {
        useRSLoRA ? alpha / Float(rank).squareRoot() : alpha / Float(rank)
    }
    // MARK: end

    /// PEFT's rule for a list of target names: exact match or a ".name" suffix, the latter
    /// only in the blocks of `layersToTransform` when it lists any. Names may be given with or
    /// without the `transformer.` prefix of the Hugging Face model.
    public func isTarget(_ layerName: String) -> Bool {
        KitAnswer.used("LoRAConfig.isTarget", answers: "4.5")
        if let mine = LearnerCode.function("loraPlan", as: LoRAPlanFunction.self) {
            return mine([(layerName, 0, 0)], targets, layersToTransform, rank).adapted == [layerName]
        }
        let full = "transformer." + layerName
        if targets.contains(where: { layerName == $0 || full == $0 }) { return true }
        guard targets.contains(where: { layerName.hasSuffix("." + $0) || full.hasSuffix("." + $0) }) else { return false }
        guard let blocks = layersToTransform, !blocks.isEmpty else { return true }
        return Self.blockIndex(layerName).map(blocks.contains) ?? false
    }

    /// The block of a layer: "h.3.attn.c_attn" → 3, the number after GPT-2's block list "h"
    /// (PEFT's `layers_pattern`); nil for a name outside the blocks.
    public static func blockIndex(_ layerName: String) -> Int? {
        let parts = layerName.split(separator: ".", omittingEmptySubsequences: false)
        guard let h = parts.firstIndex(of: "h"), h + 2 < parts.count else { return nil }
        return Int(parts[h + 1])
    }

    /// Keys of the decoder that are not ours: Codable ignores unknown keys, and missing
    /// optional ones take the defaults, so older config files still load.
    enum CodingKeys: String, CodingKey { case rank, alpha, dropout, targets, useRSLoRA, useDoRA, modulesToSave, layersToTransform }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LoRAConfig()
        rank = try c.decodeIfPresent(Int.self, forKey: .rank) ?? d.rank
        alpha = try c.decodeIfPresent(Float.self, forKey: .alpha) ?? d.alpha
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? d.dropout
        targets = try c.decodeIfPresent([String].self, forKey: .targets) ?? d.targets
        useRSLoRA = try c.decodeIfPresent(Bool.self, forKey: .useRSLoRA) ?? false
        useDoRA = try c.decodeIfPresent(Bool.self, forKey: .useDoRA) ?? false
        modulesToSave = try c.decodeIfPresent([String].self, forKey: .modulesToSave) ?? []
        layersToTransform = try c.decodeIfPresent([Int].self, forKey: .layersToTransform)
    }
}
