import Core
/// Exercise 3.1 — Next-token targets with a loss mask.
///
/// `ids` is a tokenised conversation and `trainable[i]` says whether token i belongs to the
/// assistant's reply (the reply's tokens and its closing `<|im_end|>`). Position t of the model
/// predicts token t+1, so return `targets` of the same length where
///   targets[t] = ids[t+1]  if token t+1 is trainable,
///   targets[t] = CrossEntropy.ignoreIndex (-100) otherwise (the cross-entropy skips it),
/// and the last position, which has nothing after it, is always ignored.
/// Example: ids [5, 6, 7, 8], trainable [F, F, T, T] → [-100, 7, 8, -100].
public func sftTargets(ids: [Int], trainable: [Bool]) throws -> [Int] {
    // Write your code here, then run `swift run course check 3`.
    throw Todo("3.1")
}
