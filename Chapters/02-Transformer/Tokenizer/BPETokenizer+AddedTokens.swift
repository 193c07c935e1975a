import Foundation

// Added tokens, as `tokenizer.add_special_tokens` does in transformers: a checkpoint downloaded
// from the Hugging Face hub (gpt2, distilgpt2) knows only <|endoftext|>; a chat model needs the
// chat template's <|im_start|> and <|im_end|> as single ids, appended after the last id.

extension BPETokenizer {
    /// A tokenizer with `texts` added as special tokens after the last id, in order; texts it
    /// already has keep their ids. The merges and every existing id stay as they were, so the
    /// model's existing embedding rows keep their meaning and only new rows are needed.
    public func adding(specialTokens texts: [String]) -> BPETokenizer {
        var bytes = tokenBytes
        var specials = specialTokens
        for t in texts where specials[t] == nil && !t.isEmpty {
            specials[t] = bytes.count
            bytes.append(Array(t.utf8))
        }
        return BPETokenizer(tokenBytes: bytes, byteIDs: byteIDs, merges: merges, specialTokens: specials)
    }
}
