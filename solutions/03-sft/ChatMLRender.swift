/// Exercise 3.2 — The ChatML template, as text.
///
/// Render a conversation (pairs of role and content) the way ChatML writes it: each turn is
///   <|im_start|>{role}\n{content}<|im_end|>\n
/// and, when `addGenerationPrompt` is true, append the header of the assistant's next turn,
///   <|im_start|>assistant\n
/// so that a model continues with its reply. Nothing else: no extra spaces or blank lines.
public func renderChatML(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool) throws -> String {
    var text = ""
    for m in messages {
        text += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n"
    }
    if addGenerationPrompt { text += "<|im_start|>assistant\n" }
    return text
}
