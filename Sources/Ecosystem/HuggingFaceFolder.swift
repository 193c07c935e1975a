import Core
import Foundation
import SFT
import Transformer

/// A model folder as `transformers` writes one, so that `AutoModelForCausalLM.from_pretrained`
/// and `AutoTokenizer.from_pretrained` load it as it is:
///
///     config.json               GPT-2's keys, vocab_size counting the added tokens, pad_token_id
///     model.safetensors         "transformer."-prefixed names, lm_head tied (not stored)
///     vocab.json, merges.txt    the byte-level BPE
///     tokenizer_config.json     tokenizer class, special tokens, added tokens, the chat template
///     special_tokens_map.json   bos / eos / pad / unk and the chat tokens
///     added_tokens.json         the special tokens and their ids
///     generation_config.json    stop at <|im_end|> (and <|endoftext|>), the pad id
public enum HuggingFaceFolder {
    // MARK: book chat-template-jinja
    /// Chapter 3's ChatML as the Jinja template transformers renders
    /// (`tokenizer.apply_chat_template`): the same ids as `ChatTemplate.encode`, and with
    /// `add_generation_prompt` the header of the assistant's turn.
    public static let chatTemplate = "{% for message in messages %}"
        + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    // MARK: end

    /// The roles of the special tokens: a chat model ends a turn (and generation) with
    /// <|im_end|>; GPT-2's <|endoftext|> stays the beginning and unknown token; padding uses
    /// <|pad|> when the vocabulary has one (the kit's own), else <|endoftext|>.
    public struct Roles: Sendable {
        public var bos: String, eos: String, pad: String, unk: String
        public init(_ t: BPETokenizer) {
            let text = { (name: String) in t.id(ofSpecial: name) != nil ? name : nil }
            let end = text("<|endoftext|>") ?? "<|im_end|>"
            (bos, eos, unk) = (end, text("<|im_end|>") ?? end, end)
            pad = text("<|pad|>") ?? end
        }
    }

    /// Writes the tokenizer files (vocab.json, merges.txt and the four JSON files) into `dir`.
    public static func writeTokenizer(_ t: BPETokenizer, contextLength: Int, to dir: URL) throws {
        try t.save(directory: dir.path)
        let roles = Roles(t)
        let specials = t.specialTokens.sorted { $0.value < $1.value }
        var decoder: [String: Any] = [:]
        for (text, id) in specials {
            decoder[String(id)] = ["content": text, "lstrip": false, "normalized": false, "rstrip": false,
                                   "single_word": false, "special": true]
        }
        let chatTokens = BaseCheckpoint.chatTokens.filter { t.id(ofSpecial: $0) != nil }
        let config: [String: Any] = [
            "tokenizer_class": "GPT2Tokenizer", "model_max_length": contextLength,
            "bos_token": roles.bos, "eos_token": roles.eos, "pad_token": roles.pad, "unk_token": roles.unk,
            "add_prefix_space": false, "add_bos_token": false, "clean_up_tokenization_spaces": false, "errors": "replace",
            "additional_special_tokens": chatTokens, "added_tokens_decoder": decoder, "chat_template": chatTemplate,
        ]
        try writeObject(config, to: dir.appendingPathComponent("tokenizer_config.json"))
        try writeObject(["bos_token": roles.bos, "eos_token": roles.eos, "pad_token": roles.pad, "unk_token": roles.unk,
                         "additional_special_tokens": chatTokens], to: dir.appendingPathComponent("special_tokens_map.json"))
        try writeObject(Dictionary(uniqueKeysWithValues: specials.map { ($0.key, $0.value) }),
                        to: dir.appendingPathComponent("added_tokens.json"))
    }

    /// Writes the whole folder for `model` and its tokenizer into `dir` (which must exist).
    public static func write(_ model: GPT, tokenizer t: BPETokenizer, to dir: URL) throws {
        guard t.vocabSize == model.config.vocabSize else {
            throw CourseError("the tokenizer has \(t.vocabSize) tokens and the model \(model.config.vocabSize) rows; they must match")
        }
        guard t.id(ofSpecial: "<|endoftext|>") != nil || t.id(ofSpecial: "<|im_end|>") != nil else {
            throw CourseError("the tokenizer has neither <|endoftext|> nor <|im_end|>: nothing could end a sequence")
        }
        try model.save(directory: dir)
        try writeTokenizer(t, contextLength: model.config.contextLength, to: dir)
        let roles = Roles(t)
        let id = { (text: String) in t.id(ofSpecial: text)! }
        // config.json as GPTConfig writes it, with the ids transformers reads from it.
        let configURL = dir.appendingPathComponent(GPT.configFile)
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
        (config["bos_token_id"], config["eos_token_id"], config["pad_token_id"]) = (id(roles.bos), id(roles.eos), id(roles.pad))
        try writeObject(config, to: configURL)
        let stops = Array(Set([id(roles.eos), id(roles.bos)])).sorted()
        try writeObject(["bos_token_id": id(roles.bos), "eos_token_id": stops.count == 1 ? stops[0] as Any : stops,
                         "pad_token_id": id(roles.pad), "do_sample": false, "max_new_tokens": ReplyEvaluator.replyTokenLimit],
                        to: dir.appendingPathComponent("generation_config.json"))
    }

    static func writeObject(_ object: Any, to url: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(data + Data("\n".utf8), to: url)
    }
}
