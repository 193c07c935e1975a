import Autograd
import Core
import Foundation
import Transformer

extension Catalogue {
    static let chapter2: [Exercise] = [
        Exercise("2.1", "One round of BPE training", file: "exercises/02-transformer/BPETrainingRound.swift",
                 symbol: "bpeTrainingRound", hints: [
                    "Two passes over the words: the first counts every adjacent pair, the second rewrites each word with the winning pair merged.",
                    "A word that occurs c times adds c to a pair for each place the pair sits in it. The winner has the largest count; among equal counts the smaller left id wins, then the smaller right id, so the order a dictionary lists its entries in never decides.",
                    "The rewrite walks each word from the left and, on the pair, writes the new id and steps past both tokens. Test yourself on the book's corpus: the first round merges e and a, counted 14 times.",
                 ]) { flavor in
            let f = Chapter2Functions.table(flavor, "2.1")
            try checkTrainingRound(f.trainingRound)
        },
        Exercise("2.2", "The causal mask", file: "exercises/02-transformer/CausalMask.swift",
                 symbol: "applyCausalMask", hints: [
                    "Query i sits at position p = offset + i (offset = T_k − T_q, 0 without a cache) and may see key j when j ≤ p; with segments, only when key j also carries the same segment id as position p, in the same batch row.",
                    "Copy the scores, then walk the B · H blocks of T_q · T_k entries: block n belongs to batch row n / H, whose segment ids start at (n / H) · T_k. Overwrite every hidden entry with −∞.",
                    "Padding (segment −1) needs no case of its own: it is one more segment. Test yourself on a row packed as [0, 0, 1, 1]: which keys may query 2 see, and why not key 1?",
                 ]) { flavor in
            let f = Chapter2Functions.table(flavor, "2.2")
            // Worked by hand (x kept, . −∞): two examples of length 2 packed in one row of 4. Query 2
            // starts the second example, so it sees only itself; query 3 sees keys 2 and 3.
            try expectPattern(f.causalMask(Tensor(zeros: [1, 1, 4, 4]), [0, 0, 1, 1]), ["x...", "xx..", "..x.", "..xx"],
                              "[1, 1, 4, 4] scores packed as segments [0, 0, 1, 1]")
            // A KV cache: the newest query (position 4) sees all five keys; two queries over five
            // keys sit at positions 3 and 4.
            try expectPattern(f.causalMask(Tensor(zeros: [1, 5]), nil), ["xxxxx"], "[1, 5] scores (4 cached keys)")
            try expectPattern(f.causalMask(Tensor(zeros: [1, 1, 2, 5]), nil), ["xxxx.", "xxxxx"], "[1, 1, 2, 5] scores (3 cached keys)")
            // Against the kit, bit for bit, on random scores: single blocks, batches of heads with
            // cached keys, and packed rows with padding (−1) at the end.
            var rng = SeededRandom(seed: 22)
            let cases: [([Int], [Int]?)] = [
                ([4, 4], nil), ([1, 1], nil), ([2, 6], nil), ([3, 4], nil), ([2, 3, 4, 6], nil), ([2, 2, 1, 7], nil),
                ([2, 2, 5, 5], [0, 0, 0, 1, 1, 0, 1, 1, -1, -1]),
                ([3, 2, 6, 6], [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, -1, -1, -1, -1]),
                ([4, 3, 9, 9], randomPacking(rows: 4, length: 9, &rng)),
                ([2, 4, 16, 16], randomPacking(rows: 2, length: 16, &rng)),
            ]
            for (shape, segments) in cases {
                let scores = randomTensor(shape, &rng)
                let before = scores.array
                let got = try f.causalMask(scores, segments)
                let expected = noGrad { Variable(scores.copy()).causalMask(segments: segments).value }
                var what = "mask of \(shape) scores"
                if shape[shape.count - 1] > shape[shape.count - 2] { what += " (\(shape[shape.count - 1] - shape[shape.count - 2]) cached keys)" }
                if let segments { what += " with segments \(segments)" }
                try expectMasked(got, expected, what)
                try Expect.that(scores.array == before, "\(what): the input scores were modified; return a new tensor")
            }
        },
        Exercise("2.3", "Causal self-attention for one head", file: "exercises/02-transformer/AttentionHead.swift",
                 symbol: "attentionHead", hints: [
                    "Three steps per query row i: scores against keys 0...i, softmax of those, weighted sum of value rows.",
                    "Scale every dot product by 1 / √D; keys after i get weight 0, so just leave them out of the sums.",
                    "Subtract the row's largest score before exponentiating, so large scores cannot overflow. Test yourself: the first row's output is exactly v's first row.",
                 ]) { flavor in
            let f = Chapter2Functions.table(flavor, "2.3")
            // A hand-checkable case: row 0 can only see itself, so it must equal v[0].
            var rng = SeededRandom(seed: 23)
            let (q, k, v) = (randomTensor([6, 8], &rng, std: 1.5), randomTensor([6, 8], &rng, std: 1.5), randomTensor([6, 8], &rng))
            let got = try f.attentionHead(q, k, v)
            try Expect.shape(got.shape, [6, 8], "attention output")
            try Expect.close(Array(got.array[0..<8]), Array(v.array[0..<8]), tolerance: 1e-5,
                             "row 0 (position 0 attends only to itself, so it equals v[0])")
            try Expect.close(got.array, referenceAttention(q, k, v), tolerance: 1e-4,
                             "softmax(q kᵀ/√D + mask) v against the kit's Variable ops")
            // Your head, dropped into a real GPT block, must reproduce the kit's hidden states.
            try checkInsideGPT(f.attentionHead)
        },
        Exercise("2.4", "One KV-cache decoding step", file: "exercises/02-transformer/KVCacheStep.swift",
                 symbol: "kvCacheStep", hints: [
                    "Build the grown caches first ([t + 1, D]: old rows, then the new one), assign them to keys and values, then attend.",
                    "The new token attends to all t + 1 cached positions, itself included: no mask, but still the 1/√D scale.",
                    "The output is one row of D numbers: a softmax-weighted mix of the value rows. Test yourself: with an empty cache the output is the new token's own value row.",
                 ]) { flavor in
            let f = Chapter2Functions.table(flavor, "2.4")
            var rng = SeededRandom(seed: 24)
            let (t, d) = (7, 8)
            let (q, k, v) = (randomTensor([t, d], &rng, std: 1.5), randomTensor([t, d], &rng, std: 1.5), randomTensor([t, d], &rng))
            let full = referenceAttention(q, k, v)   // [T, D]: recomputing the whole prefix
            var keys = Tensor(zeros: [0, d]), values = Tensor(zeros: [0, d])
            for step in 0..<t {
                func row(_ x: Tensor) -> Tensor { x.slice(axis: 0, start: step, length: 1) }
                let out = try f.kvCacheStep(row(q), row(k), row(v), &keys, &values)
                try Expect.shape(keys.shape, [step + 1, d], "keys after step \(step)")
                try Expect.shape(values.shape, [step + 1, d], "values after step \(step)")
                try Expect.close(keys.array, Array(k.array[0..<((step + 1) * d)]), tolerance: 0, "cached keys after step \(step)")
                try Expect.close(values.array, Array(v.array[0..<((step + 1) * d)]), tolerance: 0, "cached values after step \(step)")
                try Expect.that(out.count == d, "output of step \(step): expected \(d) values, got \(out.count)")
                try Expect.close(out.array, Array(full[(step * d)..<((step + 1) * d)]), tolerance: 1e-4,
                                 "output of step \(step) (cached) against row \(step) of the full causal attention")
            }
        },
        Exercise("2.5", "One sampling step", file: "exercises/02-transformer/SamplingStep.swift",
                 symbol: "sampleNextToken", hints: [
                    "Four stages, each on the output of the one before: softmax(logits / T) with the largest subtracted, top-k, top-p, then the draw. Temperature 0 skips them all: return the argmax.",
                    "Top-k and top-p are the same move with a different stopping rule: sort the ids by probability (lower id on ties), keep a prefix, zero the rest, divide by the kept sum. Top-p measures its total on what top-k left, after renormalising.",
                    "The draw walks the ids in id order, not the sorted order, and a target exactly on a boundary belongs to the next token. Test yourself on logits 1, 3, 3, 0, 2 with top-k 2: u of one half must give id 2.",
                 ]) { flavor in
            let f = Chapter2Functions.table(flavor, "2.5")
            try checkSampling(f.sampleNextToken)
        },
        Exercise("2.6", "The load plan of a Hugging Face checkpoint", file: "exercises/02-transformer/HuggingFaceLoadPlan.swift",
                 symbol: "loadPlan", hints: [
                    "Go through the checkpoint tensor by tensor: strip the prefix, skip what is not a parameter, check the rest against the parameters. The parameters nobody filled show only at the end.",
                    "Keep the parameters' shapes in a dictionary by name. A mask buffer is a name whose last two dot-separated parts are attn and bias (or masked_bias); a plain suffix test for attn.bias also catches c_attn.bias.",
                    "Every misfit is thrown, never skipped: a tensor that is no parameter, a shape that differs, a parameter filled twice or not at all. Test yourself: a file whose c_attn weight is stored transposed must be refused, naming both shapes.",
                 ]) { flavor in
            let f = Chapter2Functions.table(flavor, "2.6")
            try checkLoadPlan(f.loadPlan)
        },
    ]
}

// MARK: - Helpers

func randomTensor(_ shape: [Int], _ rng: inout SeededRandom, std: Float = 1) -> Tensor {
    let t = Tensor(zeros: shape)
    for i in 0..<t.count { t[i] = rng.normal() * std }
    return t
}

/// softmax(q kᵀ/√D + causal mask) v for one head, q, k, v [T, D], with the kit's Variable ops
/// (the same calls as `CausalSelfAttention`).
func referenceAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor) -> [Float] {
    noGrad {
        let d = Float(q.shape[1])
        let w = Variable.matmul(Variable(q), Variable(k), transposeB: true, alpha: 1 / d.squareRoot()).causalMask().softmax()
        return Variable.matmul(w, Variable(v)).value.array
    }
}

/// Element by element, with −∞ required exactly where the reference has it; the first wrong
/// entry is named by (b, h, i, j) for [B, H, T_q, T_k] scores, by (i, j) for one block.
private func expectMasked(_ got: Tensor, _ expected: Tensor, _ what: String) throws {
    try Expect.shape(got.shape, expected.shape, what)
    let rank = expected.shape.count, tq = expected.shape[rank - 2], tk = expected.shape[rank - 1]
    let heads = rank == 4 ? expected.shape[1] : 1
    for n in 0..<expected.count {
        let (g, e) = (got[n], expected[n])
        if g == e { continue }   // also −∞ where −∞ is expected
        let (block, i, j) = (n / (tq * tk), n / tk % tq, n % tk)
        let at = rank == 4 ? "(b \(block / heads), h \(block % heads), i \(i), j \(j))" : "(i \(i), j \(j))"
        try Expect.that(false, "\(what) at \(at): expected \(e == -.infinity ? "-inf (hidden from this query)" : "\(e) (kept)"), got \(g)")
    }
}

/// A [T_q, T_k] mask pattern (the only block, or block 0 of [1, 1, T_q, T_k]) against rows
/// drawn as text: "x" a kept score, "." −∞.
private func expectPattern(_ got: Tensor, _ rows: [String], _ what: String) throws {
    let tq = rows.count, tk = rows[0].count
    try Expect.that(got.count == tq * tk, "\(what): expected \(tq * tk) scores, got shape \(got.shape)")
    let drawn = (0..<tq).map { i in String((0..<tk).map { j in got[i * tk + j] == -.infinity ? "." : "x" }) }
    try Expect.that(drawn == rows, "\(what) (x kept, . −∞): expected rows \(rows), got \(drawn)")
}

/// Segment ids of `rows` packed rows of `length` positions, [rows · length]: examples of random
/// lengths 1...5 numbered from 0 in each row, then 0 to 3 positions of padding (−1).
private func randomPacking(rows: Int, length: Int, _ rng: inout SeededRandom) -> [Int] {
    var ids: [Int] = []
    for _ in 0..<rows {
        let used = length - Int(rng.next() % 4)
        var row: [Int] = [], example = 0
        while row.count < used {
            row += Array(repeating: example, count: min(1 + Int(rng.next() % 5), used - row.count))
            example += 1
        }
        ids += row + Array(repeating: -1, count: length - used)
    }
    return ids
}

/// Exercise 2.5: hand-worked draws first (each of temperature, top-k and top-p decides one of
/// them, and some u fall exactly on a boundary), then the kit's own sampler as the judge, on
/// random logits and inside `GPT.generate`.
private func checkSampling(_ sample: @escaping ([Float], Float, Int, Float, Float) throws -> Int) throws {
    func show(_ logits: [Float], _ t: Float, _ k: Int, _ p: Float, _ u: Float) -> String {
        let shown = logits.count <= 8 ? "\(logits)" : "\(logits.count) random logits"
        return "\(shown), temperature \(t), top-k \(k), top-p \(p), u = \(u)"
    }
    // Softmax of [1, 3, 3, 0, 2] ≈ 0.053, 0.392, 0.392, 0.020, 0.144 (cumulative in id order
    // 0.053, 0.445, 0.836, 0.856, 1). Top-k 2 keeps ids 1 and 2 at exactly 0.5 each; top-k 3
    // gives 0.422, 0.422, 0.155 to ids 1, 2, 4, so top-p 0.8 after it keeps only ids 1 and 2.
    // Temperature 0.5 sharpens (0.464, 0.464, 0.063 for ids 1, 2, 4), 2 flattens (id 0: 0.115).
    let w: [Float] = [1, 3, 3, 0, 2]
    let worked: [(Float, Int, Float, Float, Int, String)] = [
        (0, 0, 1, 0.7, 1, "greedy: the first of the two largest logits"),
        (1, 0, 1, 0.01, 0, "no filter: the draw walks ids in id order"),
        (1, 0, 1, 0.5, 2, "no filter"),
        (1, 0, 1, 0.845, 3, "no filter: id 3's thin slice, 0.836 to 0.856"),
        (1, 0, 1, 0.99, 4, "no filter"),
        (2, 0, 1, 0.1, 0, "temperature 2 flattens: id 0 holds 0.115"),
        (1, 2, 1, 0, 1, "top-k 2: id 0 is zeroed and cannot be drawn, even at u = 0"),
        (1, 2, 1, 0.3, 1, "top-k 2"),
        (1, 2, 1, 0.5, 2, "top-k 2: u exactly on the boundary between 0.5 and 0.5 belongs to the next token"),
        (1, 2, 1, 0.99999994, 2, "top-k 2: the largest u below 1"),
        (1, 3, 1, 0.9, 4, "top-k 3 alone keeps id 4 (0.845 to 1)"),
        (1, 3, 0.8, 0.9, 2, "top-k 3, then top-p 0.8 on the renormalised 0.422, 0.422, 0.155: ids 1 and 2 reach 0.845"),
        (1, 0, 0.9, 0.95, 4, "top-p 0.9 keeps ids 1, 2 and 4 (0.392 + 0.392 falls short)"),
        (0.5, 0, 0.9, 0.95, 2, "temperature 0.5, then top-p 0.9: ids 1 and 2 already reach 0.928"),
    ]
    for (t, k, p, u, expected, why) in worked {
        let got = try sample(w, t, k, p, u)
        try Expect.that(got == expected, "sampling \(show(w, t, k, p, u)): expected token \(expected), got \(got) (\(why))")
    }
    // Logits in the hundreds: exp overflows unless the largest is subtracted first.
    for (logits, t, u, expected) in [([1000, 999, 998, -1000] as [Float], Float(1), Float(0.7), 1), ([60, 61, 59], 0.5, 0.5, 1),
                                      ([-500, -501, -499.5], 1, 0.9, 2)] {
        let got = try sample(logits, t, 0, 1, u)
        try Expect.that(got == expected, "sampling \(show(logits, t, 0, 1, u)): expected token \(expected), got \(got) (large logits)")
    }
    // Round-off: unfiltered, these probabilities add up to 0.9999999 in Float, so a walk that
    // sums in Float can pass its last id below u = 0.99999994; the last kept id is the answer.
    let roundOff: [Float] = [0, 0.7, 0.3, 1.1]
    for (k, expected) in [(0, 3), (2, 3), (3, 3)] {
        let got = try sample(roundOff, 1, k, 1, 0.99999994)
        try Expect.that(got == expected, "sampling \(show(roundOff, 1, k, 1, 0.99999994)): expected token \(expected), got \(got) (the largest u below 1)")
    }
    // Against the kit: `Sampler.sample` draws u with `rng.uniform()` (none when greedy), so the
    // same u passed to your step must give the same token. Some logits are whole numbers, so
    // that ties (and the lower-id rule) matter.
    var rng = SeededRandom(seed: 25)
    for trial in 0..<200 {
        let v = 2 + rng.int(40)
        let ties = trial % 3 == 0
        let logits = (0..<v).map { _ in ties ? (rng.normal() * 2).rounded() : rng.normal() * 3 }
        let o = SamplingOptions(temperature: [0, 0.3, 0.7, 1, 1.5][trial % 5], topK: [0, 1, 3, 10, v, v + 5][rng.int(6)],
                                topP: [0.3, 0.8, 0.95, 1, 1.5][rng.int(5)])
        var kitRng = rng, draw = rng
        let expected = logits.withUnsafeBufferPointer { Sampler.sample($0, o, rng: &kitRng) }
        let u: Float = o.temperature == 0 ? 0 : draw.uniform()
        let got = try sample(logits, o.temperature, o.topK, o.topP, u)
        try Expect.that(got == expected, "sampling \(show(logits, o.temperature, o.topK, o.topP, u)): the kit's sampler picks token \(expected), yours \(got)")
        rng = kitRng
    }
    // Inside generation: a small GPT continues a prompt with your step choosing every token.
    // The hook cannot throw, so an error (or an id outside the vocabulary) is kept and reported.
    let model = GPT(GPTConfig(vocabSize: 48, contextLength: 40, embeddingSize: 16, layers: 1, heads: 2), seed: 5)
    var failure: Error?
    let step: SampleNextTokenFunction = { l, t, k, p, u in
        do {
            let id = try sample(l, t, k, p, u)
            if l.indices.contains(id) { return id }
            throw CheckFailure("sampling \(l.count) logits inside generation returned token \(id), outside 0..<\(l.count)")
        } catch {
            if failure == nil { failure = error }
            return 0
        }
    }
    for o in [SamplingOptions(temperature: 0.8, topK: 40), SamplingOptions(temperature: 1.2, topK: 8, topP: 0.9), .greedy] {
        var a = SeededRandom(seed: 9), b = SeededRandom(seed: 9)
        let expected = model.generate(prompt: [1, 2, 3], maxNewTokens: 30, options: o, rng: &a)
        let got = LearnerCode.$installed.withValue(LearnerCode.Table(["sampleNextToken": step])) {
            model.generate(prompt: [1, 2, 3], maxNewTokens: 30, options: o, rng: &b)
        }
        if let failure { throw failure }
        try Expect.that(got == expected, "30 tokens generated with temperature \(o.temperature), top-k \(o.topK), top-p \(o.topP): the kit's sampler writes \(expected), yours \(got)")
    }
}

/// Recomputes a one-block GPT's hidden states with `head` in place of the kit's attention and
/// compares them with `GPT.hidden`. The query/key weights are scaled up so the attention is
/// far from uniform and every detail of the head shows in the result.
private func checkInsideGPT(_ head: (Tensor, Tensor, Tensor) throws -> Tensor) throws {
    let config = GPTConfig(vocabSize: 32, contextLength: 16, embeddingSize: 16, layers: 1, heads: 2)
    let model = GPT(config, seed: 7)
    let block = model.blocks[0]
    let (c, d, t) = (config.embeddingSize, config.headSize, 9)
    let w = block.attn.cAttn.weight.value
    for i in 0..<w.count where i % (3 * c) < 2 * c { w[i] *= 25 }   // queries and keys only
    let ids = [3, 17, 5, 5, 30, 1, 9, 22, 14]
    try noGrad {
        let x = Variable.embedding(model.wte, ids: ids, shape: [1, t]) + Variable.embedding(model.wpe, ids: Array(0..<t), shape: [1, t])
        let qkv = block.attn.cAttn(block.ln1(x)).value.reshaped([t, 3 * c])   // [T, 3C]
        var outputs: [Tensor] = []
        for h in 0..<config.heads {
            let q = qkv.slice(axis: 1, start: h * d, length: d)
            let k = qkv.slice(axis: 1, start: c + h * d, length: d)
            let v = qkv.slice(axis: 1, start: 2 * c + h * d, length: d)
            let y = try head(q, k, v)
            try Expect.shape(y.shape, [t, d], "head \(h) output inside the GPT block")
            outputs.append(y)
        }
        let y = Variable(Tensor.concat(outputs, axis: 1).reshaped([1, t, c]))   // heads side by side
        let h = x + block.attn.cProj(y)
        let out = model.lnF(h + block.mlpProj(block.mlpFC(block.ln2(h)).gelu()))
        try Expect.close(out.value.array, model.hidden(ids, batch: 1).value.array, tolerance: 1e-4,
                         "hidden states of a GPT block using your attention heads, against GPT.hidden")
    }
}
