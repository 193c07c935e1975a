import Core
/// Exercise 9.3 — pass@k, unbiased.
///
/// You sampled `n` replies to a prompt and `c` of them passed. pass@k is the chance that at
/// least one of k replies passes. Estimating it as 1 − (1 − c/n)^k is biased; the unbiased
/// estimator (Chen et al., 2021) draws the k replies without replacement from your n (the
/// book gives it). Binomial coefficients of a few hundred overflow: never form one.
public func passAtK(n: Int, c: Int, k: Int) throws -> Double {
    // Write your code here, then run `swift run course check 9`.
    throw Todo("9.3")
}
