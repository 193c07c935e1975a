#!/usr/bin/env python3
"""Loads an adapter written by `course run lora` into PEFT, on the same base checkpoint, and
compares PEFT's logits with the ones the Swift run wrote beside the adapter.

Usage:
  /tmp/hfenv/bin/python scripts/check_adapter_with_peft.py runs/transformer/model runs/lora/lora-r16/adapter

The adapter folder holds adapter_config.json + adapter_model.safetensors (PEFT's format) and
logits_check.json ({"input_ids": [...], "logits": [[...]]}, our logits for those ids).
Needs: pip install torch transformers peft safetensors. Exits 1 when the logits differ.
"""
import json
import sys

import torch
from peft import PeftModel
from transformers import GPT2LMHeadModel


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base_dir, adapter_dir = sys.argv[1], sys.argv[2]
    with open(f"{adapter_dir}/logits_check.json") as f:
        check = json.load(f)
    base = GPT2LMHeadModel.from_pretrained(base_dir).eval()
    model = PeftModel.from_pretrained(base, adapter_dir).eval()
    with torch.no_grad():
        theirs = model(torch.tensor([check["input_ids"]])).logits[0].float()
    ours = torch.tensor(check["logits"], dtype=torch.float32)
    diff = (theirs - ours).abs().max().item()
    scale = ours.abs().max().item()
    print(f"PEFT {__import__('peft').__version__}: max |logit(PEFT) - logit(ours)| = {diff:.3e} (logits up to {scale:.2f})")
    with model.disable_adapter(), torch.no_grad():
        without = model(torch.tensor([check["input_ids"]])).logits[0].float()
    print(f"the adapter changes the logits by up to {(theirs - without).abs().max().item():.3e}")
    sys.exit(0 if diff < 1e-3 * max(1.0, scale) else 1)


if __name__ == "__main__":
    main()
