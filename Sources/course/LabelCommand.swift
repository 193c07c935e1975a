import ArgumentParser
import Core
import Foundation
import RLHF
import SFT
import SupportDesk

/// `course label --pairs N [--model DIR] [--out FILE]`: be the human in RLHF. Shows a held-out
/// prompt and two replies sampled from a model; you type which is better; each choice is
/// appended at once to a preference file (TRL format) the reward model can train on.
struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label preference pairs yourself: pick the better of two sampled replies.",
        discussion: """
            Type 1 or 2 for the better reply, t for a tie, s to skip, q to quit. Every choice is \
            saved the moment you type it (one line appended and flushed to disk), so you can stop \
            at any time, even with Ctrl-C, and run the same command again to continue: prompts \
            already labelled are not shown again.
            """)

    @Option(help: "How many pairs to label in this session.") var pairs = 10
    @Option(help: "The model folder to sample replies from (weights and tokenizer).") var model = "runs/sft/model"
    @Option(help: "The preference file to append to (JSONL: prompt, chosen, rejected).") var out = "runs/labels/preferences.jsonl"
    @Option(help: "Sampling temperature of the two replies.") var temperature: Float = 1
    @Option(help: "Longest reply, in tokens.") var maxNewTokens = ReplyEvaluator.replyTokenLimit
    @Option(help: "Seed of the data world (the held-out prompts) and of sampling.") var seed: UInt64 = 1

    func validate() throws {
        if pairs < 1 { throw ValidationError("--pairs must be at least 1") }
        if !(temperature > 0) { throw ValidationError("--temperature must be positive") }
    }

    func run() throws {
        let dir = URL(fileURLWithPath: model)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) else {
            throw CourseError(file: model, "no model.safetensors here (train one first: course run sft)")
        }
        let (gpt, template) = try SFTRun.loadModel(dir)
        let prompts = Dataset.generate(seed: seed, lang: .en, size: .default).dev
        let session = LabelSession(model: gpt, template: template, prompts: prompts, outPath: out,
                                   maxNewTokens: maxNewTokens, temperature: temperature, seed: seed)
        // Written straight to the file descriptor: no buffering, so each line shows at once in a
        // terminal or a pipe.
        try session.run(pairs: pairs, input: LineReader(fd: 0)) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
    }
}
