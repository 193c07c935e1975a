"""What every script here shares: the command line, and reading `course export`'s data.

Each script continues from the exported model (export/model) on the exported data
(export/data, TRL's JSONL formats) and saves what it trains in --out. The defaults are sized to
run in a minute on a laptop CPU; on GPUs raise --max-steps and --batch, and start the script
with `accelerate launch --config_file interop/accelerate/<config>.yaml` (see the book's
appendix "When you outgrow one machine").
"""
import argparse
import json
import os

from datasets import Dataset


def arguments(stage, out):
    p = argparse.ArgumentParser(description=f"TRL {stage}, continued from `course export`.")
    p.add_argument("--model", default="export/model", help="a model folder (course export writes export/model)")
    p.add_argument("--data", default="export/data", help="the exported data folder")
    p.add_argument("--out", default=out, help="where the trained model goes")
    p.add_argument("--max-steps", type=int, default=10)
    p.add_argument("--batch", type=int, default=2, help="rows per device per step")
    p.add_argument("--accumulation", type=int, default=1, help="gradient accumulation steps")
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--bf16", action="store_true", help="bfloat16 mixed precision (GPUs with bf16, recent CPUs)")
    p.add_argument("--lora", action="store_true", help="train LoRA adapters (PEFT) instead of every weight")
    p.add_argument("--rows", type=int, default=0, help="use only the first N rows (0: all)")
    return p.parse_args()


def common_config(a):
    """TrainingArguments every trainer shares; what changes on more machines is only here."""
    return dict(output_dir=a.out, max_steps=a.max_steps, per_device_train_batch_size=a.batch,
                gradient_accumulation_steps=a.accumulation, learning_rate=a.lr, bf16=a.bf16,
                logging_steps=1, save_strategy="no", report_to="none", seed=1)


def peft_config(a):
    if not a.lora:
        return None
    from peft import LoraConfig
    # The kit's settings: rank 16, alpha 32, every linear layer, the token table trained in full
    # (the chat tokens' rows are new); GPT-2's Conv1D layers need fan_in_fan_out.
    return LoraConfig(r=16, lora_alpha=32, target_modules=["c_attn", "c_proj", "c_fc"], fan_in_fan_out=True,
                      modules_to_save=["wte", "lm_head"], task_type="CAUSAL_LM")


def rows(a, name, keep):
    """The rows of a JSONL file in export/data, with only the columns TRL reads (`keep`)."""
    with open(os.path.join(a.data, name), encoding="utf-8") as f:
        data = [json.loads(line) for line in f if line.strip()]
    if a.rows:
        data = data[:a.rows]
    return Dataset.from_list([{k: r[k] for k in keep} for r in data])


def done(trainer, a):
    trainer.save_model(a.out)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    if losses:
        print(f"{a.out}: {trainer.state.global_step} steps, loss {losses[0]:.4f} -> {losses[-1]:.4f}")
