import Core
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
/// lower values the model would rarely write. What it shows on the default preset: it does not
/// teach copying. The right values are close (a mended reply is on average 1.3 nats less likely
/// than the model's own), but when two replies share nearly every token DPO lowers both, and
/// the probability they lose goes to other wrong values ("likelihood displacement"). Book
/// chapter 8 has the numbers.
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
