#!/usr/bin/env python3
"""Builds LoRA adapters with PEFT itself on the tiny GPT-2 of hf-tiny-gpt2/, and the logits
PEFT computes with them, so the Swift loader and LoRA forward can be checked against PEFT.

Writes, next to this script:
  peft-lora/lora/          adapter_config.json + adapter_model.safetensors (save_pretrained):
                           r 4, alpha 8, targets c_attn, c_proj, c_fc (all linear layers),
                           random A and B (init_lora_weights=False, then B rescaled) so the
                           adapter changes the output
  peft-lora/rslora-dora/   r 2, alpha 4, rsLoRA, DoRA, targets c_attn and mlp.c_proj, the
                           magnitude vector perturbed so DoRA's rescaling matters
  peft-lora/expected_logits.json
                           {"input_ids": [...], "lora": [[...]], "rslora-dora": [[...]],
                            "base": [[...]]}: logits [T, V] of each model (eval mode, float32)

Reproduce (CPU is enough):
  python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install torch transformers safetensors peft
  /tmp/hfenv/bin/python Tests/ChapterTests/Fixtures/make_peft_lora_fixture.py
"""
import json
import os
import shutil

import peft
import torch
from peft import LoraConfig, get_peft_model
from transformers import GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "hf-tiny-gpt2")
OUT = os.path.join(HERE, "peft-lora")
IDS = [63, 5, 17, 42, 8, 8, 30, 1, 0, 62, 21, 9]


def build(name, config, seed):
    torch.manual_seed(seed)
    model = GPT2LMHeadModel.from_pretrained(BASE).eval()
    pm = get_peft_model(model, config).eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for n, p in pm.named_parameters():
            if "lora_B" in n:
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
            elif "lora_magnitude_vector" in n:
                p.mul_(1 + 0.2 * torch.randn(p.shape, generator=gen))
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    pm.save_pretrained(folder)
    # Keep the file free of this machine's paths.
    cfg_path = os.path.join(folder, "adapter_config.json")
    with open(cfg_path) as f:
        cfg = json.load(f)
    cfg["base_model_name_or_path"] = "hf-tiny-gpt2"
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    readme = os.path.join(folder, "README.md")
    if os.path.exists(readme):
        os.remove(readme)
    with torch.no_grad():
        return pm(torch.tensor([IDS])).logits[0].float().tolist()


def main():
    os.makedirs(OUT, exist_ok=True)
    with torch.no_grad():
        base = GPT2LMHeadModel.from_pretrained(BASE).eval()(torch.tensor([IDS])).logits[0].float().tolist()
    lora = build("lora", LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn", "c_proj", "c_fc"],
                                    fan_in_fan_out=True, init_lora_weights=False, task_type="CAUSAL_LM"), 1)
    dora = build("rslora-dora", LoraConfig(r=2, lora_alpha=4, target_modules=["c_attn", "mlp.c_proj"],
                                           fan_in_fan_out=True, use_rslora=True, use_dora=True,
                                           init_lora_weights=False, task_type="CAUSAL_LM"), 2)
    with open(os.path.join(OUT, "expected_logits.json"), "w") as f:
        json.dump({"description": "PEFT logits [T, V] on hf-tiny-gpt2 with each adapter (eval mode)",
                   "peft_version": peft.__version__, "torch_version": torch.__version__,
                   "input_ids": IDS, "base": base, "lora": lora, "rslora-dora": dora}, f)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
