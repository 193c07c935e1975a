#!/usr/bin/env python3
"""PyTorch reference for `course bench train`: the same GPT-2 shapes (Hugging Face
transformers' GPT2LMHeadModel), the same full step (forward, backward, AdamW), the same thread
count. Prints one JSON line per preset, like the Swift benchmark.

    pip install torch transformers     # optional: the kit itself never needs Python
    python3 benchmarks/pytorch_train.py --preset tiny --threads 2
"""
import argparse, json, statistics, time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

PRESETS = {
    "tiny": dict(vocab=512, ctx=128, d=128, layers=4, heads=4, batch=16),
    "small": dict(vocab=2048, ctx=256, d=256, layers=6, heads=8, batch=8),
    "gpt2": dict(vocab=50257, ctx=64, d=768, layers=12, heads=12, batch=4, positions=1024),
}


def run(name, threads, steps):
    p = PRESETS[name]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=p["vocab"], n_positions=p.get("positions", p["ctx"]), n_embd=p["d"],
                     n_layer=p["layers"], n_head=p["heads"], resid_pdrop=0, embd_pdrop=0, attn_pdrop=0,
                     activation_function="gelu_new")
    model = GPT2LMHeadModel(cfg)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)
    ids = torch.randint(0, p["vocab"], (p["batch"], p["ctx"]))
    targets = torch.randint(0, p["vocab"], (p["batch"], p["ctx"]))

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(input_ids=ids).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, p["vocab"]), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    t = statistics.median(times)
    tokens = p["batch"] * p["ctx"]
    print(json.dumps({"bench": "train", "impl": "pytorch", "preset": name, "step_ms": round(t * 1000, 1),
                      "tokens_per_s": round(tokens / t), "threads": threads,
                      "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="tiny,small")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    for name in a.preset.split(","):
        run(name, a.threads, a.steps)
