#!/usr/bin/env python3
"""Loads a folder written by `course export` with transformers (and PEFT, when it holds an
adapter) exactly as a learner would, and compares with the kit:

  1. AutoTokenizer + the chat template in tokenizer_config.json give the same token ids as
     the kit's ChatTemplate for the conversation in logprobs_check.json;
  2. AutoModelForCausalLM gives the same log-probability of every token as the kit, to 1e-4;
  3. with adapter/: AutoPeftModelForCausalLM (the base checkpoint named in adapter_config.json,
     its token table grown to the tokenizer) gives the log-probs of the merged model
     (reported; for QLoRA the merged model holds the dequantised 4-bit weights, so it differs).

Usage:
  python scripts/check_export_with_transformers.py export
Needs: pip install torch transformers (and peft for the adapter). Exits 1 when 1 or 2 fails.
"""
import json
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def logprobs(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].float()
    lp = torch.log_softmax(logits, dim=-1)[:-1]
    return lp.gather(1, torch.tensor(ids[1:]).unsqueeze(1)).squeeze(1)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    with open(os.path.join(root, "logprobs_check.json")) as f:
        check = json.load(f)
    ids = check["input_ids"]
    ours = torch.tensor(check["logprobs"], dtype=torch.float32)

    tokenizer = AutoTokenizer.from_pretrained(os.path.join(root, "model"))
    theirs_ids = tokenizer.apply_chat_template(check["messages"], tokenize=True, return_dict=True)["input_ids"]
    same_ids = list(theirs_ids[:len(ids)]) == ids
    print(f"tokenizer: {type(tokenizer).__name__}, {len(tokenizer)} tokens; chat template ids "
          f"{'equal' if same_ids else 'DIFFER from'} the kit's ({len(ids)} tokens)")
    if not same_ids:
        first = next(i for i, (a, b) in enumerate(zip(theirs_ids, ids)) if a != b)
        print(f"  first difference at token {first}: transformers {theirs_ids[first]}, kit {ids[first]}")

    model = AutoModelForCausalLM.from_pretrained(os.path.join(root, "model")).eval()
    lp = logprobs(model, ids)
    diff = (lp - ours).abs().max().item()
    print(f"transformers {__import__('transformers').__version__}: max |log-prob(transformers) - log-prob(kit)| = {diff:.2e} "
          f"over {len(ids) - 1} tokens (mean log-prob {ours.mean().item():.3f})")

    prompt = tokenizer.apply_chat_template(check["messages"][:-1], add_generation_prompt=True, return_tensors="pt", return_dict=True)
    out = model.generate(**prompt, max_new_tokens=24, do_sample=False)
    reply = tokenizer.decode(out[0, prompt["input_ids"].shape[1]:], skip_special_tokens=True)
    print(f"generate (greedy, 24 tokens): {reply!r}")

    adapter = os.path.join(root, "adapter")
    if os.path.isdir(adapter):
        from peft import AutoPeftModelForCausalLM
        peft_model = AutoPeftModelForCausalLM.from_pretrained(adapter).eval()
        plp = logprobs(peft_model, ids)
        print(f"PEFT {__import__('peft').__version__}: adapter on the base, max |log-prob(PEFT) - log-prob(merged export)| = "
              f"{(plp - lp).abs().max().item():.2e}")

    ok = same_ids and diff < 1e-4
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
