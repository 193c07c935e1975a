import Core
import Exercises
import Foundation
import Solutions

/// The functions of Chapter 2's exercises, as one table, so a check can run against the
/// learner's code, the reference, or a deliberately wrong variant.
struct Chapter2Functions {
    var trainingRound: (_ words: [[Int]: Int], _ newID: Int) throws -> (left: Int, right: Int, words: [[Int]: Int])?
    var causalMask: (_ scores: Tensor, _ segments: [Int]?) throws -> Tensor
    var attentionHead: (Tensor, Tensor, Tensor) throws -> Tensor
    var kvCacheStep: (Tensor, Tensor, Tensor, inout Tensor, inout Tensor) throws -> Tensor
    var sampleNextToken: (_ logits: [Float], _ temperature: Float, _ topK: Int, _ topP: Float, _ u: Float) throws -> Int
    var loadPlan: (_ checkpoint: [(name: String, shape: [Int])], _ parameters: [(name: String, shape: [Int])]) throws -> [String: String]

    static var learner: Chapter2Functions { Chapter2Functions(
        trainingRound: { try Exercises.bpeTrainingRound(words: $0, newID: $1) },
        causalMask: { try Exercises.applyCausalMask($0, segments: $1) },
        attentionHead: { try Exercises.attentionHead(q: $0, k: $1, v: $2) },
        kvCacheStep: { try Exercises.kvCacheStep(query: $0, key: $1, value: $2, keys: &$3, values: &$4) },
        sampleNextToken: { try Exercises.sampleNextToken(logits: $0, temperature: $1, topK: $2, topP: $3, uniform: $4) },
        loadPlan: { try Exercises.loadPlan(checkpoint: $0, parameters: $1) }) }

    static var reference: Chapter2Functions { Chapter2Functions(
        trainingRound: { try Solutions.bpeTrainingRound(words: $0, newID: $1) },
        causalMask: { try Solutions.applyCausalMask($0, segments: $1) },
        attentionHead: { try Solutions.attentionHead(q: $0, k: $1, v: $2) },
        kvCacheStep: { try Solutions.kvCacheStep(query: $0, key: $1, value: $2, keys: &$3, values: &$4) },
        sampleNextToken: { try Solutions.sampleNextToken(logits: $0, temperature: $1, topK: $2, topP: $3, uniform: $4) },
        loadPlan: { try Solutions.loadPlan(checkpoint: $0, parameters: $1) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter2Functions {
        var f = reference
        switch id {
        case "2.1": f.trainingRound = { words, newID in  // counts each distinct word once, not as often as it occurs
            var pairs: [[Int]: Int] = [:]
            for w in words.keys where w.count > 1 { for i in 0..<(w.count - 1) { pairs[[w[i], w[i + 1]], default: 0] += 1 } }
            guard let best = pairs.min(by: { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) })?.key else {
                return nil
            }
            var merged: [[Int]: Int] = [:]
            for (w, c) in words {
                var out: [Int] = [], i = 0
                while i < w.count {
                    if i + 1 < w.count, w[i] == best[0], w[i + 1] == best[1] { out.append(newID); i += 2 } else { out.append(w[i]); i += 1 }
                }
                merged[out, default: 0] += c
            }
            return (best[0], best[1], merged)
        }
        case "2.2": f.causalMask = { scores, _ in  // ignores the segments: plain causal mask (with the offset) across packed examples
            try reference.causalMask(scores, nil)
        }
        case "2.3": f.attentionHead = { q, k, v in  // forgets the 1/√D scale
            let d = Float(q.shape[1])
            return try reference.attentionHead(q.map { $0 * d.squareRoot() }, k, v)
        }
        case "2.4": f.kvCacheStep = { q, k, v, keys, values in  // reuses the square mask: the new token only sees position 0
            _ = try reference.kvCacheStep(q, k, v, &keys, &values)
            return values.slice(axis: 0, start: 0, length: 1)
        }
        case "2.5": f.sampleNextToken = { logits, t, k, p, u in  // top-p before top-k: p measured on the whole softmax
            guard t != 0 else { return try reference.sampleNextToken(logits, t, k, p, u) }
            let e = logits.map { expf(($0 - logits.max()!) / t) }
            let s = e.reduce(0, +)
            let probs = e.map { $0 / s }
            let order = probs.indices.sorted { probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1) }
            var kept = [Float](repeating: 0, count: probs.count)
            var mass: Float = 0
            for (n, i) in order.enumerated() {
                if (p < 1 && mass >= p) || (k > 0 && n == k) { break }
                kept[i] = probs[i]
                mass += probs[i]
            }
            let target = Double(u) * Double(mass)
            var total: Double = 0
            for (i, q) in kept.enumerated() where q > 0 {
                total += Double(q)
                if target < total { return i }
            }
            return kept.lastIndex { $0 > 0 }!
        }
        case "2.6": f.loadPlan = { checkpoint, parameters in  // compares names only: a tensor of the wrong shape is planned in
            let shapes = Dictionary(checkpoint.map { t in (t.name.hasPrefix("transformer.") ? String(t.name.dropFirst(12)) : t.name, t.shape) }) { a, _ in a }
            return try reference.loadPlan(checkpoint, parameters.map { p in (p.name, shapes[p.name] ?? p.shape) })
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter2Functions {
        let f: Chapter2Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}
