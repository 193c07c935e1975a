import Foundation
import LoRA
import SFT
import SupportDesk
import Transformer

/// Models from chapters 4-8, added to the evaluation as those chapters land.
extension EvaluationRun {
    static var laterCandidates: [Candidate] {
        [
            Candidate(name: "lora-r16", about: "LoRA rank 16 on the pretrained model, merged (Chapter 4)") { ctx in
                try adapted(ctx, adapter: try loraAdapter(ctx, "lora", "lora-r16"))
            },
        ]
    }

    /// The reward model of Chapter 6 as a judge: (prompt, reply) -> score; nil without it.
    static func rewardJudge(_ ctx: RunContext) throws -> (([Message], String) -> Double)? { nil }

    /// The adapter folder of one configuration of the LoRA study (built when missing).
    static func loraAdapter(_ ctx: RunContext, _ study: String, _ config: String) throws -> URL {
        _ = try LoRARun.ensure(ctx)
        return ctx.runs.appendingPathComponent(study).appendingPathComponent(config).appendingPathComponent("adapter")
    }

    /// The pretrained model with a saved LoRA adapter loaded and merged into its weights.
    static func adapted(_ ctx: RunContext, adapter: URL) throws -> (GPT, ChatTemplate) {
        let (model, template) = try SFTRun.loadModel(try TransformerRun.ensure(ctx))
        try LoRA.load(into: model, from: adapter)
        LoRA.merge(model)
        return (model, template)
    }
}
