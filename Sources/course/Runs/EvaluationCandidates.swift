import Autograd
import Foundation
import LoRA
import QLoRA
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
            Candidate(name: "qlora-r16", about: "QLoRA rank 16 on the 4-bit (NF4) pretrained model, dequantised and merged (Chapter 5)") { ctx in
                try adapted(ctx, adapter: try qloraAdapter(ctx), fourBitBase: true)
            },
            Candidate(name: "ppo", about: "PPO with the grader as reward and a KL penalty, from SFT (Chapter 7)",
                      folder: { try built($0, "rlhf/ppo", variant: "ppo", RLHFRun.run) }),
            Candidate(name: "grpo", about: "GRPO with the grader as a verifiable reward, from SFT (Chapter 7)",
                      folder: { try built($0, "rlhf/grpo", variant: "grpo", RLHFRun.run) }),
            Candidate(name: "dpo", about: "DPO (sigmoid loss, β 0.1) on preference pairs, from SFT (Chapter 8)",
                      folder: { try built($0, "dpo/sigmoid", variant: "sigmoid", DPORun.run) }),
        ]
    }

    /// A chapter variant's saved model folder, trained first when it is missing.
    static func built(_ ctx: RunContext, _ path: String, variant: String, _ run: (RunContext) throws -> Void) throws -> URL {
        let model = ctx.runs.appendingPathComponent(path).appendingPathComponent("model")
        if !FileManager.default.fileExists(atPath: model.appendingPathComponent("model.safetensors").path) {
            var c = RewardModelRun.upstream(ctx)
            c.variant = variant
            try run(c)
        }
        return model
    }

    /// The reward model of Chapter 6 as a judge: (prompt, reply) -> score.
    static func rewardJudge(_ ctx: RunContext) throws -> (([Message], String) -> Double)? {
        let (rm, template) = try RewardModelRun.load(try RewardModelRun.ensure(ctx))
        return { prompt, reply in Double(rm.score(prompt: prompt, reply: reply, template: template)) }
    }

    /// The adapter folder of one configuration of the LoRA study (built when missing).
    static func loraAdapter(_ ctx: RunContext, _ study: String, _ config: String) throws -> URL {
        _ = try LoRARun.ensure(ctx)
        return ctx.runs.appendingPathComponent(study).appendingPathComponent(config).appendingPathComponent("adapter")
    }

    /// The adapter folder of Chapter 5's QLoRA run (built when missing).
    static func qloraAdapter(_ ctx: RunContext) throws -> URL {
        let dir = ctx.runs.appendingPathComponent("qlora")
        if !FineTuneStudy.isDone(dir, ctx) { try QLoRARun.run(ctx) }
        return dir.appendingPathComponent("qlora-r\(FineTuneStudy.settings(ctx).qloraRank)/adapter")
    }

    /// The pretrained model with a saved LoRA adapter loaded and merged into its weights. With
    /// `fourBitBase` every linear weight is first rounded through NF4 (double-quantised), the
    /// base a QLoRA adapter was trained on: the merged model computes what the QLoRA model does.
    static func adapted(_ ctx: RunContext, adapter: URL, fourBitBase: Bool = false) throws -> (GPT, ChatTemplate) {
        let (model, template) = try SFTRun.loadModel(try TransformerRun.ensure(ctx))
        if fourBitBase {
            for (_, layer) in model.linearLayers {
                layer.weight = Variable(NF4Tensor(layer.weight.value, doubleQuantization: true).dequantized(), requiresGrad: false)
            }
        }
        try LoRA.load(into: model, from: adapter)
        LoRA.merge(model)
        return (model, template)
    }
}
