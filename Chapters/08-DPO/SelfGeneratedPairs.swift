import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// Preference pairs made from the model's own replies ("on-policy" pairs): sample several
/// replies to each training prompt, let a judge score them, and pair the best with the worst.
/// Offline pairs teach the policy to avoid the mistakes someone else wrote into the rejected
/// replies; these teach it to avoid the mistakes it actually makes. The judge here is the
/// SupportDesk grader (it knows each prompt's facts); the reward model of Chapter 6 could take
/// its place where no grader exists.
public enum SelfGeneratedPairs {
    // MARK: book self-pairs
    /// For each prompt: `samples` replies at temperature 1, graded; the best and the worst form
    /// a pair when their overall grades differ by at least `minGap` (a tie teaches nothing).
    /// The pair's flaw is the grader criterion on which the worst reply loses most.
    public static func build(_ model: GPT, template: ChatTemplate, prompts: [(prompt: [Message], truth: Truth)],
                             samples: Int = 4, minGap: Double = 0.05, maxNewTokens: Int, seed: UInt64,
                             requireFinished: Bool = true, progress: ProgressBar? = nil) -> [PreferenceExample] {
        let evaluator = ReplyEvaluator(template: template, maxNewTokens: maxNewTokens)
        var rng = SeededRandom(seed: seed)
        var pairs: [PreferenceExample] = []
        for (i, p) in prompts.enumerated() {
            var graded: [(text: String, grade: Grade)] = []
            for _ in 0..<samples {
                let (text, finished) = evaluator.reply(model, prompt: p.prompt, options: SamplingOptions(temperature: 1), rng: &rng)
                guard finished || !requireFinished, !text.isEmpty else { continue }   // an unfinished reply is not a reply
                graded.append((text, evaluator.grader.grade(reply: text, truth: p.truth)))
            }
            progress?.update(i + 1)
            // The first best reply, and the first worst among the others.
            guard let b = graded.indices.max(by: { graded[$0].grade.overall < graded[$1].grade.overall }),
                  let w = graded.indices.filter({ $0 != b }).min(by: { graded[$0].grade.overall < graded[$1].grade.overall }) else { continue }
            let (best, worst) = (graded[b], graded[w])
            guard best.grade.overall - worst.grade.overall >= minGap, best.text != worst.text else { continue }
            pairs.append(PreferenceExample(prompt: p.prompt, chosen: best.text, rejected: worst.text,
                                           flaw: worstCriterion(best.grade, worst.grade).rawValue))
        }
        return pairs
    }
    // MARK: end

    /// The flaw whose criterion drops most from the better reply to the worse.
    static func worstCriterion(_ good: Grade, _ bad: Grade) -> Flaw {
        let drops: [(Flaw, Double)] = [(.coldTone, good.tone - bad.tone), (.wrongPolicy, good.facts - bad.facts),
                                       (.overPromise, good.noOverPromise - bad.noOverPromise),
                                       (.missingMove, good.structure - bad.structure), (.inventedDetail, good.grounded - bad.grounded)]
        return drops.max { $0.1 < $1.1 }!.0
    }
}
