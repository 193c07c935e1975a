"""GRPO with TRL, continued from the kit's exported model (Chapter 7).

    python interop/grpo.py                      # export/model on the prompts of export/data/sft.jsonl -> out/grpo
    accelerate launch --config_file interop/accelerate/zero3.yaml interop/grpo.py --max-steps 500 --batch 16

The reward is a small, verifiable stand-in for the kit's grader: the reply names the order
number given in the facts, apologises, invents no other order number, and ends its turn.
(The kit's grader checks more; a learner can port it here.) Extra columns of the data set
(here only "prompt") reach the reward function as keyword arguments.
"""
import re

from transformers import AutoTokenizer
from trl import GRPOConfig, GRPOTrainer

from common import arguments, common_config, done, peft_config, rows

a = arguments("GRPO", "out/grpo")
# Training prompts only (eval.jsonl stays held out for judging): the conversation without its reply.
data = rows(a, "sft.jsonl", ["messages"]).map(lambda r: {"prompt": r["messages"][:-1]}, remove_columns=["messages"])
tokenizer = AutoTokenizer.from_pretrained(a.model)


def support_reward(prompts, completions, **kwargs):
    scores = []
    for prompt, completion in zip(prompts, completions):
        facts = prompt[0]["content"]
        reply = completion[0]["content"]
        order = re.search(r"Order: (SD-\d+)", facts)
        named = set(re.findall(r"SD-\d+", reply))
        score = 0.0
        score += 0.5 if order and order.group(1) in named else 0.0
        score += 0.25 if re.search(r"sorry|apolog", reply, re.I) else 0.0
        score -= 0.25 * len(named - set(re.findall(r"SD-\d+", facts)))   # invented order numbers
        scores.append(score)
    return scores


config = GRPOConfig(**common_config(a), num_generations=2, max_completion_length=48, beta=0.04,
                    generation_batch_size=max(2, a.batch))
trainer = GRPOTrainer(model=a.model, reward_funcs=support_reward, args=config, train_dataset=data,
                      processing_class=tokenizer, peft_config=peft_config(a))
trainer.train()
done(trainer, a)
