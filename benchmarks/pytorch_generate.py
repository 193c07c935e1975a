#!/usr/bin/env python3
"""PyTorch reference for `course bench generate`: the same GPT-2 shapes (Hugging Face
transformers' GPT2LMHeadModel, random weights), a 32-token prompt, 256 new tokens, greedy, with
`generate`'s KV cache and without it, on the same thread count. Prints one JSON line per preset,
like the Swift benchmark.

    pip install torch transformers     # optional: the kit itself never needs Python
    python3 benchmarks/pytorch_generate.py --preset small --threads 2
"""
import argparse, json, time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

# The model shapes of `course bench generate` (Chapters/02-Transformer/Benchmarks.swift): the
# training presets with the context raised to at least 320 positions (32 + 256 must fit).
PRESETS = {
    "tiny": dict(vocab=512, ctx=320, d=128, layers=4, heads=4),
    "small": dict(vocab=2048, ctx=320, d=256, layers=6, heads=8),
    "gpt2": dict(vocab=50257, ctx=1024, d=768, layers=12, heads=12),
}
PROMPT, NEW = 32, 256


def run(name, threads, uncached):
    p = PRESETS[name]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=p["vocab"], n_positions=p["ctx"], n_embd=p["d"], n_layer=p["layers"],
                     n_head=p["heads"], activation_function="gelu_new", bos_token_id=0, eos_token_id=None,
                     pad_token_id=0)
    model = GPT2LMHeadModel(cfg).eval()
    prompt = torch.arange(PROMPT).unsqueeze(0)

    def generate(use_cache):
        with torch.inference_mode():
            t0 = time.perf_counter()
            out = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=NEW,
                                 min_new_tokens=NEW, do_sample=False, use_cache=use_cache)
            t = time.perf_counter() - t0
        assert out.shape[1] == PROMPT + NEW, out.shape
        return t

    generate(True)                       # warm-up (first-call allocations, thread pool start)
    cached = NEW / generate(True)
    row = {"bench": "generate", "impl": "pytorch", "preset": name, "new_tokens": NEW, "prompt_tokens": PROMPT,
           "tokens_per_s_cached": round(cached), "threads": threads, "torch": torch.__version__}
    if uncached:
        plain = NEW / generate(False)
        row.update(tokens_per_s_uncached=round(plain), speedup=round(cached / plain, 1))
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="small")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--uncached", action="store_true", help="also time generation without the cache")
    a = ap.parse_args()
    for name in a.preset.split(","):
        run(name, a.threads, a.uncached)
