/// Exercise 9.4 — The contamination check.
///
/// An evaluation prompt is contaminated when a run of `n` consecutive words of it also occurs
/// in a training text. Words are the text lower-cased and split on whitespace. Return the
/// indices (ascending) of the contaminated prompts in `eval`. A prompt shorter than `n` words
/// is contaminated only if its whole word sequence occurs as a training text's whole sequence.
public func contaminatedPrompts(training: [String], eval: [String], n: Int) throws -> [Int] {
    func words(_ s: String) -> [String] { s.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init) }
    var grams = Set<[String]>(), whole = Set<[String]>()
    for t in training {
        let w = words(t)
        whole.insert(w)
        if w.count >= n { for i in 0...(w.count - n) { grams.insert(Array(w[i..<(i + n)])) } }
    }
    return eval.indices.filter { j in
        let w = words(eval[j])
        if whole.contains(w) { return true }
        guard w.count >= n else { return false }
        return (0...(w.count - n)).contains { grams.contains(Array(w[$0..<($0 + n)])) }
    }
}
