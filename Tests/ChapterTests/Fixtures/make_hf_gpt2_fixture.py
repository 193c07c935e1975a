#!/usr/bin/env python3
"""Builds the tiny Hugging Face GPT-2 fixture used to check our checkpoint loader and model.

Writes, next to this script:
  hf-tiny-gpt2/model.safetensors   a random GPT2LMHeadModel saved with save_pretrained
  hf-tiny-gpt2/config.json
  hf-tiny-gpt2/expected_logprobs.json
      {"input_ids": [...], "logprobs": [[...vocab...] per position],
       "next_token_logprobs": [...]}  log-softmax of the logits at every position (float32);
      row t is the distribution of the token after input_ids[t].

Reproduce (CPU is enough):
  python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install torch transformers safetensors
  /tmp/hfenv/bin/python Tests/ChapterTests/Fixtures/make_hf_gpt2_fixture.py
"""
import json
import os

import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hf-tiny-gpt2")


def main():
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=64,
        n_positions=32,
        n_embd=32,
        n_layer=2,
        n_head=4,
        bos_token_id=63,
        eos_token_id=63,
        # Dropout does not matter in eval mode, but keep the file honest about inference.
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
    )
    model = GPT2LMHeadModel(config).eval()
    # GPT-2's own init (std 0.02) gives nearly uniform predictions, which would let a wrong
    # model pass a 1e-4 check. Larger random weights, biases and LayerNorm affines make every
    # part of the forward pass visible in the log-probabilities.
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "ln_" in name and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
    os.makedirs(OUT, exist_ok=True)
    model.save_pretrained(OUT, safe_serialization=True)
    for extra in ("generation_config.json",):
        path = os.path.join(OUT, extra)
        if os.path.exists(path):
            os.remove(path)

    ids = [63, 5, 17, 42, 8, 8, 30, 1, 0, 62, 21, 9]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    next_lp = [float(logprobs[t, ids[t + 1]]) for t in range(len(ids) - 1)]
    expected = {
        "description": "log_softmax(logits) of GPT2LMHeadModel at every position; row t predicts input_ids[t+1]",
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "input_ids": ids,
        "logprobs": [[float(x) for x in row] for row in logprobs.tolist()],
        "next_token_logprobs": next_lp,
    }
    with open(os.path.join(OUT, "expected_logprobs.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    from safetensors import safe_open

    with safe_open(os.path.join(OUT, "model.safetensors"), "pt") as f:
        names = sorted(f.keys())
    print("tensors:", names)
    print("metadata keys ok; files:", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
