import Core
import Foundation
import Testing
@testable import course

/// `course run rlhf`: the quick preset runs every algorithm end to end and writes its files;
/// a bad --algo is rejected before any work.
@Suite("course run rlhf", .serialized)
struct RLHFRunTests {
    static let runs = ScratchFolder.root.appendingPathComponent("rlhf-run-\(getpid())").path

    @Test("An unknown algorithm is rejected before anything is built")
    func unknownAlgo() throws {
        let dir = ScratchFolder.root.appendingPathComponent("rlhf-bad-\(getpid())").path
        #expect(throws: CourseError.self) { try RunCommand.parse(["rlhf", "--preset", "quick", "--runs", dir, "--algo", "ppo2"]).run() }
        #expect(!FileManager.default.fileExists(atPath: dir + "/sft"))
    }

    @Test("PPO and GRPO quick runs write metrics with every logged column, plots, samples and the model",
          arguments: ["ppo", "grpo"])
    func quickRun(algo: String) throws {
        try RunCommand.parse(["rlhf", "--preset", "quick", "--runs", Self.runs, "--algo", algo]).run()
        let dir = Self.runs + "/rlhf/" + algo
        for f in ["config.json", "metrics.csv", "rewards.png", "kl.png", "diagnostics.png", "samples.md", "summary.json",
                  "model/model.safetensors", "model/vocab.json", "done.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(algo): missing \(f)")
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/model/value_head.safetensors") == (algo == "ppo"))
        let table = try CSVTable.read(path: dir + "/metrics.csv")
        for c in ["reward", "grader", "kl", "entropy", "clip_fraction", "value_loss", "approx_kl", "reply_length", "tokens_per_s", "eval_grader"] {
            #expect(table.columns.contains(c), "no column \(c)")
        }
        let steps = try table.column("step")
        #expect(steps.first == 0 && steps.last == 2)
        #expect(try table.column("tokens_per_s").filter { $0 > 0 }.count == 2)
    }
}
