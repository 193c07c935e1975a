import Core
import Exercises
import Foundation
import LoRA
import QLoRA
import Solutions
import Transformer

/// The functions of Chapter 5's exercises, as one table (learner / reference / mutant).
struct Chapter5Functions {
    var quantize: ([Float], [Float], Int) throws -> (packed: [UInt8], absmax: [Float])
    var dequantize: ([UInt8], Int, [UInt8], [Float], Float, [Float], [Float]) throws -> [Float]
    var doubleQuantize: ([Float], [Float]) throws -> (codes: [UInt8], scales: [Float], offset: Float)
    var storageBits: (Int, Bool) throws -> Int
    var plan: (GPTConfig, Int, [String]) throws -> MemoryPlanTotals

    static var learner: Chapter5Functions { Chapter5Functions(
        quantize: { try Exercises.nf4Quantize($0, code: $1, blockSize: $2) },
        dequantize: { try Exercises.nf4Dequantize(packed: $0, count: $1, scaleCodes: $2, groupScales: $3, offset: $4, code: $5, scaleCode: $6) },
        doubleQuantize: { try Exercises.doubleQuantize($0, code: $1) },
        storageBits: { try Exercises.nf4StorageBits(count: $0, doubleQuantization: $1) },
        plan: { try Exercises.trainingMemoryPlan($0, rank: $1, targets: $2) }) }

    static var reference: Chapter5Functions { Chapter5Functions(
        quantize: { try Solutions.nf4Quantize($0, code: $1, blockSize: $2) },
        dequantize: { try Solutions.nf4Dequantize(packed: $0, count: $1, scaleCodes: $2, groupScales: $3, offset: $4, code: $5, scaleCode: $6) },
        doubleQuantize: { try Solutions.doubleQuantize($0, code: $1) },
        storageBits: { try Solutions.nf4StorageBits(count: $0, doubleQuantization: $1) },
        plan: { try Solutions.trainingMemoryPlan($0, rank: $1, targets: $2) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter5Functions {
        var f = reference
        switch id {
        case "5.1": f.quantize = { v, c, size in  // the block count rounded down: a short last block is never quantised
            let whole = v.count / size * size
            var r = try reference.quantize(Array(v[..<whole]), c, size)
            r.packed += [UInt8](repeating: 0, count: (v.count + 1) / 2 - r.packed.count)
            return r
        }
        case "5.2": f.dequantize = { p, n, sc, gs, off, c, dc in  // forgets the offset of the scales
            try reference.dequantize(p, n, sc, gs, 0, c, dc)
        }
        case "5.3": f.doubleQuantize = { a, c in  // no mean subtraction
            var r = try reference.doubleQuantize(a.map { $0 - 0 }, c)
            let raw = a.chunks(256).map { $0.map(abs).max() ?? 0 }
            r.scales = raw
            r.codes = a.enumerated().map { i, v in
                let x = raw[i / 256] > 0 ? v / raw[i / 256] : 0
                return UInt8(c.indices.min { abs(x - c[$0]) < abs(x - c[$1]) }!)
            }
            r.offset = 0
            return r
        }
        case "5.4": f.plan = { config, r, targets in   // counts the tied output layer as a second V×C matrix
            let p = try reference.plan(config, r, targets), e = config.vocabSize * config.embeddingSize
            return (p.fullFineTuning + 16 * e, p.lora + 4 * e, p.qlora + 4 * e, p.qloraDoubleQuantization + 4 * e)
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter5Functions {
        let f: Chapter5Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}

extension Array {
    func chunks(_ n: Int) -> [ArraySlice<Element>] { stride(from: 0, to: count, by: n).map { self[$0..<Swift.min($0 + n, count)] } }
}

/// Blocks that exercise the rules: ties on midpoints (absmax 1), zero block, odd length, extremes.
func nf4TestBlocks(_ rng: inout SeededRandom) -> [(String, [Float])] {
    let mids = NF4.midpoints
    var ties: [Float] = [1] + mids + mids.map { $0.nextUp } + NF4.code
    ties += [Float](repeating: 0, count: 64 - ties.count)
    return [
        ("midpoint ties (absmax 1)", ties),
        ("normal values", (0..<64).map { _ in rng.normal() * 0.02 }),
        ("an all-zero block", [Float](repeating: 0, count: 64)),
        ("an odd-length block", (0..<37).map { _ in rng.normal() }),
        ("negative absmax", [-3, 1, 2.5, -0.2] + (0..<12).map { _ in rng.normal() }),
    ]
}

/// An NF4 quantisation of `values` against the expected one: the scales block by block, then the
/// codes; a wrong code is named by its position, its block and its byte.
private func expectNF4(_ got: (packed: [UInt8], absmax: [Float]), _ expected: (packed: [UInt8], absmax: [Float]),
                       _ values: [Float], _ blockSize: Int) throws {
    let what = values.count <= 8 ? "\(values) in blocks of \(blockSize)" : "\(values.count) values in blocks of \(blockSize)"
    try Expect.that(got.absmax.count == expected.absmax.count, "\(what): expected \(expected.absmax.count) absmax values (one per block), got \(got.absmax.count)")
    if let b = got.absmax.indices.first(where: { got.absmax[$0] != expected.absmax[$0] }) {
        throw CheckFailure("\(what): absmax of block \(b) (values \(b * blockSize)..<\(min((b + 1) * blockSize, values.count))) expected \(expected.absmax[b]), got \(got.absmax[b])")
    }
    try Expect.that(got.packed.count == expected.packed.count, "\(what): expected \(expected.packed.count) bytes, got \(got.packed.count)")
    guard let k = got.packed.indices.first(where: { got.packed[$0] != expected.packed[$0] }) else { return }
    let (e, g) = (expected.packed[k], got.packed[k])
    let i = e >> 4 != g >> 4 ? 2 * k : 2 * k + 1
    let value = i < values.count ? "value \(i) (\(values[i]), block \(i / blockSize))" : "the padding after value \(i - 1)"
    throw CheckFailure(String(format: "%@: byte %d expected 0x%02x (codes %d, %d), got 0x%02x (codes %d, %d): %@ is wrong", what, k,
                              e, e >> 4, e & 15, g, g >> 4, g & 15, value))
}

extension Catalogue {
    static let chapter5: [Exercise] = [
        Exercise("5.1", "NF4 quantisation of a whole tensor, block by block", file: "exercises/05-qlora/NF4Quantize.swift", symbol: "nf4Quantize", hints: [
            "Walk the tensor one block of blockSize values at a time (the last one may be shorter): find the block's absmax, then turn each of its values into a code.",
            "A value's code is the number of midpoints (code[k] + code[k+1]) / 2 strictly below value · (1 / absmax), clamped to [-1, 1] first; a zero absmax means a zero scale.",
            "Where a code goes depends on the value's position in the whole tensor, not in its block: even positions take the high four bits of their byte. Count the blocks by rounding up, and pad an odd tensor's last low nibble with the code of 0.0. Test yourself: 1,000 values in blocks of 64 give 16 absmax values and 500 bytes.",
        ]) { flavor in
            let f = Chapter5Functions.table(flavor, "5.1")
            // The worked example, in one block of 64 and in blocks of 2.
            let x: [Float] = [0.8, -0.2, 0.05, -0.4]
            try expectNF4(try f.quantize(x, NF4.code, 64), ([0xF4, 0x82], [0.8]), x, 64)
            try expectNF4(try f.quantize(x, NF4.code, 2), ([0xF4, 0x90], [0.8, 0.4]), x, 2)
            // Blocks that hit the rules one at a time, then all of them in one tensor.
            var rng = SeededRandom(seed: 51)
            let blocks = nf4TestBlocks(&rng)
            for (_, block) in blocks { try expectNF4(try f.quantize(block, NF4.code, 64), NF4.quantize(block), block, 64) }
            let all = blocks.flatMap(\.1)
            try expectNF4(try f.quantize(all, NF4.code, 64), NF4.quantize(all), all, 64)
            // Random tensors against the kit: short last blocks, odd counts, a zero block in the
            // middle, other block sizes.
            for (n, size) in [(1, 64), (63, 64), (65, 64), (129, 64), (1000, 64), (1000, 32), (333, 128), (7, 4)] {
                var t = (0..<n).map { _ in rng.normal() * 0.05 }
                if n >= 3 * size { for i in size..<(2 * size) { t[i] = 0 } }
                try expectNF4(try f.quantize(t, NF4.code, size), NF4.quantize(t, blockSize: size), t, size)
            }
            try Expect.refuses("5.1", "a blockSize of 0") { try f.quantize(x, NF4.code, 0).absmax }
        },
        Exercise("5.2", "Read a QLoRA weight back", file: "exercises/05-qlora/NF4Dequantize.swift", symbol: "nf4Dequantize", hints: [
            "Two passes: the block scales from their 8-bit codes, then the values from their 4-bit indices. Block b belongs to group b / 256; value i to block i / 64.",
            "A block's absmax is the dynamic code's value for its 8-bit code, times its group's scale, plus the offset. A value is the NF4 code's value for its nibble, times its block's absmax.",
            "Value i lives in byte i / 2: shift right by 4 for even i (high nibble), mask with 0x0F for odd i. Stop at count: an odd tensor's last nibble is padding. Test yourself: an all-zero tensor comes back all zeros.",
        ]) { flavor in
            let f = Chapter5Functions.table(flavor, "5.2")
            var rng = SeededRandom(seed: 52)
            // Sizes that hit the rules: one value, an odd count, exactly one block, more than one
            // group of 256 blocks (with a partial last block), and a block of zeros.
            for n in [1, 63, 64, 65, 1000, 64 * 256 + 65] {
                let t = Tensor([n], (0..<n).map { _ in rng.normal() * 0.05 })
                if n == 1000 { for i in 128..<192 { t[i] = 0 } }
                let q = NF4Tensor(t, doubleQuantization: true), s = q.scales!
                let got = try f.dequantize(q.packed, n, s.codes, s.blockScales, s.offset, NF4.code, DynamicMap.code)
                try Expect.that(got.count == n, "\(n) values: got \(got.count)")
                try Expect.close(got, q.dequantized().array, tolerance: 1e-6, "\(n) values dequantised")
            }
        },
        Exercise("5.3", "Double quantisation of the block scales", file: "exercises/05-qlora/DoubleQuantize.swift", symbol: "doubleQuantize", hints: [
            "Three steps: the mean of all absmax values (the offset), then per block of 256 the largest |absmax − offset|, then codes.",
            "Each code is the index of the code value nearest to (absmax[i] − offset) / scales[i / 256].",
            "Dequantise to test yourself: code[codes[i]] · scales[i / 256] + offset should be close to absmax[i].",
        ]) { flavor in
            let f = Chapter5Functions.table(flavor, "5.3")
            var rng = SeededRandom(seed: 53)
            let code = DynamicMap.code
            for n in [300, 256, 5, 600] {
                let absmax = (0..<n).map { _ in abs(rng.normal() * 0.02) + 0.01 }
                let (codes, scales, offset) = try f.doubleQuantize(absmax, code)
                let ref = QuantizedScales(quantizing: absmax)
                try Expect.close(Double(offset), Double(ref.offset), tolerance: 1e-6, "offset (the mean of \(n) absmax values)")
                try Expect.that(scales.count == ref.blockScales.count, "\(n) values: expected \(ref.blockScales.count) block scales (256 per block), got \(scales.count)")
                try Expect.close(scales, ref.blockScales, tolerance: 1e-6, "block scales max|absmax − offset|")
                try Expect.that(codes.count == n, "expected \(n) codes, got \(codes.count)")
                for i in 0..<n {
                    let v = (absmax[i] - offset) / scales[i / 256]
                    let c = Int(codes[i])
                    let nearer = [c - 1, c + 1].filter { code.indices.contains($0) }.contains { abs(v - code[$0]) < abs(v - code[c]) - 1e-6 }
                    if nearer { throw CheckFailure("value \(i): \(v) is nearer to another code than code[\(c)] = \(code[c])") }
                }
            }
        },
        Exercise("5.4", "The memory plan of a training setup", file: "exercises/05-qlora/MemoryPlan.swift", symbol: "trainingMemoryPlan", hints: [
            "Storage: code bytes ⌈n/2⌉, blocks ⌈n/64⌉, with double quantisation groups ⌈blocks/256⌉ (integer arithmetic). Plan: count each kind of parameter from the shapes, then price it: 4 bytes a frozen Float32 value, 16 a trainable one.",
            "Kinds: V·C token embeddings (once: the output layer is the same matrix), T·C positions, (2L+1)·2C for the LayerNorms, and per block four linear layers C→3C, C→C, C→F, F→C with a bias of their output size. An adapter on an in→out layer has r·(in + out) values.",
            "Full fine-tuning trains everything; LoRA freezes everything and trains the adapters; QLoRA also stores each linear weight in NF4 as its own tensor, so its bytes are its storage bits / 8, layer by layer. Test yourself: GPT-2 small has 124,439,808 parameters.",
        ]) { flavor in
            let f = Chapter5Functions.table(flavor, "5.4")
            for n in [49152, 1, 15, 64, 65, 64 * 256, 64 * 256 + 1, 1000] {
                for dq in [false, true] {
                    var rng = SeededRandom(seed: UInt64(n))
                    let t = NF4Tensor(Tensor([n], (0..<n).map { _ in rng.normal() }), doubleQuantization: dq)
                    let got = try f.storageBits(n, dq)
                    try Expect.that(got == t.storageBits, "\(n) values\(dq ? " with double quantisation" : ""): expected \(t.storageBits) bits, got \(got)")
                }
            }
            // The plans: GPT-2 small (the book's worked numbers), the two models of the
            // memory-at-scale table (quick and default presets' vocabularies), and odd shapes
            // where no weight fills whole blocks and the MLP is not 4C wide.
            let setups: [(GPTConfig, Int, [String], String)] = [
                (GPTConfig(vocabSize: 50257, contextLength: 1024, embeddingSize: 768, layers: 12, heads: 12), 16, ["c_attn"], "GPT-2 small, LoRA r16 on c_attn"),
                (GPTConfig(vocabSize: 384, contextLength: 64, embeddingSize: 64, layers: 2, heads: 2), 16, LoRAConfig.allLinear,
                 "the quick memory-at-scale model, r16 on every linear layer"),
                (GPTConfig(vocabSize: 1024, contextLength: 128, embeddingSize: 512, layers: 8, heads: 8), 16, LoRAConfig.allLinear,
                 "the memory-at-scale model (8 layers, width 512), r16 on every linear layer"),
                (GPTConfig(vocabSize: 1000, contextLength: 100, embeddingSize: 36, layers: 3, heads: 3, innerSize: 100), 3, ["c_proj"],
                 "width 36, MLP 100, r3 on c_proj (the attention's and the MLP's)"),
                (GPTConfig(vocabSize: 77, contextLength: 9, embeddingSize: 20, layers: 1, heads: 4), 5, ["c_fc", "c_attn"], "one block of width 20, r5 on c_fc and c_attn"),
            ]
            for (config, rank, targets, what) in setups {
                let got = try f.plan(config, rank, targets)
                if let wrong = memoryPlanMismatch(got, TrainingMemory.plan(config, rank: rank, targets: targets), config) { throw CheckFailure(what + ": " + wrong) }
            }
        },
    ]
}

/// The first of the four totals that differs from the kit's plan, with the kind of parameter
/// whose count or price explains the difference when one does; nil when all four agree.
func memoryPlanMismatch(_ got: MemoryPlanTotals, _ plan: MemoryPlan, _ config: GPTConfig) -> String? {
    let methods = [("full fine-tuning", got.fullFineTuning, plan.fullFineTuning), ("LoRA", got.lora, plan.lora),
                   ("QLoRA", got.qlora, plan.qlora), ("QLoRA with double quantisation", got.qloraDoubleQuantization, plan.qloraDoubleQuantization)]
    guard let (method, value, expected) = methods.first(where: { $0.1 != $0.2 }) else { return nil }
    let full = method == "full fine-tuning", d = value - expected
    let frozen = full ? 16 : 4        // bytes of a Float32 value: trained (weight, gradient, m, v) or frozen
    var kinds = [("the token embeddings (the output layer shares them: count them once)", plan.embeddings, frozen),
                 ("the position embeddings", plan.positions, frozen), ("the LayerNorms' weights and biases", plan.layerNorms, frozen),
                 ("the linear layers' biases", plan.biases, frozen), ("the adapters' A and B", full ? 0 : plan.adapter, 16)]
    if method == "full fine-tuning" || method == "LoRA" { kinds.append(("the linear weights", plan.linear, frozen)) }
    var why: String? = nil
    for (kind, count, bytes) in kinds where count > 0 {
        if d == count * bytes { why = kind + " counted twice" }
        else if d == -count * bytes { why = kind + " left out" }
        else if bytes == 16 && (d == -8 * count || d == -12 * count) { why = kind + " without AdamW's two moments (or gradient): a trained value needs 16 bytes" }
        if why != nil { break }
    }
    if why == nil, full, plan.parameters > 0, value % plan.parameters == 0 {
        why = "\(value / plan.parameters) bytes per parameter; a trained value needs 16: weight, gradient and AdamW's two moments"
    }
    if why == nil, !full, method != "LoRA" {
        // The embeddings in NF4 too (QLoRA quantises only the linear layers' weights).
        let n = plan.embeddings, blocks = (n + 63) / 64
        let nf4 = (n + 1) / 2 + (method == "QLoRA" ? 4 * blocks : blocks + 4 * ((blocks + 255) / 256) + 4)
        if d == nf4 - 4 * n { why = "the token embeddings quantised too: QLoRA stores only the linear layers' weights in NF4" }
        else if d == 4 * plan.linear - (method == "QLoRA" ? plan.nf4Bytes : plan.nf4DoubleBytes) { why = "the linear weights kept in Float32" }
    }
    return "\(method): expected \(grouped(expected)) bytes, got \(grouped(value)) (\(d > 0 ? "+" : "−")\(grouped(abs(d))))" + (why.map { ": " + $0 } ?? "")
}
