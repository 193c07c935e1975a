import Autograd
import Core
import Transformer

extension LoRALinear {
    /// The adapted layer's product under `course run lora --mine`: the values from the
    /// learner's forward pass (exercise 4.1), the gradients of A and B from their gradient
    /// function (exercise 4.2). The gradient for the layer's input, which no exercise computes,
    /// comes from the kit's product with A and B held constant; it belongs to the learner's
    /// values because the two agree (checked on every call).
    func learnerProduct(_ x: Variable, base: Linear, _ forward: LoRAForwardFunction) -> Variable {
        guard let gradients = LearnerCode.function("loraGradients", as: LoRAGradientsFunction.self) else {
            fatalError("--mine installed the LoRA forward pass without its gradients (exercise 4.2)")
        }
        let (inF, outF, r) = (base.inFeatures, base.outFeatures, rank)
        let h = inputDropout(x)
        let w = base.weight.value
        let kit = Variable.loraProduct(x, adapterInput: h, inFeatures: inF, outFeatures: outF, withWeight: { body in body(w.data) },
                                       bias: base.bias, a: Variable(A.value), b: Variable(B.value), scaling: scaling)
        let rows = x.value.rows
        let (x2, h2) = (x.value.reshaped([rows, inF]), h.value.reshaped([rows, inF]))
        var y: Tensor
        if h === x {
            y = forward(x2, w, base.bias.value, A.value, B.value, scaling)
        } else {   // dropout on the adapter's input only: the frozen path and the adapter as two calls
            y = forward(x2, w, base.bias.value, Tensor(zeros: [r, inF]), Tensor(zeros: [outF, r]), scaling)
            y.add(forward(h2, Tensor(zeros: [inF, outF]), Tensor(zeros: [outF]), A.value, B.value, scaling))
        }
        let checked = kit.withLearnerValues(y, exercise: "4.1", what: "the LoRA layer's output", tolerance: 1e-3)
        let (a, b, s) = (A, B, scaling)
        return Variable(checked.value, parents: [checked, a, b], name: "lora_mine") { g in
            checked.accumulate(g.copy())
            let grads = gradients(h2, a.value, b.value, s, g.reshaped([rows, outF]))
            a.accumulate(grads.a)
            b.accumulate(grads.b)
        }
    }
}

// The shapes of the functions a learner plugs in with `course run lora --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias LoRAForwardFunction = (Tensor, Tensor, Tensor, Tensor, Tensor, Float) -> Tensor
public typealias LoRAGradientsFunction = (Tensor, Tensor, Tensor, Float, Tensor) -> (a: Tensor, b: Tensor)
public typealias LoRAPlanFunction = ([(name: String, inFeatures: Int, outFeatures: Int)], [String], [Int]?, Int)
    -> (adapted: [String], trainable: Int)
