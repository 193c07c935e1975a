import Core
import Exercises
import Foundation
import QLoRA
import Solutions

/// The functions of Chapter 5's exercises, as one table (learner / reference / mutant).
struct Chapter5Functions {
    var quantizeBlock: ([Float], [Float]) throws -> (packed: [UInt8], absmax: Float)
    var dequantize: ([UInt8], Int, [UInt8], [Float], Float, [Float], [Float]) throws -> [Float]
    var doubleQuantize: ([Float], [Float]) throws -> (codes: [UInt8], scales: [Float], offset: Float)
    var storageBits: (Int, Bool) throws -> Int
    var memory: (Int, Int, Double, Int) throws -> Double

    static var learner: Chapter5Functions { Chapter5Functions(
        quantizeBlock: { try Exercises.nf4QuantizeBlock($0, code: $1) },
        dequantize: { try Exercises.nf4Dequantize(packed: $0, count: $1, scaleCodes: $2, groupScales: $3, offset: $4, code: $5, scaleCode: $6) },
        doubleQuantize: { try Exercises.doubleQuantize($0, code: $1) },
        storageBits: { try Exercises.nf4StorageBits(count: $0, doubleQuantization: $1) },
        memory: { try Exercises.trainingMemoryBytes(float32Frozen: $0, quantized: $1, bitsPerQuantized: $2, trainable: $3) }) }

    static var reference: Chapter5Functions { Chapter5Functions(
        quantizeBlock: { try Solutions.nf4QuantizeBlock($0, code: $1) },
        dequantize: { try Solutions.nf4Dequantize(packed: $0, count: $1, scaleCodes: $2, groupScales: $3, offset: $4, code: $5, scaleCode: $6) },
        doubleQuantize: { try Solutions.doubleQuantize($0, code: $1) },
        storageBits: { try Solutions.nf4StorageBits(count: $0, doubleQuantization: $1) },
        memory: { try Solutions.trainingMemoryBytes(float32Frozen: $0, quantized: $1, bitsPerQuantized: $2, trainable: $3) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter5Functions {
        var f = reference
        switch id {
        case "5.1": f.quantizeBlock = { v, c in  // first value in the LOW nibble
            let r = try reference.quantizeBlock(v, c); return (r.packed.map { $0 << 4 | $0 >> 4 }, r.absmax)
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
        case "5.4":
            f.storageBits = { n, dq in try reference.storageBits(n, dq) - (dq ? 32 : 0) }   // forgets the mean
            f.memory = { fr, q, b, t in try reference.memory(fr, q, b, t) - 8 * Double(t) }  // forgets AdamW's m and v
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

extension Catalogue {
    static let chapter5: [Exercise] = [
        Exercise("5.1", "Quantise one block to NF4", file: "exercises/05-qlora/NF4QuantizeBlock.swift", symbol: "nf4QuantizeBlock", hints: [
            "absmax = the largest |value|; scale every value by 1/absmax (0 when absmax is 0) and clamp to [-1, 1].",
            "The nearest code is the number of midpoints (code[k] + code[k+1]) / 2 strictly below the scaled value: a tie stays low.",
            "Two codes share a byte, the first in the high four bits; an odd count pads the last low nibble with code 7 (the value 0).",
        ]) { flavor in
            let f = Chapter5Functions.table(flavor, "5.1")
            var rng = SeededRandom(seed: 51)
            for (name, block) in nf4TestBlocks(&rng) {
                let (packed, absmax) = try f.quantizeBlock(block, NF4.code)
                let expected = NF4.quantize(block)
                try Expect.that(absmax == expected.absmax[0], "\(name): absmax expected \(expected.absmax[0]), got \(absmax)")
                try Expect.that(packed.count == expected.packed.count, "\(name): expected \(expected.packed.count) bytes, got \(packed.count)")
                if let i = packed.indices.first(where: { packed[$0] != expected.packed[$0] }) {
                    throw CheckFailure(String(format: "%@: byte %d expected 0x%02x (codes %d, %d), got 0x%02x", name, i,
                                              expected.packed[i], expected.packed[i] >> 4, expected.packed[i] & 15, packed[i]))
                }
            }
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
        Exercise("5.4", "What a 4-bit model stores and training keeps", file: "exercises/05-qlora/StorageBits.swift", symbol: "nf4StorageBits", hints: [
            "Storage: count the code bytes, the blocks of 64, and with double quantisation the groups of 256 blocks. Memory: frozen values cost only their storage.",
            "Code bytes are ⌈n/2⌉, blocks ⌈n/64⌉, groups ⌈blocks/256⌉, each rounded up with integer arithmetic. A trainable value costs 16 bytes: weight, gradient and AdamW's two moments.",
            "Without double quantisation every block stores a 32-bit scale; with it a block stores 8 bits, every group a 32-bit scale, and the whole tensor one 32-bit mean. Test yourself: 1,000 trainable values and nothing else need 16,000 bytes.",
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
            // Memory for training.
            let cases: [(Int, Int, Double, Int, String)] = [
                (0, 0, 4, 1_000_000, "full fine-tuning of 1M parameters"),
                (1_000_000, 0, 4, 20_000, "LoRA: 1M frozen, 20k adapter values"),
                (50_000, 950_000, 4.127, 20_000, "QLoRA: 950k values in NF4, 50k Float32, 20k adapter values"),
            ]
            for (fr, q, b, t, what) in cases {
                let expected = TrainingMemory.estimate(float32Frozen: fr, quantized: q, bitsPerQuantized: b, trainable: t).totalBytes
                try Expect.close(try f.memory(fr, q, b, t), expected, tolerance: 1e-9, what + " (bytes)")
            }
        },
    ]
}
