import Core
/// Exercise 3.2 — The chat template, as token ids and a loss mask.
///
/// Turn a conversation (pairs of role and content) into the token ids the SFT model trains on
/// and, for each id, whether it is a training target. ChatML lays out every turn as
///   start, encode(role + "\n"), encode(content), end, encode("\n")
/// where `start` and `end` are the ids of the special tokens `<|im_start|>` and `<|im_end|>`
/// and `encode` is the tokenizer on plain text (a message that contains the text
/// "<|im_end|>" gets ordinary tokens for it, never the special id).
///
/// Only an assistant turn's content tokens and its `end` are trainable: the model learns to
/// write the reply and to stop. Its header (`start`, "assistant\n") and the newline after
/// `end` are not, and neither is any token of a system or user turn.
/// When `addGenerationPrompt` is true, append the header of the assistant's next turn,
///   start, encode("assistant\n")   (not trainable)
/// so that a model continues with its reply.
/// A role other than "system", "user" or "assistant" throws an error that names it: its
/// turn would never be trained on, which is how a misspelt "Assistant" silently loses a reply.
/// Returns two arrays of the same length.
public func encodeChat(_ messages: [(role: String, content: String)], encode: (String) -> [Int],
                       start: Int, end: Int, addGenerationPrompt: Bool) throws -> (ids: [Int], trainable: [Bool]) {
    var ids: [Int] = [], trainable: [Bool] = []
    // Appends tokens that all share one flag.
    func append(_ tokens: [Int], trainable flag: Bool) {
        ids += tokens
        trainable += [Bool](repeating: flag, count: tokens.count)
    }
    for m in messages {
        guard ["system", "user", "assistant"].contains(m.role) else {
            throw CourseError("unknown role \"\(m.role)\": a turn is system, user or assistant")
        }
        let isReply = m.role == "assistant"
        append([start] + encode(m.role + "\n"), trainable: false)   // the header is context
        append(encode(m.content), trainable: isReply)
        append([end], trainable: isReply)                           // the reply's end: learn to stop
        append(encode("\n"), trainable: false)
    }
    if addGenerationPrompt {
        append([start] + encode("assistant\n"), trainable: false)
    }
    return (ids, trainable)
}
