#!/usr/bin/env python3
"""Builds the BPE training fixture: a small seeded corpus and the merges that Hugging Face
`tokenizers` learns from it with GPT-2's byte-level setup (ByteLevel pre-tokenizer, all 256
bytes as the initial alphabet, no special tokens). Our trainer must learn the same merges in the
same order: same pre-tokenisation, same counts, same tie-breaking (higher count first, then the
pair with the smaller ids).

Writes hf-bpe-training/{corpus.txt, vocab.json, merges.txt}; corpus.txt holds one training text
per line (each text is the line plus its newline).

Reproduce:
  python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install tokenizers
  /tmp/hfenv/bin/python Tests/ChapterTests/Fixtures/make_hf_bpe_training_fixture.py
"""
import os
import random

from tokenizers import Tokenizer, models, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hf-bpe-training")
VOCAB_SIZE = 600


def corpus(lines, seed):
    rng = random.Random(seed)
    words = ("the a order return refund shipping we're sorry please your parcel arrives in days customer "
             "support it's policy window damaged item label address thank you for waiting can't I'll "
             "they've tracking number warehouse weekend Monday express standard invoice").split()
    ja = ["ご注文", "ありがとうございます", "返品", "送料", "お問い合わせ", "確認", "手続き", "。", "、", "申し訳ございません"]
    punct = [",", ".", "!", "?", ":", " -", " (", ")", "  ", "\t", "..."]
    out = []
    for _ in range(lines):
        parts = []
        for k in range(rng.randint(3, 14)):
            r = rng.random()
            if r < 0.08:
                w = rng.choice(ja)
            elif r < 0.14:
                w = str(rng.randint(0, 2000))
            elif r < 0.22:
                w = rng.choice(punct)
            elif r < 0.25:
                w = "😀" if rng.random() < 0.5 else "Ünïcödé"
            else:
                w = rng.choice(words)
                if rng.random() < 0.15:
                    w = w.capitalize()
            parts.append(("" if k == 0 or rng.random() < 0.1 else " ") + w)
        out.append("".join(parts))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = corpus(1500, seed=0)
    with open(os.path.join(OUT, "corpus.txt"), "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    texts = [line + "\n" for line in lines]

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, min_frequency=0, show_progress=False,
                                  special_tokens=[], initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts, trainer=trainer)
    tok.model.save(OUT)
    print("vocab", tok.get_vocab_size(), "corpus bytes", sum(len(t.encode()) for t in texts))


if __name__ == "__main__":
    main()
