import Core
import RewardModel
import SFT
import SupportDesk
import Transformer

/// Preference pairs aimed at the mistakes the SFT model actually makes when it quotes values:
/// its own greedy reply is the rejected one, and the same reply with the wrong values mended
/// (`ValueCorrection`) is the chosen one (`course run dpo --loss mended` adds them to the
/// offline pairs).
///
/// The idea: the two replies share every token before a mended value, so DPO's gradient there
/// is "raise the right value, lower the model's own wrong one", where the offline pairs only
/// lower values the model would never write. What it shows on the default preset: it does not
/// work. The SFT model does not copy dates from the facts block at all; it writes one of a few
/// dates it memorised ("August 27" in 143 of 1,080 greedy replies), so the right date has next
/// to no probability to raise. Preference learning reweights what a model can already do; it
/// does not teach it to copy. (Book chapter 8 has the numbers.)
public enum CorrectionPairs {
    // MARK: book correction-pairs
    /// One greedy reply per prompt; a pair when the reply finished and at least one of its
    /// values could be mended. The flaw is wrong_policy when a policy number was mended,
    /// invented_detail otherwise.
    public static func build(_ model: GPT, template: ChatTemplate, prompts: [(prompt: [Message], truth: Truth)],
                             maxNewTokens: Int, progress: ProgressBar? = nil) -> [PreferenceExample] {
        let evaluator = ReplyEvaluator(template: template, maxNewTokens: maxNewTokens)
        var rng = SeededRandom(seed: 0)   // greedy decoding draws nothing
        var pairs: [PreferenceExample] = []
        for (i, p) in prompts.enumerated() {
            let (reply, finished) = evaluator.reply(model, prompt: p.prompt, rng: &rng)
            progress?.update(i + 1)
            guard finished else { continue }
            let (mended, fixes) = ValueCorrection.correct(reply, truth: p.truth)
            guard !fixes.isEmpty else { continue }
            let flaw: Flaw = fixes.contains { $0.right.isPolicy } ? .wrongPolicy : .inventedDetail
            pairs.append(PreferenceExample(prompt: p.prompt, chosen: mended, rejected: reply, flaw: flaw.rawValue))
        }
        return pairs
    }
    // MARK: end
}
