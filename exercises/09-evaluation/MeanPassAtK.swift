import Core

/// Exercise 9.3 — pass@k over prompts, unbiased.
///
/// You sampled replies to each prompt and graded them: `scores[p][j]` is the score of sample j
/// of prompt p (n = `scores[p].count` samples). A sample passes when its score is at least
/// `threshold`; c is the number of passing samples of a prompt. pass@k is the chance that at
/// least one of k replies passes. Return, for each k in `ks`, the mean over prompts of the
/// unbiased estimator (Chen et al., 2021; the book gives it), 1 − C(n − c, k) / C(n, k):
///
/// - 0 when c = 0; 1 when n − c < k (every draw of k holds a passing sample);
/// - otherwise 1 − Π (1 − k / i) for i = n − c + 1, …, n, multiplied in that order, in
///   `Double`. Binomial coefficients of a few hundred overflow: never form one. Do not use the
///   biased 1 − (1 − c/n)^k.
/// - the mean: add the prompts' values in prompt order, then divide by the number of prompts.
/// - Refuse (throw a `CourseError` that names k and n) a k below 1 or above a prompt's n, and a
///   k that appears twice in `ks`. With no prompts, return an empty dictionary.
///
/// Follow this order and your numbers are the kit's, bit for bit.
public func meanPassAtK(scores: [[Double]], threshold: Double, ks: [Int]) throws -> [Int: Double] {
    // Write your code here, then run `swift run course check 9`.
    throw Todo("9.3")
}
