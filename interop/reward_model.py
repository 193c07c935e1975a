"""A reward model with TRL, continued from the kit's exported model (Chapter 6).

    python interop/reward_model.py              # export/model on export/data/preferences.jsonl -> out/reward-model
    accelerate launch --config_file interop/accelerate/multi_gpu.yaml interop/reward_model.py --max-steps 500

TRL puts a one-output head on the model (GPT2ForSequenceClassification, read at the last
non-padding token) and trains it with -log sigmoid(r_chosen - r_rejected), as the kit does.
"""
from transformers import AutoTokenizer
from trl import RewardConfig, RewardTrainer

from common import arguments, common_config, done, rows

a = arguments("reward model", "out/reward-model")
data = rows(a, "preferences.jsonl", ["prompt", "chosen", "rejected"])
tokenizer = AutoTokenizer.from_pretrained(a.model)
config = RewardConfig(**common_config(a), max_length=min(512, tokenizer.model_max_length))
trainer = RewardTrainer(model=a.model, args=config, train_dataset=data, processing_class=tokenizer)
trainer.train()
done(trainer, a)
