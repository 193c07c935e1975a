#!/usr/bin/env python3
"""Writes hf-tiny-reward-model/: a random Hugging Face GPT2ForSequenceClassification with one
label (what TRL's RewardTrainer trains), saved with save_pretrained, and expected.json: a
right-padded batch of input ids and the scores transformers computes for it (read at each row's
last non-padding token). Chapter 6's RewardModel.load must read the folder and give the same
scores. Needs torch and transformers (see README.md).
"""
import json, os, torch
from transformers import GPT2Config, GPT2ForSequenceClassification

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "hf-tiny-reward-model")
config = GPT2Config(vocab_size=64, n_positions=32, n_embd=32, n_layer=2, n_head=4, num_labels=1, pad_token_id=0,
                    resid_pdrop=0, embd_pdrop=0, attn_pdrop=0)
model = GPT2ForSequenceClassification(config).eval()
with torch.no_grad():   # far-from-zero weights, so every detail (which token is read) shows in the score
    for p in model.parameters():
        p.mul_(4.0)
model.save_pretrained(out, safe_serialization=True)
rows = [[5, 9, 13, 2, 40, 41, 0, 0, 0, 0],
        [7, 1, 63, 22, 22, 8, 3, 30, 11, 12],
        [9, 0, 14, 0, 0, 0, 0, 0, 0, 0],      # a pad id inside the sequence: the row ends at 14
        [33, 0, 0, 0, 0, 0, 0, 0, 0, 0]]
ids = torch.tensor(rows)
with torch.no_grad():
    scores = model(input_ids=ids).logits[:, 0].tolist()
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({"input_ids": rows, "pad_token_id": 0, "scores": scores}, f, indent=1)
    f.write("\n")
print("wrote", out, scores)
