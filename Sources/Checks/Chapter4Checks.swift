import Autograd
import Core
import Exercises
import Foundation
import LoRA
import Solutions
import Transformer

/// The functions of Chapter 4's exercises, as one table (learner / reference / mutant).
struct Chapter4Functions {
    var forward: (Tensor, Tensor, Tensor, Tensor, Tensor, Float) throws -> Tensor
    var gradients: (Tensor, Tensor, Tensor, Float, Tensor) throws -> (a: Tensor, b: Tensor)
    var merge: (Tensor, Tensor, Tensor, Float, Tensor?) throws -> Tensor
    var dora: (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Float) throws -> Tensor
    var plan: ([(name: String, inFeatures: Int, outFeatures: Int)], [String], [Int]?, Int) throws -> (adapted: [String], trainable: Int)

    static var learner: Chapter4Functions { Chapter4Functions(
        forward: { try Exercises.loraForward(x: $0, weight: $1, bias: $2, a: $3, b: $4, scaling: $5) },
        gradients: { try Exercises.loraGradients(x: $0, a: $1, b: $2, scaling: $3, outputGradient: $4) },
        merge: { try Exercises.mergeAdapter(weight: $0, a: $1, b: $2, scaling: $3, magnitude: $4) },
        dora: { try Exercises.doraForward(x: $0, weight: $1, bias: $2, a: $3, b: $4, magnitude: $5, scaling: $6) },
        plan: { try Exercises.loraPlan(layers: $0, targets: $1, layersToTransform: $2, rank: $3) }) }

    static var reference: Chapter4Functions { Chapter4Functions(
        forward: { try Solutions.loraForward(x: $0, weight: $1, bias: $2, a: $3, b: $4, scaling: $5) },
        gradients: { try Solutions.loraGradients(x: $0, a: $1, b: $2, scaling: $3, outputGradient: $4) },
        merge: { try Solutions.mergeAdapter(weight: $0, a: $1, b: $2, scaling: $3, magnitude: $4) },
        dora: { try Solutions.doraForward(x: $0, weight: $1, bias: $2, a: $3, b: $4, magnitude: $5, scaling: $6) },
        plan: { try Solutions.loraPlan(layers: $0, targets: $1, layersToTransform: $2, rank: $3) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter4Functions {
        var f = reference
        switch id {
        case "4.1": f.forward = { x, w, bias, a, b, _ in try reference.forward(x, w, bias, a, b, 1) }   // forgets s
        case "4.2": f.gradients = { x, a, b, s, g in  // scales dB but not dA
            let r = try reference.gradients(x, a, b, s, g); r.a.scale(by: 1 / s); return r
        }
        case "4.3": f.merge = { w, a, b, s, m in  // DoRA's length taken along each row of the [in, out] weight (PEFT's dim = 1 without the transpose)
            guard let m, w.shape[0] == w.shape[1] else { return try reference.merge(w, a, b, s, m) }
            let n = w.shape[0], out = try reference.merge(w, a, b, s, nil)
            for i in 0..<n {
                var norm: Float = 0
                for j in 0..<n { norm += out[i * n + j] * out[i * n + j] }
                for j in 0..<n { out[i * n + j] *= m[i] / norm.squareRoot() }
            }
            return out
        }
        case "4.4": f.dora = { x, w, bias, a, b, m, s in  // normalises by ‖W‖ instead of ‖W + ΔW‖
            let merged = try reference.merge(w, a, b, s, nil)
            var ratio = [Float](repeating: 0, count: w.shape[1])
            for j in 0..<w.shape[1] {
                var n0: Float = 0, n1: Float = 0
                for i in 0..<w.shape[0] { n0 += w[i * w.shape[1] + j] * w[i * w.shape[1] + j]; n1 += merged[i * w.shape[1] + j] * merged[i * w.shape[1] + j] }
                ratio[j] = (n1 / n0).squareRoot()
            }
            let y = try reference.dora(x, w, bias, a, b, m, s)
            for r in 0..<x.shape[0] { for j in 0..<w.shape[1] { y[r * w.shape[1] + j] = (y[r * w.shape[1] + j] - bias[j]) * ratio[j] + bias[j] } }
            return y
        }
        case "4.5": f.plan = { layers, targets, blocks, r in   // a block found by a name prefix: h.1 also keeps h.10 and h.11
            let hit = layers.filter { l in
                guard targets.contains(l.name) || targets.contains(where: { l.name.hasSuffix("." + $0) }) else { return false }
                guard let blocks, !blocks.isEmpty, !targets.contains(l.name) else { return true }
                return blocks.contains { l.name.hasPrefix("h.\($0)") }
            }
            return (hit.map(\.name), hit.reduce(0) { $0 + r * ($1.inFeatures + $1.outFeatures) })
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter4Functions {
        let f: Chapter4Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}

/// A Conv1D layer [in, out] with a LoRA adapter of rank r whose A, B are random (B ≠ 0).
func loraLayer(_ inF: Int, _ outF: Int, rank r: Int, alpha: Float, dora: Bool = false, _ rng: inout SeededRandom) -> (Linear, LoRALinear) {
    let layer = Linear(inF, outF, std: 0.5, rng: &rng)
    for j in 0..<outF { layer.bias.value[j] = rng.normal() * 0.1 }
    let adapter = LoRALinear(inFeatures: inF, outFeatures: outF, config: LoRAConfig(rank: r, alpha: alpha), rng: &rng)
    for i in 0..<adapter.B.value.count { adapter.B.value[i] = rng.normal() * 0.5 }
    if dora {
        adapter.enableDoRA(weight: layer.weight.value)
        for j in 0..<outF { adapter.magnitude!.value[j] *= 1 + 0.3 * rng.normal() }
    }
    layer.adapter = adapter
    return (layer, adapter)
}

/// A merged weight [in, out] against the expected one; the first wrong element is named by its
/// input row i and output column j.
private func expectWeight(_ got: Tensor, _ expected: Tensor, tolerance: Float, _ what: String) throws {
    try Expect.shape(got.shape, expected.shape, "\(what): merged weight")
    let outF = expected.shape[1]
    for n in 0..<expected.count where !(abs(got[n] - expected[n]) <= tolerance * max(1, abs(expected[n]))) {
        throw CheckFailure("\(what): element (i \(n / outF), j \(n % outF)) expected \(expected[n]), got \(got[n])")
    }
}

extension Catalogue {
    static let chapter4: [Exercise] = [
        Exercise("4.1", "The LoRA forward pass", file: "exercises/04-lora/LoRAForward.swift", symbol: "loraForward", hints: [
            "Two parts per row: the frozen x W + b, and the adapter s · B (A x). Add them.",
            "h = A x has r values: h[k] = Σ_i a[k*in + i] · x[n*in + i]. Then u[j] = Σ_k b[j*r + k] · h[k].",
            "W is stored [in, out] (Conv1D), A [r, in] and B [out, r]: mind which index runs fastest in each. The scaling multiplies the adapter's part only.",
        ]) { flavor in
            let f = Chapter4Functions.table(flavor, "4.1")
            var rng = SeededRandom(seed: 41)
            for (inF, outF, r) in [(5, 7, 2), (6, 6, 3), (4, 9, 1)] {
                let (layer, adapter) = loraLayer(inF, outF, rank: r, alpha: 2.5 * Float(r), &rng)
                let x = randomTensor([3, inF], &rng)
                let got = try f.forward(x, layer.weight.value, layer.bias.value, adapter.A.value, adapter.B.value, adapter.scaling)
                try Expect.shape(got.shape, [3, outF], "y for x [3, \(inF)], W [\(inF), \(outF)], r = \(r)")
                let expected = noGrad { layer(Variable(x)).value }
                try Expect.close(got.array, expected.array, tolerance: 1e-4, "y (in \(inF), out \(outF), r \(r), s = \(adapter.scaling))")
            }
            // With B = 0 the adapter adds nothing.
            let (layer, adapter) = loraLayer(5, 4, rank: 2, alpha: 4, &rng)
            let x = randomTensor([2, 5], &rng)
            let got = try f.forward(x, layer.weight.value, layer.bias.value, adapter.A.value, Tensor(zeros: [4, 2]), 2)
            let base = noGrad { Variable.linear(Variable(x), layer.weight, layer.bias).value }
            try Expect.close(got.array, base.array, tolerance: 1e-5, "y with B = 0 (must equal x W + b)")
        },
        Exercise("4.2", "Gradients of A and B", file: "exercises/04-lora/LoRAGradients.swift", symbol: "loraGradients", hints: [
            "Recompute h = A x per row; the gradient arriving at h is (gB)[k] = Σ_j g[n,j] · B[j,k].",
            "dB[j,k] accumulates s · g[n,j] · h[k] and dA[k,i] accumulates s · (gB)[k] · x[n,i], summed over rows n.",
            "Both gradients carry the factor s; with B = 0, dA must come out exactly zero.",
        ]) { flavor in
            let f = Chapter4Functions.table(flavor, "4.2")
            var rng = SeededRandom(seed: 42)
            for (inF, outF, r, zeroB) in [(5, 7, 2, false), (4, 3, 3, false), (6, 5, 2, true)] {
                let (_, adapter) = loraLayer(inF, outF, rank: r, alpha: 3 * Float(r), &rng)
                if zeroB { adapter.B.value.fill(0) }
                let x = randomTensor([4, inF], &rng), g = randomTensor([4, outF], &rng)
                let (ga, gb) = try f.gradients(x, adapter.A.value, adapter.B.value, adapter.scaling, g)
                try Expect.shape(ga.shape, [r, inF], "dA"); try Expect.shape(gb.shape, [outF, r], "dB")
                // Reference: the kit's autograd through the adapter's own update.
                adapter.A.grad = nil; adapter.B.grad = nil
                (adapter.update(Variable(x)) * Variable(g)).sum().backward()
                try Expect.close(ga.array, adapter.A.grad!.array, tolerance: 1e-4, "dL/dA (r \(r), s = \(adapter.scaling)\(zeroB ? ", B = 0" : ""))")
                try Expect.close(gb.array, adapter.B.grad!.array, tolerance: 1e-4, "dL/dB (r \(r), s = \(adapter.scaling))")
            }
        },
        Exercise("4.3", "Merge an adapter into its layer, LoRA or DoRA", file: "exercises/04-lora/MergeAdapter.swift", symbol: "mergeAdapter", hints: [
            "Two steps: add the LoRA update into a copy of the weight; then, for DoRA only, rescale every output's column of that sum.",
            "The update for Conv1D element (i, j) is s · Σ_k B[j, k] · A[k, i]; DoRA's column j becomes m[j] · W'[:, j] / √(Σ_i W'[i, j]²), with W' the weight after the update.",
            "The length runs over the inputs i for one output j, down a column of the [in, out] weight, not along its row, and it is taken after the update is added, not before. Test yourself: with B = 0 and m equal to the column lengths of W, both merges return W.",
        ]) { flavor in
            let f = Chapter4Functions.table(flavor, "4.3")
            // The worked example: W = I, A = [[0.5, −0.5]], B = [[2], [1]], s = 2 (the book's).
            let (w0, a0, b0) = (Tensor([2, 2], [1, 0, 0, 1]), Tensor([1, 2], [0.5, -0.5]), Tensor([2, 1], [2, 1]))
            try expectWeight(try f.merge(w0, a0, b0, 2, nil), Tensor([2, 2], [3, 1, -2, 0]), tolerance: 1e-6,
                             "LoRA merge of W = I, A = [[0.5, −0.5]], B = [[2], [1]], s = 2 (W + s·(BA)ᵀ)")
            let c = 1 / Float(13).squareRoot()
            try expectWeight(try f.merge(w0, a0, b0, 2, Tensor([2], [1, 1])), Tensor([2, 2], [3 * c, 1, -2 * c, 0]), tolerance: 1e-6,
                             "DoRA merge of the same adapter with m = [1, 1] (columns of W + s·(BA)ᵀ: (3, −2) of length √13 and (1, 0))")
            // Random layers, LoRA and DoRA, against the kit's merge of the same adapter; the
            // merged layer must compute what the adapted one did.
            var rng = SeededRandom(seed: 43)
            for (inF, outF, r, dora) in [(5, 7, 2, false), (6, 6, 3, false), (8, 3, 4, false), (5, 7, 2, true), (6, 6, 3, true), (4, 9, 1, true)] {
                let (layer, adapter) = loraLayer(inF, outF, rank: r, alpha: 2 * Float(r), dora: dora, &rng)
                let w = layer.weight.value, before = w.array
                let m = adapter.magnitude?.value
                let what = "\(dora ? "DoRA" : "LoRA") merge, W [\(inF), \(outF)], r = \(r), s = \(adapter.scaling)"
                let got = try f.merge(w, adapter.A.value, adapter.B.value, adapter.scaling, m)
                try Expect.that(w.array == before, "\(what): the weight passed in was modified; return a merged copy")
                let x = randomTensor([3, inF], &rng)
                let adapted = noGrad { layer(Variable(x)).value }
                adapter.merge(into: layer)
                try expectWeight(got, w, tolerance: 1e-5, "\(what): against LoRALinear.merge")
                let merged = noGrad { Variable.linear(Variable(x), Variable(got), layer.bias).value }
                try Expect.close(merged.array, adapted.array, tolerance: 1e-4, "\(what): x·merged + b against the adapter's output")
            }
            // B = 0 and m at its init (the lengths of W's columns): both merges give W back.
            let (layer, adapter) = loraLayer(6, 4, rank: 2, alpha: 4, dora: true, &rng)
            let w = layer.weight.value
            adapter.B.value.fill(0)
            adapter.enableDoRA(weight: w)
            try expectWeight(try f.merge(w, adapter.A.value, adapter.B.value, adapter.scaling, nil), w, tolerance: 0,
                             "LoRA merge with B = 0 (must return W unchanged)")
            try expectWeight(try f.merge(w, adapter.A.value, adapter.B.value, adapter.scaling, adapter.magnitude!.value), w,
                             tolerance: 1e-6, "DoRA merge with B = 0 and m = the lengths of W's columns (must return W)")
            // An adapter saved for another layer: its shapes do not fit, and nothing may be merged.
            try Expect.refuses("4.3", "A [2, 4] for a weight [6, 4] (A must be [r, in])") {
                try f.merge(w, Tensor(zeros: [2, 4]), Tensor(zeros: [4, 2]), 1, nil).shape
            }
            try Expect.refuses("4.3", "B [2, 4] for a weight [6, 4] (B must be [out, r])") {
                try f.merge(w, Tensor(zeros: [2, 6]), Tensor(zeros: [2, 4]), 1, nil).shape
            }
            try Expect.refuses("4.3", "a magnitude of 6 values for a weight [6, 4] (one per output)") {
                try f.merge(w, Tensor(zeros: [2, 6]), Tensor(zeros: [4, 2]), 1, Tensor(zeros: [6])).shape
            }
        },
        Exercise("4.4", "DoRA: magnitude and direction", file: "exercises/04-lora/DoRAForward.swift", symbol: "doraForward", hints: [
            "Build W' = W + s·(BA)ᵀ as in 4.3, then the length of each of its columns j (over the inputs i).",
            "The norm is over W', the adapted weight, not over W: that is what makes the direction move.",
            "Each output j is x·W' divided by its column's norm and multiplied by magnitude[j]; the bias is added after the rescaling. Test yourself: with magnitude[j] = the norm of W′'s column j, DoRA equals plain LoRA.",
        ]) { flavor in
            let f = Chapter4Functions.table(flavor, "4.4")
            var rng = SeededRandom(seed: 44)
            for (inF, outF, r) in [(5, 7, 2), (6, 4, 3)] {
                let (layer, adapter) = loraLayer(inF, outF, rank: r, alpha: 2 * Float(r), dora: true, &rng)
                let x = randomTensor([3, inF], &rng)
                let got = try f.dora(x, layer.weight.value, layer.bias.value, adapter.A.value, adapter.B.value,
                                     adapter.magnitude!.value, adapter.scaling)
                try Expect.shape(got.shape, [3, outF], "DoRA output")
                let expected = noGrad { layer(Variable(x)).value }
                try Expect.close(got.array, expected.array, tolerance: 1e-4, "DoRA output (in \(inF), out \(outF), r \(r))")
            }
        },
        Exercise("4.5", "Which layers get an adapter, and what trains", file: "exercises/04-lora/TargetModules.swift", symbol: "loraPlan", hints: [
            "Two questions per layer: does a target select it, by its full name or by its ending, and is its block one of layersToTransform? Then add up the adapter sizes of the layers kept.",
            "A target matches when it is the whole name, or the end of the name right after a dot. The block is the number right after \"h\" in the name. An adapter of rank r trains r·in values in A and out·r in B.",
            "Compare whole parts of a name, never loose substrings: c_attn must not match a target attn, and block 1 must not match h.10. A target that names the layer in full ignores the block list, and an empty list means every block. Test yourself: a [128, 384] layer at rank 8 trains 4,096 values.",
        ]) { flavor in
            let f = Chapter4Functions.table(flavor, "4.5")
            // 12 blocks, so that block 1 and block 10 can be told apart.
            let model = GPT(GPTConfig(vocabSize: 16, contextLength: 8, embeddingSize: 8, layers: 12, heads: 2), seed: 1)
            let layers = model.linearLayers.map { (name: $0.0, inFeatures: $0.1.inFeatures, outFeatures: $0.1.outFeatures) }
            let cases: [([String], [Int]?)] = [
                (["c_attn"], nil), (["c_proj"], nil), (["mlp.c_proj"], nil), (["attn"], nil), (["c_fc", "attn.c_proj"], nil),
                (["h.1.mlp.c_fc"], nil), (["proj"], nil), (["0.attn.c_attn"], nil), (["c_attn"], []), (["c_attn"], [1]),
                (["c_proj", "c_fc"], [10, 11]), (["mlp.c_proj"], [0, 5, 40]), (["h.1.mlp.c_fc", "c_attn"], [3]), (["c_attn"], [12]),
            ]
            for (targets, blocks) in cases {
                let what = "target_modules \(targets)" + (blocks.map { ", layers_to_transform \($0)" } ?? "")
                for rank in [1, 4] {
                    let config = LoRAConfig(targets: targets, layersToTransform: blocks)
                    let chosen = layers.filter { config.isTarget($0.name) }
                    let expected = chosen.reduce(0) { $0 + rank * ($1.inFeatures + $1.outFeatures) }
                    let got = try f.plan(layers, targets, blocks, rank)
                    try Expect.that(got.adapted == chosen.map(\.name), "\(what): expected the layers \(chosen.map(\.name)), got \(got.adapted)")
                    try Expect.that(got.trainable == expected, "\(what), rank \(rank): expected \(expected) trainable values, got \(got.trainable)")
                }
            }
            // The chapter's numbers: c_attn of the default model, [128, 384], 4 blocks, rank 8;
            // and GPT-2 small's, [768, 2304].
            let four = (0..<4).map { (name: "h.\($0).attn.c_attn", inFeatures: 128, outFeatures: 384) }
            let all = try f.plan(four, ["c_attn"], nil, 8), top = try f.plan(four, ["c_attn"], [2, 3], 8)
            try Expect.that(all.trainable == 16_384, "c_attn [128, 384] in 4 blocks at rank 8: expected 16,384 trainable values, got \(all.trainable)")
            try Expect.that(top.adapted == ["h.2.attn.c_attn", "h.3.attn.c_attn"] && top.trainable == 8_192,
                            "c_attn [128, 384] in 4 blocks, layers_to_transform [2, 3], rank 8: expected h.2 and h.3 and 8,192 values, got \(top.adapted) and \(top.trainable)")
            let small = try f.plan([(name: "h.0.attn.c_attn", inFeatures: 768, outFeatures: 2304)], ["c_attn"], nil, 8)
            try Expect.that(small.trainable == 24_576, "GPT-2 small's c_attn at rank 8: expected 24,576 trainable values, got \(small.trainable)")
        },
    ]
}
