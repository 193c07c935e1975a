import Autograd
import Core
import Foundation
import LoRA
import Transformer

/// `--lora` for Chapter 8: DPO trains LoRA adapters (Chapter 4) instead of every weight, as
/// people usually run it. The reference is the SFT model itself, so nothing else changes.
enum DPOAdapters {
    /// Rank 16 on every linear layer: a small model needs more than PEFT's default c_attn-only
    /// adapters to move its replies (Chapter 4's study shows the same for SFT).
    static let config = LoRAConfig(rank: 16, alpha: 32, dropout: 0, targets: LoRAConfig.allLinear)

    /// The parameters to train: nil (every weight) without LoRA, else fresh adapters' A and B.
    /// `frozenEmbeddings`: every weight but the token embedding, which GPT-2 ties to the output
    /// layer, so that lowering a number's output logit cannot move the row the model reads that
    /// number with in the facts block.
    static func trainableParameters(_ model: GPT, lora: LoRAConfig?, seed: UInt64, frozenEmbeddings: Bool = false) throws -> [Variable]? {
        if frozenEmbeddings && lora == nil { return model.namedParameters.filter { $0.0 != "wte.weight" }.map(\.1) }
        guard let lora else { return nil }
        return LoRA.attach(to: model, config: lora, seed: seed)
    }

    /// After training: the adapters are saved in PEFT's layout (dir/adapter/), then merged into
    /// the weights so evaluation and the saved model run at the base model's speed.
    static func finish(_ model: GPT, lora: LoRAConfig?, dir: URL) throws {
        guard let lora else { return }
        try LoRA.save(model, config: lora, to: dir.appendingPathComponent("adapter"))
        LoRA.merge(model)
        LoRA.detach(model)
    }
}
