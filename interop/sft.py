"""Supervised fine-tuning with TRL, continued from the kit's exported model (Chapter 3).

    python interop/sft.py                       # export/model on export/data/sft.jsonl -> out/sft
    accelerate launch --config_file interop/accelerate/multi_gpu.yaml interop/sft.py --max-steps 500 --batch 16

The SFT rows are conversations ({"messages": [system, user, assistant]}); they become
prompt-completion pairs, so the loss falls on the reply only, as in the kit.
"""
from transformers import AutoTokenizer
from trl import SFTConfig, SFTTrainer

from common import arguments, common_config, done, peft_config, rows

a = arguments("SFT", "out/sft")
data = rows(a, "sft.jsonl", ["messages"]).map(
    lambda r: {"prompt": r["messages"][:-1], "completion": r["messages"][-1:]}, remove_columns=["messages"])
tokenizer = AutoTokenizer.from_pretrained(a.model)
config = SFTConfig(**common_config(a), max_length=min(512, tokenizer.model_max_length), completion_only_loss=True)
trainer = SFTTrainer(model=a.model, args=config, train_dataset=data, processing_class=tokenizer, peft_config=peft_config(a))
trainer.train()
done(trainer, a)
