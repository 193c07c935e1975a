import DPO
import Foundation
import Testing
@testable import course

/// `course run dpo --pairs ...` and `course run dpo-controls`: every control is one command, its
/// quick run writes results.md from recorded files, and `--seeds` writes it across seeds.
@Suite("DPO pair sets and controls", .serialized)
struct DPOControlsTests {
    typealias CLI = CrashSafetyTests

    /// One quick SFT model the runs below share (built once).
    static let shared: (runs: URL, status: Int32) = {
        let runs = CLI.temp("dpo-controls")
        return (runs, (try? CLI.course(["run", "sft", "--preset", "quick", "--runs", runs.path])) ?? -1)
    }()

    func stage(_ args: [String]) throws -> any Stage { try RunCommand.parse(args).stage() }

    func message(_ args: [String]) -> String? {
        do { try RunCommand.parse(args).run(); return nil } catch { return Course.message(for: error) }
    }

    @Test("Every control command parses and names its own folder; dpo takes --pairs and --edited-tokens")
    func commandsParse() throws {
        var folders = Set<String>()
        for control in [nil] + DPOControlsRun.Control.allCases.map(\.rawValue) {
            let s = try stage(["dpo-controls", "--preset", "quick"] + (control.map { ["--control", $0] } ?? []))
            folders.insert(s.folder)
        }
        #expect(folders.count == DPOControlsRun.Control.allCases.count + 1)
        #expect(try stage(["dpo-controls"]).folder == "dpo/controls")
        #expect(try stage(["dpo-controls", "--pairs", "builtin"]).folder == "dpo/controls-pairs-builtin")
        #expect(try stage(["dpo-controls", "--control", "beta-sweep", "--pairs", "onpolicy", "--edited-tokens"]).folder
                == "dpo/controls-beta-sweep-pairs-onpolicy-edited")
        #expect(try stage(["dpo", "--pairs", "mirror", "--edited-tokens"]).folder == "dpo/sigmoid-pairs-mirror-edited")
        #expect(try stage(["dpo", "--pairs", "builtin"]).folder == "dpo/sigmoid")
        #expect(try stage(["dpo", "--loss", "rpo", "--pairs", "all"]).folder == "dpo/rpo-pairs-all")
        let beta = try #require(try stage(["dpo-controls", "--control", "beta-sweep"]) as? DPOControlsStage)
        let schedule = Schedule(runs: URL(fileURLWithPath: "/nonexistent"), preset: .quick, seed: 1)
        #expect(beta.settings(schedule).arms.map(\.name) == ["dpo", "beta-0.3", "beta-1"])
    }

    @Test("Bad pair and control options stop with one line before any work", arguments: [
        (["dpo", "--edited-tokens"], "--edited-tokens scores mirror and on-policy pairs"),
        (["dpo", "--pairs", "mirrors"], "unknown --pairs \"mirrors\" (available: builtin, mirror, onpolicy, all)"),
        (["dpo", "--pairs", "mirror", "--loss", "kto"], "--pairs applies to the losses trained on preference pairs, not to --loss kto"),
        (["dpo", "--pairs", "mirror", "--flaws", "cold_tone"], "--flaws picks built-in pairs by their flaw"),
        (["dpo", "--control", "rpo"], "--control applies to `course run dpo-controls` only"),
        (["sft", "--pairs", "all"], "--pairs and --edited-tokens apply to"),
        (["dpo-controls", "--control", "beta"], "unknown --control \"beta\""),
        (["dpo-controls", "--lora"], "dpo-controls trains full DPO (sigmoid) and its controls"),
        (["dpo", "--seeds", "1,2"], "--seeds applies to `course run all` and `course run dpo-controls` only"),
        (["dpo", "--loss", "all", "--pairs", "mirror"], "not to --loss all"),
    ])
    func badOptions(args: [String], expected: String) {
        let runs = CLI.temp("dpo-controls-bad")
        let got = message(args + ["--preset", "quick", "--runs", runs.path])
        #expect(got?.contains(expected) == true, "\(args): \(got ?? "no error")")
        #expect(got.map { !$0.contains("\n") } ?? false)
        #expect(!FileManager.default.fileExists(atPath: runs.path), "\(args) started a run")
    }

    @Test("Each control's quick run writes results.md from its recorded replies, with one seed said", arguments: DPOControlsRun.Control.allCases)
    func quickControlRun(control: DPOControlsRun.Control) throws {
        let (runs, status) = Self.shared
        try #require(status == 0)
        #expect(try CLI.course(["run", "dpo-controls", "--control", control.rawValue, "--preset", "quick", "--runs", runs.path]) == 0)
        let dir = runs.appendingPathComponent("dpo/controls-\(control.rawValue)")
        let results = String(decoding: CLI.file(dir.appendingPathComponent("results.md")), as: UTF8.self)
        let arms = DPOControlsRun.settings(.quick, seed: 1, controls: [control], .init(pairs: .all)).arms.map(\.name)
        for name in ["sft"] + arms { #expect(results.contains("| \(name) |"), "\(control.rawValue): no row for \(name)") }
        #expect(results.contains("one seed (1)") && results.contains("### Flaws") && results.contains("### At the fact slots"))
        let recorded = try JSONDecoder().decode(DPOControlsRun.TestReplies.self, from: CLI.file(dir.appendingPathComponent("test-replies.json")))
        #expect(recorded.models.map(\.name) == ["sft"] + arms)
        #expect(recorded.models.allSatisfy { $0.replies.count == recorded.items.count } && recorded.items.count == 6)
        for f in ["slots.json", "slots.png", "pairs.json", "dev.json", "done.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(control.rawValue): no \(f)")
        }
    }

    @Test("--resume keeps the models an earlier run measured and writes the same results.md")
    func resumeKeepsMeasuredModels() throws {
        let (runs, status) = Self.shared
        try #require(status == 0)
        let args = ["run", "dpo-controls", "--control", "frozen-embeddings", "--preset", "quick", "--runs", runs.path]
        #expect(try CLI.course(args) == 0)
        let dir = runs.appendingPathComponent("dpo/controls-frozen-embeddings")
        let weights = dir.appendingPathComponent("frozen-embeddings/model/model.safetensors")
        let (results, written) = (CLI.file(dir.appendingPathComponent("results.md")), RunAllTests.modified(weights))
        #expect(try CLI.course(args + ["--resume"]) == 0)
        #expect(CLI.file(dir.appendingPathComponent("results.md")) == results)
        #expect(written != nil && RunAllTests.modified(weights) == written, "a measured model was trained again")
    }

    @Test("--seeds runs the study per seed and writes results.md across the seeds")
    func acrossSeeds() throws {
        let (runs, status) = Self.shared
        try #require(status == 0)
        #expect(try CLI.course(["run", "dpo-controls", "--control", "dpop", "--seeds", "1,2", "--preset", "quick", "--runs", runs.path]) == 0)
        let results = String(decoding: CLI.file(runs.appendingPathComponent("dpo/controls-dpop/results.md")), as: UTF8.self)
        #expect(results.contains("2 seeds (1, 2)"))
        #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("seed-2/dpo/controls-dpop/test-replies.json").path))
        #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("seed-2/sft/done.json").path))
    }

    @Test("dpo --pairs mirror --edited-tokens trains on mirror pairs and writes pairs.json and the slot view")
    func mirrorRun() throws {
        let (runs, status) = Self.shared
        try #require(status == 0)
        #expect(try CLI.course(["run", "dpo", "--pairs", "mirror", "--edited-tokens", "--preset", "quick", "--runs", runs.path]) == 0)
        let dir = runs.appendingPathComponent("dpo/sigmoid-pairs-mirror-edited")
        let summary = try JSONDecoder().decode(PairSetSummary.self, from: CLI.file(dir.appendingPathComponent("pairs.json")))
        #expect(summary.pairs == .mirror && summary.mirror >= 20 && summary.builtIn.isEmpty && summary.editedTokensOnly)
        let config = try JSONSerialization.jsonObject(with: CLI.file(dir.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["pairs"] as? String == "mirror" && config?["editedTokens"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("slots.png").path))
    }
}
