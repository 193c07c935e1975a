import Core

/// Exercise 9.2 — A win rate against a baseline, with its interval.
///
/// The report's "win rate vs SFT". `model[s][p]` and `baseline[s][p]` are a judge's scores of
/// the two models' replies to prompt p in seed s's run (one seed: a single row each).
///
/// - Refuse (throw a `CourseError` that says what differs) when the two have a different
///   number of seeds, or a seed with a different number of prompts.
/// - Prompt p's outcome: ½ when the two scores differ by at most `tie`, else 1 when the model's
///   score is higher and 0 when lower.
/// - `bySeed[s]`: seed s's win rate, the mean of its outcomes (sum in order, then divide; NaN
///   for a seed without prompts).
/// - `rate`: the mean of the win rates of the seeds that have prompts (NaN when none has).
/// - `low`, `high`: ask `interval` — the two-level bootstrap of exercise 9.1, with its level,
///   resamples and seed already chosen — for the interval of the outcomes, kept seed by seed
///   (`outcomes[s][p]`), and return its low and high.
///
/// The kit passes its own bootstrap (your 9.1 under `--mine`); to try yours, pass
/// `{ try bootstrapSeedsAndPrompts($0, level: 0.95, resamples: 2000, seed: 7) }`.
public func winRateAgainstBaseline(model: [[Double]], baseline: [[Double]], tie: Double,
                                   interval: ([[Double]]) throws -> (estimate: Double, low: Double, high: Double)) throws
    -> (rate: Double, low: Double, high: Double, bySeed: [Double]) {
    // Write your code here, then run `swift run course check 9`.
    throw Todo("9.2")
}
