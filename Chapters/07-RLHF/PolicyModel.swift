import Autograd
import Core
import Foundation
import Transformer

/// The value head of TRL's `AutoModelForCausalLMWithValueHead`: one linear layer from a final
/// hidden state to a scalar, the model's guess of the reward still to come from that point.
/// Stored like PyTorch's `nn.Linear(C, 1)` (weight [1, C]) under TRL's names
/// `v_head.summary.weight` / `v_head.summary.bias`, and initialised to zero, so the first
/// value estimates are 0 and cannot disturb the first updates.
public final class ValueHead {
    public let weight: Variable   // [1, C]
    public let bias: Variable     // [1]

    public init(embeddingSize: Int) {
        weight = Variable(Tensor(zeros: [1, embeddingSize]), requiresGrad: true, name: "v_head.summary.weight")
        bias = Variable(Tensor(zeros: [1]), requiresGrad: true, name: "v_head.summary.bias")
    }

    public var namedParameters: [(String, Variable)] {
        [("v_head.summary.weight", weight), ("v_head.summary.bias", bias)]
    }

    /// Hidden states [N, C] -> values [N].
    public func callAsFunction(_ hidden: Variable) -> Variable {
        let n = hidden.shape[0]
        return (Variable.matmul(hidden, weight, transposeB: true) + bias).reshaped([n])
    }
}

/// The PPO policy: the SFT model (its language-model head picks tokens) sharing its trunk with
/// a value head (which predicts returns), as in TRL's classic PPO. The GPT has no dropout, so
/// the log-probabilities of a rollout and of the update are computed by the same function.
public final class PolicyWithValue {
    public let model: GPT
    public let valueHead: ValueHead

    public init(model: GPT) {
        self.model = model
        valueHead = ValueHead(embeddingSize: model.config.embeddingSize)
    }

    public var parameters: [Variable] { model.parameters + valueHead.namedParameters.map(\.1) }

    /// Saves the GPT in Hugging Face layout (`model.safetensors`, loadable by every later
    /// chapter) and the value head beside it (`value_head.safetensors`, TRL's tensor names).
    public func save(directory: URL) throws {
        try model.save(directory: directory)
        try Safetensors.write(valueHead.namedParameters.map { (name: $0.0, tensor: $0.1.value) },
                              metadata: ["format": "pt"],
                              to: directory.appendingPathComponent("value_head.safetensors").path)
    }
}

/// A frozen copy of a model: same weights, no gradients (the PPO reference, π_ref).
public func frozenCopy(of model: GPT) -> GPT {
    let copy = GPT(model.config, seed: 0)
    for ((_, dst), (_, src)) in zip(copy.namedParameters, model.namedParameters) {
        dst.value.data.update(from: src.value.data, count: src.value.count)
        dst.requiresGrad = false
    }
    return copy
}
