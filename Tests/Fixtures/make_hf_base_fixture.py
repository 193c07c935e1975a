#!/usr/bin/env python3
"""Makes Tests/Fixtures/hf-base-gpt2/: a small random GPT-2 in the layout of a Hugging Face
download (config.json, model.safetensors, vocab.json, merges.txt, tokenizer_config.json), the
stand-in for gpt2 or distilgpt2 in the tests of `course run sft --base` and `course export`.

The tokenizer is a byte-level BPE (GPT-2's setup) trained by `tokenizers` on the short English
text below, 440 ids with <|endoftext|> last, as in GPT-2. The model is random (seed 0):
vocab 440, context 1024, width 16, 2 layers, 2 heads. About 130 KB in all.

Usage: python3 Tests/Fixtures/make_hf_base_fixture.py
Needs: torch, transformers, tokenizers.
"""
import os

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GPT2Config, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hf-base-gpt2")

TEXT = """
Thank you for contacting us about your order. We are sorry that the parcel arrived late.
Your order number is on the confirmation email. Please check the tracking number and the
delivery address. You can return an item within the return window, usually 30 days, and we
will refund the payment to the original card. If the item arrived damaged, please send a photo
and we will ship a replacement at no cost. Standard shipping takes three to five business days;
express shipping arrives the next day. We apologise for the trouble and are happy to help.
Hello, my order has not arrived yet and the tracking page shows no update since Monday.
I would like to cancel my order and get a refund. Can you change the delivery address?
The invoice shows the wrong amount. I received the wrong size; can I exchange it?
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=439, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator([TEXT] * 4, trainer=trainer)
    tok.add_special_tokens(["<|endoftext|>"])   # GPT-2's only special token, the last id
    tok.model.save(OUT)                         # vocab.json + merges.txt (GPT-2's format)
    vocab = tok.get_vocab()
    eos = vocab["<|endoftext|>"]
    # vocab.json from BPE.save lacks the special token; GPT-2's own file has it last.
    import json
    with open(os.path.join(OUT, "vocab.json"), encoding="utf-8") as f:
        v = json.load(f)
    v["<|endoftext|>"] = eos
    with open(os.path.join(OUT, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(v, f, ensure_ascii=False)
    with open(os.path.join(OUT, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "GPT2Tokenizer", "model_max_length": 1024, "bos_token": "<|endoftext|>",
                   "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}, f, indent=2)

    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(v), n_positions=1024, n_embd=16, n_layer=2, n_head=2,
                        bos_token_id=eos, eos_token_id=eos)
    model = GPT2LMHeadModel(config).eval()
    model.save_pretrained(OUT)
    print(f"wrote {OUT}: vocab {len(v)}, <|endoftext|> = {eos}")


if __name__ == "__main__":
    main()
