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

    /// The roles a turn can have; any other would be laid out like a user's turn and never
    /// trained on, so a misspelt "Assistant" would silently leave its reply out of the loss.
    public static let roles: Set<String> = ["system", "user", "assistant"]

    public init(tokenizer: BPETokenizer) throws {
        guard let s = tokenizer.id(ofSpecial: "<|im_start|>"), let e = tokenizer.id(ofSpecial: "<|im_end|>") else {
            throw CourseError("the tokenizer has no <|im_start|>/<|im_end|> special tokens")
        }
        self.tokenizer = tokenizer
        (start, end) = (s, e)
        newline = tokenizer.encode("\n", allowSpecial: false)
    }
}
// MARK: end

// MARK: book chat-template-encode
extension ChatTemplate {
    /// Token ids of a conversation and, for each token, whether the model is trained to
    /// produce it: only the assistant's reply and its closing `<|im_end|>`. The role header
    /// ("assistant\n") and everything the system and user said are context, not targets.
    /// Text is encoded with `allowSpecial: false`: a message that contains "<|im_end|>" gets
    /// ordinary tokens for it, never the special id.
    public func encode(_ messages: [Message]) -> (ids: [Int], trainable: [Bool]) {
        KitAnswer.used("ChatTemplate.encode", answers: "3.2")
        if let mine = LearnerCode.function("encodeChat", as: EncodeChatFunction.self) { return learnerEncode(messages, false, mine) }
        var ids: [Int] = [], trainable: [Bool] = []
        func add(_ t: [Int], _ train: Bool) { ids += t; trainable += Array(repeating: train, count: t.count) }
        for m in messages {
            precondition(Self.roles.contains(m.role), "ChatTemplate: unknown role \"\(m.role)\" (a turn is system, user or assistant)")
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
        KitAnswer.used("ChatTemplate.generationPrompt", answers: "3.2")
        if let mine = LearnerCode.function("encodeChat", as: EncodeChatFunction.self) { return learnerEncode(messages, true, mine).ids }
        return encode(messages).ids + [start] + tokenizer.encode("assistant\n", allowSpecial: false)
    }
}
// MARK: end

extension ChatTemplate {
    /// The learner's template (exercise 3.2), given this tokenizer's plain-text encoder and
    /// the two special ids.
    func learnerEncode(_ messages: [Message], _ addGenerationPrompt: Bool, _ mine: EncodeChatFunction) -> (ids: [Int], trainable: [Bool]) {
        let r = mine(messages.map { ($0.role, $0.content) }, { tokenizer.encode($0, allowSpecial: false) }, start, end, addGenerationPrompt)
        precondition(r.ids.count == r.trainable.count, "encodeChat returned \(r.ids.count) ids but \(r.trainable.count) trainable flags")
        return r
    }
}

/// The shape of the function a learner plugs in with `course run sft --mine` (see
/// `LearnerCode`): exercise 3.2's signature, without `throws`.
public typealias EncodeChatFunction = ([(role: String, content: String)], (String) -> [Int], Int, Int, Bool) -> (ids: [Int], trainable: [Bool])
