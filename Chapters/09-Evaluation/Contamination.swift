import Core
import Foundation

// MARK: book contamination
/// Checks that no evaluation prompt appears in a training file. Texts are compared after
/// normalisation (lower case, whitespace collapsed), both whole and by long word n-grams, so a
/// prompt pasted inside a longer training document is caught too.
public struct ContaminationCheck {
    public let n: Int
    var grams: Set<String> = []
    var whole: Set<String> = []

    public init(training texts: [String], n: Int = 13) {
        self.n = n
        for t in texts {
            let w = ContaminationCheck.words(t)
            whole.insert(w.joined(separator: " "))
            if w.count >= n { for i in 0...(w.count - n) { grams.insert(w[i..<(i + n)].joined(separator: " ")) } }
        }
    }

    static func words(_ s: String) -> [String] {
        s.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// Whether `text` (an evaluation prompt) occurs in the training texts.
    public func isContaminated(_ text: String) -> Bool {
        KitAnswer.used("ContaminationCheck.isContaminated", answers: "9.4")
        let w = ContaminationCheck.words(text)
        if whole.contains(w.joined(separator: " ")) { return true }
        guard w.count >= n else { return false }
        return (0...(w.count - n)).contains { grams.contains(w[$0..<($0 + n)].joined(separator: " ")) }
    }
}
// MARK: end

extension ContaminationCheck {
    /// The indices of the evaluation prompts that occur in the training texts: the kit's
    /// check, or under `--mine` the learner's (exercise 9.4), which takes the same lists.
    public static func contaminated(training: [String], eval: [String], n: Int) -> [Int] {
        if let mine = LearnerCode.function("contaminatedPrompts", as: ContaminatedPromptsFunction.self) { return mine(training, eval, n) }
        let check = ContaminationCheck(training: training, n: n)
        return eval.indices.filter { check.isContaminated(eval[$0]) }
    }
}
