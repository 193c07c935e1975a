import Core
/// Exercise 9.4 — The contamination check.
///
/// An evaluation prompt is contaminated when a run of `n` consecutive words of it also occurs
/// in a training text. Words are the text lower-cased and split on whitespace. Return the
/// indices (ascending) of the contaminated prompts in `eval`. A prompt shorter than `n` words
/// is contaminated only if its whole word sequence occurs as a training text's whole sequence.
public func contaminatedPrompts(training: [String], eval: [String], n: Int) throws -> [Int] {
    // Write your code here, then run `swift run course check 9`.
    throw Todo("9.4")
}
