import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// A prompt the policy learns to answer. `truth` is known for SupportDesk prompts (the grader
/// needs it); a learner's own prompts may come without it.
public struct RLPrompt: Sendable {
    public var id: String
    public var messages: [Message]
    public var truth: Truth?
    public init(id: String, messages: [Message], truth: Truth?) {
        (self.id, self.messages, self.truth) = (id, messages, truth)
    }
}

/// One sampled reply: what the policy saw, what it wrote, and whether it closed its turn.
public struct Rollout: Sendable {
    public var prompt: RLPrompt
    public var promptIDs: [Int]
    /// The sampled tokens, `<|im_end|>` included when the reply finished.
    public var responseIDs: [Int]
    public var finished: Bool
    /// The reply as text, without `<|im_end|>`.
    public var text: String
}

// MARK: book rollouts
/// Samples replies with the KV cache. The `count` replies to one prompt are sampled together
/// as one batch of `count` rows: the prompt is fed once (prefill), then each step feeds only
/// the newest token of every row. A row that has produced `<|im_end|>` keeps being fed a
/// padding token until all rows are done; its extra outputs are ignored.
public struct RolloutSampler {
    public let template: ChatTemplate
    public var maxNewTokens: Int
    /// Softmax temperature of sampling; the log-probs used for training divide by it too.
    public var temperature: Float

    public init(template: ChatTemplate, maxNewTokens: Int, temperature: Float = 1) {
        (self.template, self.maxNewTokens, self.temperature) = (template, maxNewTokens, temperature)
    }

    /// The prompt's token ids, keeping the end of a prompt too long to leave room for a reply.
    public func promptIDs(_ prompt: RLPrompt, contextLength: Int) -> [Int] {
        let ids = template.generationPrompt(prompt.messages)
        let room = contextLength - maxNewTokens
        return ids.count > room ? Array(ids.suffix(max(room, 1))) : ids
    }

    public func sample(_ model: GPT, prompt: RLPrompt, count: Int, rng: inout SeededRandom) -> [Rollout] {
        let ids = promptIDs(prompt, contextLength: model.config.contextLength)
        let v = model.config.vocabSize, stop = template.end
        let options = SamplingOptions(temperature: temperature)
        var responses = [[Int]](repeating: [], count: count)
        var done = [Bool](repeating: false, count: count)
        let cache = KVCache(layers: model.config.layers)
        var input = Array((0..<count).map { _ in ids }.joined())     // [count, P] row-major
        noGrad {
            for _ in 0..<min(maxNewTokens, model.config.contextLength - ids.count) {
                let t = input.count / count
                let logits = model.logits(input, batch: count, cache: cache).value   // [count, t, V]
                input = []
                for row in 0..<count {
                    if done[row] { input.append(stop); continue }
                    let last = UnsafeBufferPointer(start: logits.data + ((row * t) + t - 1) * v, count: v)
                    let next = Sampler.sample(last, options, rng: &rng)
                    responses[row].append(next)
                    if next == stop { done[row] = true }
                    input.append(next)
                }
                if !done.contains(false) { break }
            }
        }
        return responses.map { r in
            let finished = r.last == stop
            return Rollout(prompt: prompt, promptIDs: ids, responseIDs: r, finished: finished,
                           text: template.tokenizer.decode(finished ? Array(r.dropLast()) : r))
        }
    }
    // MARK: end
}
