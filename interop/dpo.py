"""DPO with TRL, continued from the kit's exported model (Chapter 8).

    python interop/dpo.py                       # export/model on export/data/preferences.jsonl -> out/dpo
    accelerate launch --config_file interop/accelerate/zero2.yaml interop/dpo.py --max-steps 500 --batch 8

The pairs are TRL's preference format as exported ({"prompt", "chosen", "rejected"}); the
reference model is a frozen copy of the starting model, beta 0.1 (sigmoid loss), as in the kit.
"""
from transformers import AutoTokenizer
from trl import DPOConfig, DPOTrainer

from common import arguments, common_config, done, peft_config, rows

a = arguments("DPO", "out/dpo")
data = rows(a, "preferences.jsonl", ["prompt", "chosen", "rejected"])
tokenizer = AutoTokenizer.from_pretrained(a.model)
config = DPOConfig(**common_config(a), beta=0.1, max_length=min(512, tokenizer.model_max_length))
trainer = DPOTrainer(model=a.model, args=config, train_dataset=data, processing_class=tokenizer, peft_config=peft_config(a))
trainer.train()
done(trainer, a)
