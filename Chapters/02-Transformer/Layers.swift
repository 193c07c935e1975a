import Autograd
import Core

/// Something that replaces or extends a linear layer's computation. LoRA (Chapter 4) adds a
/// low-rank update on top of the frozen weight; QLoRA (Chapter 5) computes the base product
/// from 4-bit weights. With no adapter a layer is the plain product.
public protocol LinearAdapter: AnyObject {
    /// y = f(x) for this layer; x [..., in] -> [..., out].
    func forward(_ x: Variable, base: Linear) -> Variable
    /// The adapter's own trainable parameters, named like PEFT's (relative to the layer).
    var namedParameters: [(String, Variable)] { get }
}

/// A Hugging Face "Conv1D" linear layer: y = x @ W + b with W [in, out], b [out].
public final class Linear {
    public var weight: Variable
    public var bias: Variable
    public var adapter: LinearAdapter?
    public let inFeatures: Int, outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, std: Float, rng: inout SeededRandom) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let w = Tensor(zeros: [inFeatures, outFeatures])
        for i in 0..<w.count { w.data[i] = rng.normal() * std }
        weight = Variable(w, requiresGrad: true)
        bias = Variable(Tensor(zeros: [outFeatures]), requiresGrad: true)
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        if let adapter { return adapter.forward(x, base: self) }
        return Variable.linear(x, weight, bias)
    }

    /// gelu(self(x)): fused into one operation (`Variable.linearGELU`) unless an adapter
    /// changes the product.
    public func gelu(_ x: Variable) -> Variable {
        if adapter != nil { return self(x).gelu() }
        return Variable.linearGELU(x, weight, bias)
    }
}

/// Layer normalisation with a learned scale (`weight`, 1 at init) and shift (`bias`, 0).
public final class LayerNorm {
    public let weight: Variable, bias: Variable
    public let eps: Float

    public init(_ size: Int, eps: Float) {
        weight = Variable(Tensor(repeating: 1, [size]), requiresGrad: true)
        bias = Variable(Tensor(zeros: [size]), requiresGrad: true)
        self.eps = eps
    }

    public func callAsFunction(_ x: Variable) -> Variable { x.layerNorm(gamma: weight, beta: bias, eps: eps) }
}
