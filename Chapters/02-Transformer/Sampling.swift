import Autograd
import Core
import Foundation

/// How to pick the next token from the model's logits.
public struct SamplingOptions: Codable, Sendable {
    /// Divides the logits: < 1 sharpens, > 1 flattens; 0 means greedy (always the argmax).
    public var temperature: Float = 1
    /// Keep only the k most likely tokens (0: no limit).
    public var topK: Int = 0
    /// Keep the smallest set of tokens whose probabilities add up to p (1: no limit).
    public var topP: Float = 1
    public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1) {
        (self.temperature, self.topK, self.topP) = (temperature, topK, topP)
    }
    public static let greedy = SamplingOptions(temperature: 0)
}

public enum Sampler {
    // MARK: book sampler
    /// Nucleus (top-p) filtering of a probability vector: sort tokens by probability, keep the
    /// shortest prefix whose mass reaches p, zero the rest, renormalise.
    public static func topP(_ probs: [Float], p: Float) -> [Float] {
        KitAnswer.used("Sampler.topP", answers: "2.5")
        guard p < 1 else { return probs }
        let order = probs.indices.sorted { probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1) }
        var kept = [Float](repeating: 0, count: probs.count)
        var mass: Float = 0
        for i in order {
            kept[i] = probs[i]
            mass += probs[i]
            if mass >= p { break }
        }
        return kept.map { $0 / mass }
    }

    /// Keeps the k largest probabilities (ties broken by lower id), renormalised.
    public static func topK(_ probs: [Float], k: Int) -> [Float] {
        KitAnswer.used("Sampler.topK", answers: "2.5")
        guard k > 0, k < probs.count else { return probs }
        let order = probs.indices.sorted { probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1) }
        var kept = [Float](repeating: 0, count: probs.count)
        var mass: Float = 0
        for i in order.prefix(k) { kept[i] = probs[i]; mass += probs[i] }
        return kept.map { $0 / mass }
    }

    /// The probabilities actually sampled from: softmax(logits / T), then top-k and top-p.
    public static func distribution(_ logits: UnsafeBufferPointer<Float>, _ o: SamplingOptions) -> [Float] {
        KitAnswer.used("Sampler.distribution", answers: "2.5")
        let t = max(o.temperature, 1e-6)
        let scaled = logits.map { $0 / t }
        let m = scaled.max() ?? 0
        var probs = scaled.map { expf($0 - m) }
        let s = probs.reduce(0, +)
        probs = probs.map { $0 / s }
        return topP(topK(probs, k: o.topK), p: o.topP)
    }

    /// Picks one token id from logits [V].
    public static func sample(_ logits: UnsafeBufferPointer<Float>, _ o: SamplingOptions, rng: inout SeededRandom) -> Int {
        KitAnswer.used("Sampler.sample", answers: "2.5")
        if let mine = LearnerCode.function("sampleNextToken", as: SampleNextTokenFunction.self), o.temperature == 0 || o.temperature >= 1e-6 { return learnerSample(logits, o, rng: &rng, mine) }
        if o.temperature == 0 {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            return best
        }
        return rng.categorical(distribution(logits, o))
    }
    // MARK: end
}

extension GPT {
    // MARK: book generate
    /// Continues `prompt` by up to `maxNewTokens` tokens, stopping after `stop` tokens (e.g.
    /// `<|im_end|>`). With `useCache` each step feeds only the newest token through the model;
    /// without it, the whole sequence is recomputed every step (kept to measure the difference).
    public func generate(prompt: [Int], maxNewTokens: Int, options: SamplingOptions = .init(),
                         stop: Set<Int> = [], useCache: Bool = true, rng: inout SeededRandom) -> [Int] {
        var tokens = prompt
        var generated: [Int] = []
        let cache = useCache ? KVCache(layers: config.layers) : nil
        var pending = prompt   // tokens not yet fed to the model
        noGrad {
            for _ in 0..<maxNewTokens {
                if tokens.count >= config.contextLength { break }
                let input = useCache ? pending : tokens
                let logits = self.logits(input, batch: 1, cache: cache).value   // [1, T, V]
                let v = config.vocabSize
                let last = UnsafeBufferPointer(start: logits.data + (input.count - 1) * v, count: v)
                let next = Sampler.sample(last, options, rng: &rng)
                tokens.append(next)
                generated.append(next)
                pending = [next]
                if stop.contains(next) { break }
            }
        }
        return generated
    }
    // MARK: end

    /// Log-probability of each token given the ones before it: result[i] = log p(ids[i+1] | ids[...i]).
    public func tokenLogProbs(_ ids: [Int]) -> [Float] {
        guard ids.count > 1 else { return [] }
        return noGrad {
            let lp = logits(Array(ids.dropLast()), batch: 1).value.logSoftmax()
            let v = config.vocabSize
            return (1..<ids.count).map { lp.data[(($0 - 1) * v) + ids[$0]] }
        }
    }
}
