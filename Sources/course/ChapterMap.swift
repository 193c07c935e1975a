/// The nine chapters, in the order a learner follows them.
struct ChapterMap {
    let number: Int
    let title: String
    let runName: String

    static let all: [ChapterMap] = [
        .init(number: 1, title: "Autograd", runName: "autograd"),
        .init(number: 2, title: "Transformer", runName: "transformer"),
        .init(number: 3, title: "SFT", runName: "sft"),
        .init(number: 4, title: "LoRA", runName: "lora"),
        .init(number: 5, title: "QLoRA", runName: "qlora"),
        .init(number: 6, title: "Reward model", runName: "reward-model"),
        .init(number: 7, title: "RLHF (PPO, GRPO)", runName: "rlhf"),
        .init(number: 8, title: "DPO", runName: "dpo"),
        .init(number: 9, title: "Evaluation", runName: "evaluation"),
    ]
}
