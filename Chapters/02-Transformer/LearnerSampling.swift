import Core

extension Sampler {
    /// One sampling step under `course run transformer --mine`: the learner's
    /// `sampleNextToken` (exercise 2.5) picks the token, given the uniform number the kit's
    /// `SeededRandom.categorical` would have drawn. The generator moves exactly as in the kit's
    /// `sample`: one `uniform()` per sampled token, none when greedy, so the rest of the run
    /// sees the same random stream. Temperatures between 0 and 1e-6 (where the kit divides by
    /// 1e-6 instead) keep the kit's sampler; `sample` checks that before calling here.
    static func learnerSample(_ logits: UnsafeBufferPointer<Float>, _ o: SamplingOptions, rng: inout SeededRandom,
                              _ mine: SampleNextTokenFunction) -> Int {
        let u: Float = o.temperature == 0 ? 0 : rng.uniform()
        let id = mine(Array(logits), o.temperature, o.topK, o.topP, u)
        precondition(logits.indices.contains(id), "exercise 2.5: sampleNextToken returned \(id) for \(logits.count) logits")
        return id
    }
}

// The shape of the function a learner plugs in with `course run transformer --mine` (see
// `LearnerCode`): exercise 2.5's signature, without `throws`.
public typealias SampleNextTokenFunction = (_ logits: [Float], _ temperature: Float, _ topK: Int, _ topP: Float, _ u: Float) -> Int
