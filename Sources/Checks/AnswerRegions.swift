extension Catalogue {
    /// The regions of the kit's sources whose code is an exercise's answer ("file#region" →
    /// exercise id). They stay marked so the book check knows what an answer looks like, and the
    /// book never quotes them: it gives the idea, the formula, a worked number and the stub's
    /// signature instead.
    public static let answerRegions: [String: String] = [
        "Chapters/01-Autograd/Value.swift#value-topological-order": "1.1",
        "Chapters/01-Autograd/Value.swift#value-tanh": "1.1",
        "Chapters/01-Autograd/Value.swift#value-backward": "1.1",
        "Chapters/01-Autograd/Ops+Arithmetic.swift#broadcast-backward": "1.2",
        "Chapters/01-Autograd/Optimizers.swift#adamw": "1.4",
        "Chapters/02-Transformer/Tokenizer/BPEWordCounts.swift#bpe-train-round": "2.1",
        "Chapters/02-Transformer/Sampling.swift#sampler": "2.5",
        "Chapters/02-Transformer/Checkpoint.swift#load-plan": "2.6",
        "Chapters/03-SFT/ChatTemplate.swift#chat-template-encode": "3.2",
        "Chapters/03-SFT/SFTBatches.swift#padded-batch": "3.1",
        "Chapters/03-SFT/SFTBatches.swift#packing": "3.4",
        "Chapters/03-SFT/Leakage.swift#leakage": "3.5",
        "Chapters/04-LoRA/LoRALinear.swift#lora-merge": "4.3",
        "Chapters/05-QLoRA/NF4.swift#nf4-quantize": "5.1",
        "Chapters/05-QLoRA/DoubleQuantization.swift#double-quant": "5.3",
        "Chapters/05-QLoRA/NF4Tensor.swift#nf4-bits": "5.4",
        "Chapters/05-QLoRA/MemoryAccounting.swift#memory-accounting": "5.4",
        "Chapters/05-QLoRA/MemoryAccounting.swift#memory-plan": "5.4",
        "Chapters/06-RewardModel/BradleyTerry.swift#bradley-terry": "6.1",
        "Chapters/06-RewardModel/LastToken.swift#last-token": "6.2",
        "Chapters/06-RewardModel/PairEvaluation.swift#calibration": "6.4",
        "Chapters/06-RewardModel/PairEvaluation.swift#pair-metrics": "6.4",
        "Chapters/07-RLHF/GAE.swift#gae": "7.1",
        "Chapters/07-RLHF/PPOLoss.swift#policy-loss": "7.2",
        "Chapters/07-RLHF/PPOLoss.swift#value-loss": "7.2",
        "Chapters/07-RLHF/KLPenalty.swift#kl-reward": "7.3",
        "Chapters/07-RLHF/KLPenalty.swift#adaptive-kl": "7.3",
        "Chapters/07-RLHF/GAE.swift#group-advantages": "7.4",
        "Chapters/08-DPO/PreferenceLoss.swift#dpo-loss": "8.2",
        "Chapters/08-DPO/PreferenceLoss.swift#ipo-loss": "8.3",
        "Chapters/08-DPO/PreferenceLoss.swift#simpo-loss": "8.3",
        "Chapters/08-DPO/KTOLoss.swift#kto-loss": "8.4",
        "Chapters/09-Evaluation/Statistics.swift#bootstrap": "9.1",
        "Chapters/09-Evaluation/Statistics.swift#win-rate": "9.2",
        "Chapters/09-Evaluation/Statistics.swift#pass-at-k": "9.3",
        "Chapters/09-Evaluation/Contamination.swift#contamination": "9.4",
    ]
}
