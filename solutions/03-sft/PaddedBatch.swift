import Core
/// Exercise 3.1 — The padded SFT batch.
///
/// `examples[k]` is a tokenised conversation: its ids, and `trainable[i]` true when token i
/// belongs to the assistant's reply (the reply's tokens and its closing `<|im_end|>`). Lay the
/// examples out one per row of exactly `length` tokens, row k after row k − 1, and return:
///   inputs  – [B · length]: the example's ids, then `pad` up to the end of the row;
///   targets – [B · length]: what each position is trained to predict. Position t of the model
///             predicts token t + 1, so the target is that next token where it is a reply
///             token, and `CrossEntropy.ignoreIndex` (−100, skipped by the loss) everywhere else:
///             on the prompt, on the example's last token (nothing real comes after it) and on
///             every pad.
/// An example longer than `length` is never cut (a reply without its ending teaches the model
/// to stop mid-sentence): refuse it, throwing a `CourseError` that names the example's index
/// and its number of tokens. The pad id may also be a real token: padding is what comes after
/// an example's own tokens.
///
/// Example: ids [5, 6, 7, 8] with trainable [F, F, T, T] and ids [9, 3] with [F, T], length 5,
/// pad 0 → inputs [5, 6, 7, 8, 0,  9, 3, 0, 0, 0],
///          targets [−100, 7, 8, −100, −100,  3, −100, −100, −100, −100].
public func paddedBatch(_ examples: [(ids: [Int], trainable: [Bool])], length: Int, pad: Int) throws
    -> (inputs: [Int], targets: [Int]) {
    // Refuse before building anything: a batch with one row cut would train on a reply without its end.
    for (k, e) in examples.enumerated() where e.ids.count > length {
        throw CourseError("paddedBatch: example \(k) has \(e.ids.count) tokens, more than the row of \(length)")
    }
    var inputs: [Int] = [], targets: [Int] = []
    inputs.reserveCapacity(examples.count * length)
    targets.reserveCapacity(examples.count * length)
    for e in examples {
        let n = e.ids.count                     // the example's own tokens; positions n..<length are padding
        for t in 0..<length {
            inputs.append(t < n ? e.ids[t] : pad)
            // Position t predicts token t + 1: a target only if that token is real (t + 1 < n) and
            // part of the reply. The last real position and every pad are ignored, so the loss
            // never teaches "after the reply comes padding".
            let next = t + 1
            targets.append(next < n && e.trainable[next] ? e.ids[next] : CrossEntropy.ignoreIndex)
        }
    }
    return (inputs, targets)
}
