import Core
import SupportDesk
import Transformer

// MARK: book chat-template
/// ChatML, the chat format many open models use:
///
///     <|im_start|>system\n{facts}<|im_end|>\n
///     <|im_start|>user\n{message}<|im_end|>\n
///     <|im_start|>assistant\n{reply}<|im_end|>\n
///
/// `<|im_start|>` and `<|im_end|>` are special tokens (one id each, never produced by BPE from
/// text), so the model can tell where a turn begins and ends; generation stops at `<|im_end|>`.
public struct ChatTemplate {
    public let tokenizer: BPETokenizer
    public let start: Int, end: Int, newline: [Int]

    public init(tokenizer: BPETokenizer) throws {
        guard let s = tokenizer.id(ofSpecial: "<|im_start|>"), let e = tokenizer.id(ofSpecial: "<|im_end|>") else {
            throw CourseError("the tokenizer has no <|im_start|>/<|im_end|> special tokens")
        }
        self.tokenizer = tokenizer
        (start, end) = (s, e)
        newline = tokenizer.encode("\n", allowSpecial: false)
    }

    /// Token ids of a conversation and, for each token, whether the model is trained to
    /// produce it: only the assistant's reply and its closing `<|im_end|>`. The role header
    /// ("assistant\n") and everything the system and user said are context, not targets.
    public func encode(_ messages: [Message]) -> (ids: [Int], trainable: [Bool]) {
        var ids: [Int] = [], trainable: [Bool] = []
        func add(_ t: [Int], _ train: Bool) { ids += t; trainable += Array(repeating: train, count: t.count) }
        for m in messages {
            let isReply = m.role == "assistant"
            add([start] + tokenizer.encode(m.role + "\n", allowSpecial: false), false)
            add(tokenizer.encode(m.content, allowSpecial: false), isReply)
            add([end], isReply)
            add(newline, false)
        }
        return (ids, trainable)
    }

    /// The prompt a model continues to write a reply: the conversation so far, then the
    /// header of an assistant turn.
    public func generationPrompt(_ messages: [Message]) -> [Int] {
        encode(messages).ids + [start] + tokenizer.encode("assistant\n", allowSpecial: false)
    }
}
// MARK: end
