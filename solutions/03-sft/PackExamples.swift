import Core
/// Exercise 3.4 — Packing with boundaries.
///
/// Place tokenised examples one after another in ONE row of exactly `length` tokens (the
/// examples are known to fit), then pad the rest with `pad`. Return, per position:
///   inputs    – the token ids (pads at the end),
///   targets   – each example's next-token targets on its own, as in a row of exercise 3.1's
///               padded batch (so an example's last token never predicts the next example's
///               first token), `CrossEntropy.ignoreIndex` on padding,
///   positions – restarting at 0 for each example (0 on padding),
///   segments  – the example's index 0, 1, 2, … (-1 on padding), so attention can keep
///               examples apart.
/// `examples[k].trainable[i]` marks reply tokens, as in exercise 3.1.
public func packExamples(_ examples: [(ids: [Int], trainable: [Bool])], length: Int, pad: Int) throws
    -> (inputs: [Int], targets: [Int], positions: [Int], segments: [Int]) {
    var inputs: [Int] = [], targets: [Int] = [], positions: [Int] = [], segments: [Int] = []
    for (k, e) in examples.enumerated() {
        inputs += e.ids
        for t in 0..<e.ids.count { targets.append(t + 1 < e.ids.count && e.trainable[t + 1] ? e.ids[t + 1] : CrossEntropy.ignoreIndex) }
        positions += Array(0..<e.ids.count)
        segments += Array(repeating: k, count: e.ids.count)
    }
    let rest = length - inputs.count
    inputs += Array(repeating: pad, count: rest)
    targets += Array(repeating: CrossEntropy.ignoreIndex, count: rest)
    positions += Array(repeating: 0, count: rest)
    segments += Array(repeating: -1, count: rest)
    return (inputs, targets, positions, segments)
}
