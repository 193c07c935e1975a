/// Exercise 9.2 — A pairwise win rate with ties.
///
/// Two models answered the same prompts; `a[i]` and `b[i]` are a judge's scores of their
/// replies to prompt i. Return the win rate of A over B: a prompt counts 1 when A's score is
/// higher, 0 when lower, and ½ when the two scores differ by at most `tie`. Mean over prompts.
public func winRate(_ a: [Double], _ b: [Double], tie: Double) throws -> Double {
    var total = 0.0
    for i in a.indices {
        if abs(a[i] - b[i]) <= tie { total += 0.5 } else if a[i] > b[i] { total += 1 }
    }
    return total / Double(a.count)
}
