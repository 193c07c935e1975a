import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// A preference pair as token ids, with the reference model's sequence log-probabilities of
/// both replies. The reference (the frozen SFT model) never changes during training, so its
/// log-probs are computed once, before the first step, and stored here: each training step then
/// needs only the policy's forward and backward pass.
public struct PreparedPair: Sendable {
    public var chosen: PromptCompletion
    public var rejected: PromptCompletion
    public var flaw: String?
    public var referenceChosen: Float = 0
    public var referenceRejected: Float = 0
}

/// One labelled reply for KTO, with its mismatched partner (the same prompt followed by another
/// example's reply) used to estimate the KL reference point z, and the reference log-probs of both.
public struct PreparedUnpaired: Sendable {
    public var sequence: PromptCompletion
    public var label: Bool
    public var mismatched: PromptCompletion
    public var reference: Float = 0
    public var referenceMismatched: Float = 0
}

/// An unpaired example in TRL's format: a prompt, one reply, and whether it is desirable.
public struct UnpairedPreference: Sendable, Equatable {
    public var prompt: [Message]
    public var completion: String
    public var label: Bool
    public init(prompt: [Message], completion: String, label: Bool) { (self.prompt, self.completion, self.label) = (prompt, completion, label) }
    public init(_ u: UnpairedExample) {
        self.init(prompt: u.prompt, completion: u.completion.map(\.content).joined(separator: "\n"), label: u.label)
    }

    /// Loads `{"prompt", "completion", "label": true|false}` lines (prompt and completion a string
    /// or messages); the first bad line throws with its file and line.
    public static func load(path: String) throws -> [UnpairedPreference] {
        let rows = try JSONL.objects(path: path)
        if rows.isEmpty { throw CourseError(file: path, "no examples (the file is empty)") }
        return try rows.map { line, obj in
            let r = RowReader(file: path, line: line, row: obj)
            let prompt = try r.messages("prompt", defaultRole: "user")
            let completion = try r.reply("completion")
            guard let l = obj["label"] else { throw r.fail("missing key \"label\"") }
            guard let n = l as? NSNumber, String(describing: type(of: n)).contains("Boolean") else {
                throw r.fail("\"label\" must be true or false")
            }
            return UnpairedPreference(prompt: prompt, completion: completion, label: n.boolValue)
        }
    }
}

public enum ReferenceLogProbs {
    /// Tokenises pairs, drops those that do not fit the context (a cut reply would be judged on
    /// text the rater never saw), and, when `reference` is given, stores its log-probs. With
    /// `editedOnly`, each reply is scored only on the tokens where the two replies differ.
    public static func prepare(_ pairs: [PreferenceExample], template: ChatTemplate, reference: GPT?, context: Int,
                               pad: Int, editedOnly: Bool = false) -> (pairs: [PreparedPair], dropped: Int) {
        var out = pairs.map { p in
            PreparedPair(chosen: PromptCompletion(prompt: p.prompt, reply: p.chosen, template: template),
                         rejected: PromptCompletion(prompt: p.prompt, reply: p.rejected, template: template), flaw: p.flaw)
        }.filter { max($0.chosen.count, $0.rejected.count) <= context }
        let dropped = pairs.count - out.count
        if editedOnly { out = restrictToEdits(out) }
        if let reference {
            let c = SequenceLogProbs.values(reference, out.map(\.chosen), pad: pad)
            let r = SequenceLogProbs.values(reference, out.map(\.rejected), pad: pad)
            for i in out.indices { out[i].referenceChosen = c[i]; out[i].referenceRejected = r[i] }
        }
        return (out, dropped)
    }

    // MARK: book kto-mismatch
    /// Unpaired examples with their mismatched partners: example i's prompt followed by the
    /// reply of example i + 1 (wrapping around), as TRL builds its KL batch by shifting replies.
    /// A reply written for another customer is off-topic, so log π − log π_ref on it measures
    /// how far the policy has drifted in general, not how much it learned about this prompt.
    public static func prepare(_ examples: [UnpairedPreference], template: ChatTemplate, reference: GPT, context: Int,
                               pad: Int) -> (examples: [PreparedUnpaired], dropped: Int) {
        let seqs = examples.map { PromptCompletion(prompt: $0.prompt, reply: $0.completion, template: template) }
        var out: [PreparedUnpaired] = []
        for i in seqs.indices {
            let partner = seqs[(i + 1) % seqs.count]
            let mismatched = PromptCompletion(prompt: seqs[i].prompt, completion: partner.completion)
            guard max(seqs[i].count, mismatched.count) <= context else { continue }
            out.append(PreparedUnpaired(sequence: seqs[i], label: examples[i].label, mismatched: mismatched))
        }
        let ref = SequenceLogProbs.values(reference, out.map(\.sequence), pad: pad)
        let refKL = SequenceLogProbs.values(reference, out.map(\.mismatched), pad: pad)
        for i in out.indices { out[i].reference = ref[i]; out[i].referenceMismatched = refKL[i] }
        return (out, examples.count - out.count)
    }
    // MARK: end
}
