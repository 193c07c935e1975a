import ArgumentParser
import Core
import Foundation
import Testing
@testable import course

/// `course results RUNS`: the book's tables of chapters 4 to 8, rendered from the recorded files
/// of a quick chain (Tests/CLITests/Fixtures/quick-results, made by scripts/make-results-fixture.sh).
@Suite("course results", .serialized)
struct ResultsCommandTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/quick-results")
    static let dir = ScratchFolder.root.appendingPathComponent("results-tests-\(getpid())")

    static let files = ["lora/results.md", "qlora/results.md", "qlora/results-quantization.md", "qlora/results-memory.md",
                        "reward-model/results.md", "reward-model/results-training.md", "rlhf/results.md",
                        "rlhf/results-heldout.md", "rlhf/results-diagnostics.md", "dpo/results.md", "dpo/results-flaws.md", "dpo/results-pairs.md"]

    func render(_ runs: URL, into out: URL) throws {
        try? FileManager.default.removeItem(at: out)
        var command = try Course.parseAsRoot(["results", runs.path, "--out", out.path])
        try command.run()
    }

    func text(_ out: URL, _ name: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.fixture.appendingPathComponent(path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("Every table is written with its provenance line, and the same files give the same bytes")
    func tablesAndDeterminism() throws {
        let a = Self.dir.appendingPathComponent("a"), b = Self.dir.appendingPathComponent("b")
        try render(Self.fixture, into: a)
        try render(Self.fixture, into: b)
        for f in Self.files {
            let x = try text(a, f), y = try text(b, f)
            #expect(x == y, "\(f) differs between two renderings")
            let last = x.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last.hasPrefix("Recorded by `course run ") && last.hasSuffix("(quick preset, seed 1; one seed)."), "\(f): \(last)")
            #expect(x.contains("| --- |") || x.contains("|---|"), "\(f) has no table")
        }
        #expect(try text(a, "lora/results.md").contains("Recorded by `course run all`"))
        #expect(try text(a, "rlhf/results.md").contains("`course run rlhf --algo ppo-rm` and `course run rlhf --algo grpo`"))
        #expect(try text(a, "reward-model/results.md").contains("`course run reward-model`"))
    }

    @Test("The cells are the recorded numbers")
    func cells() throws {
        let out = Self.dir.appendingPathComponent("cells")
        try render(Self.fixture, into: out)
        let ppo = try json("rlhf/ppo-rm/summary.json")
        let rl = try text(out, "rlhf/results.md")
        let ppoRow = try #require(rl.split(separator: "\n").first { $0.hasPrefix("| PPO |") })
        #expect(ppoRow.contains(String(format: "| %.3f |", ppo["finalGrader"] as! Double)))
        #expect(ppoRow.contains(String(format: "| %.2f |", ppo["finalKL"] as! Double)))
        let sftRow = try #require(rl.split(separator: "\n").first { $0.hasPrefix("| SFT |") })
        #expect(sftRow.contains(String(format: "| %.3f |", ppo["sftGrader"] as! Double)))

        let dpo = try json("dpo/sigmoid/report.json")
        let sigmoid = try #require(dpo["sigmoid"] as? [String: Any])
        let scores = try text(out, "dpo/results.md")
        let row = try #require(scores.split(separator: "\n").first { $0.hasPrefix("| sigmoid (DPO) |") })
        #expect(row.contains(String(format: "| %.3f |", sigmoid["overall"] as! Double)))
        #expect(row.contains(String(format: "| %.0f%% |", 100 * (sigmoid["winRate"] as! Double))))

        let rm = try json("reward-model/evaluation.json")
        #expect(try text(out, "reward-model/results-training.md")
            .contains(String(format: "| accuracy after training | %.1f%% (%d pairs) |", 100 * (rm["accuracy"] as! Double), rm["pairs"] as! Int)))
        // The lora and qlora tables show the same LoRA row; qlora adds its own and the bits column.
        let lora = try text(out, "lora/results.md").split(separator: "\n").filter { $0.hasPrefix("| LoRA r16 |") }
        let qlora = try text(out, "qlora/results.md").split(separator: "\n")
        #expect(lora.count == 1 && qlora.contains { $0.hasPrefix(lora[0]) })
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture.appendingPathComponent("qlora/results.json"))) as? [[String: Any]])
        let bits = String(format: " %.3f |", try #require(rows.last?["baseBitsPerParameter"] as? Double))
        #expect(qlora.contains { $0.hasPrefix("| QLoRA r16 |") && $0.hasSuffix(bits) })
    }

    @Test("An unfinished stage or a missing file gets a one-line error naming it")
    func badInput() throws {
        let runs = Self.dir.appendingPathComponent("broken")
        try? FileManager.default.removeItem(at: runs)
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        for stage in ["lora", "rlhf"] {
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(stage), to: runs.appendingPathComponent(stage))
        }
        try FileManager.default.removeItem(at: runs.appendingPathComponent("lora/done.json"))
        #expect { try render(runs, into: Self.dir.appendingPathComponent("x")) } throws: { e in
            (e as? CourseError)?.message.contains("lora: no done.json") == true
        }
        try FileManager.default.removeItem(at: runs.appendingPathComponent("lora"))
        try FileManager.default.removeItem(at: runs.appendingPathComponent("rlhf/grpo/summary.json"))
        #expect { try render(runs, into: Self.dir.appendingPathComponent("y")) } throws: { e in
            (e as? CourseError)?.message.contains("rlhf/grpo/summary.json") == true
        }
        #expect { try render(Self.dir.appendingPathComponent("nowhere"), into: Self.dir.appendingPathComponent("z")) } throws: { e in
            (e as? CourseError)?.message.contains("no such folder") == true
        }
    }
}
