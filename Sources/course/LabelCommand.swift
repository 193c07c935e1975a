import ArgumentParser
import Core
import Evaluation
import Foundation
import RLHF
import SFT
import SupportDesk

/// `course label --pairs N [--model DIR] [--out FILE]`: be the human in RLHF. Shows a held-out
/// prompt and two replies sampled from a model; you type which is better; each choice is
/// appended at once to a preference file (TRL format) the reward model can train on.
///
/// `course label --ab A B --pairs N [--out FILE]`: a blind A/B evaluation of two models on test
/// prompts (sides randomised per prompt); `course label --agreement FILE [FILE2]`: how well two
/// passes agree with each other and with the grader (Cohen's κ).
struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label preference pairs yourself, judge two models blind (--ab), or measure agreement (--agreement).",
        discussion: """
            Type 1 or 2 for the better reply, t for a tie, s to skip, q to quit. Every choice is \
            saved the moment you type it (one line appended and flushed to disk), so you can stop \
            at any time, even with Ctrl-C, and run the same command again to continue: prompts \
            already labelled are not shown again.
            """)

    @Option(help: "How many pairs to label in this session.") var pairs = 10
    @Option(help: "The model folder to sample replies from (weights and tokenizer).") var model = "runs/sft/model"
    @Option(help: "The file to append to (default: runs/labels/preferences.jsonl; with --ab, runs/labels/ab.jsonl).") var out: String?
    @Option(parsing: .upToNextOption, help: "Blind A/B evaluation: two model folders, A then B. Their greedy replies to test prompts are shown in random order.")
    var ab: [String] = []
    @Option(help: "With --ab: the seed of the sides (use another for a second pass over the same pairs).") var sidesSeed: UInt64 = 1
    @Option(parsing: .upToNextOption, help: "Report agreement: one A/B file (against the grader) or two passes over the same pairs (with each other and the grader).")
    var agreement: [String] = []
    @Option(help: "Sampling temperature of the two replies.") var temperature: Float = 1
    @Option(help: "Longest reply, in tokens.") var maxNewTokens = ReplyEvaluator.replyTokenLimit
    @Option(help: "Seed of the data world (the held-out prompts) and of sampling.") var seed: UInt64 = 1

    func validate() throws {
        if pairs < 1 { throw ValidationError("--pairs must be at least 1") }
        if !(temperature > 0) { throw ValidationError("--temperature must be positive") }
        if !ab.isEmpty && ab.count != 2 { throw ValidationError("--ab takes two model folders, A then B (got \(ab.count))") }
        if !agreement.isEmpty && agreement.count > 2 { throw ValidationError("--agreement takes one or two files (got \(agreement.count))") }
        if !ab.isEmpty && !agreement.isEmpty { throw ValidationError("choose --ab or --agreement, not both") }
    }

    static func checkModel(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("model.safetensors").path) else {
            throw CourseError(file: path, "no model.safetensors here (train one first: course run sft)")
        }
    }

    func run() throws {
        if !agreement.isEmpty {
            let passes = try agreement.map { (name: $0, rows: try BlindComparison.load($0)) }
            for p in passes where p.rows.isEmpty { throw CourseError(file: p.name, "no verdicts in this file") }
            let md = try Agreement.report(passes)
            print(md, terminator: "")
            if let out { try AtomicFile.write(md, to: URL(fileURLWithPath: out)); print("wrote \(out)") }
            return
        }
        if !ab.isEmpty {
            for m in ab { try Self.checkModel(m) }
            let (ma, ta) = try SFTRun.loadModel(URL(fileURLWithPath: ab[0]))
            let (mb, tb) = try SFTRun.loadModel(URL(fileURLWithPath: ab[1]))
            let session = BlindComparison(a: ModelUnderTest(name: "A", model: ma, template: ta), b: ModelUnderTest(name: "B", model: mb, template: tb),
                                          modelA: ab[0], modelB: ab[1], items: Dataset.generate(seed: seed, lang: .en, size: .default).test,
                                          outPath: out ?? "runs/labels/ab.jsonl", sidesSeed: sidesSeed, maxNewTokens: maxNewTokens)
            try session.run(pairs: pairs, input: LineReader(fd: 0)) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
            return
        }
        let dir = URL(fileURLWithPath: model)
        try Self.checkModel(model)
        let (gpt, template) = try SFTRun.loadModel(dir)
        let prompts = Dataset.generate(seed: seed, lang: .en, size: .default).dev
        let session = LabelSession(model: gpt, template: template, prompts: prompts, outPath: out ?? "runs/labels/preferences.jsonl",
                                   maxNewTokens: maxNewTokens, temperature: temperature, seed: seed)
        // Written straight to the file descriptor: no buffering, so each line shows at once in a
        // terminal or a pipe.
        try session.run(pairs: pairs, input: LineReader(fd: 0)) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
    }
}
