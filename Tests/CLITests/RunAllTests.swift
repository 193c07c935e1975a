import Foundation
import Testing

/// The kit's main job, `course run all`, run by the real binary from an empty folder.
@Suite("The whole chain in one command", .serialized)
struct RunAllTests {
    typealias CLI = CrashSafetyTests

    /// Every stage's folder, which `run all` must leave finished (a `done.json` marker).
    static let stages = ["transformer", "sft", "lora", "qlora", "reward-model", "rlhf/ppo-rm", "rlhf/grpo",
                         "dpo/sigmoid", "evaluation"]

    static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    /// Two quick chains from nothing with the same seed, run once for the tests below.
    static let twoChains: [(runs: URL, status: Int32)] = ["all-quick-a", "all-quick-b"].map { name in
        let runs = CLI.temp(name)
        return (runs, (try? CLI.course(["run", "all", "--preset", "quick", "--runs", runs.path])) ?? -1)
    }

    /// Each chapter's metrics files (wall-clock columns left out).
    static let metricsFiles: [String: [String]] = [
        "autograd": ["autograd/metrics.csv"], "transformer": ["transformer/metrics.csv"], "sft": ["sft/metrics.csv"],
        "lora": ["lora/lora-r16/metrics.csv"],   // the chain trains the rank the report compares
        "qlora": ["qlora/qlora-r16/metrics.csv", "qlora/qlora-r16/quantization.csv"],
        "reward-model": ["reward-model/metrics.csv"], "rlhf": ["rlhf/ppo-rm/metrics.csv", "rlhf/grpo/metrics.csv"],
        "dpo": ["dpo/sigmoid/metrics.csv"], "evaluation": ["evaluation/results.json"],
    ]
    static let wallClock: Set<String> = ["tokens_per_s", "seconds"]

    /// A file's text without its wall-clock columns (CSV) or as it is (JSON).
    static func deterministicPart(_ url: URL) -> String {
        let text = String(decoding: CLI.file(url), as: UTF8.self)
        guard url.pathExtension == "csv" else { return text }
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let header = rows.first else { return "" }
        let keep = header.indices.filter { !wallClock.contains(String(header[$0])) }
        return rows.map { row in keep.map { $0 < row.count ? String(row[$0]) : "" }.joined(separator: ",") }.joined(separator: "\n")
    }

    @Test("Every chapter's quick run gives identical metrics for the same seed",
          arguments: ["autograd", "transformer", "sft", "lora", "qlora", "reward-model", "rlhf", "dpo", "evaluation"])
    func determinism(chapter: String) throws {
        let (a, b) = (Self.twoChains[0], Self.twoChains[1])
        try #require(a.status == 0 && b.status == 0)
        for f in Self.metricsFiles[chapter]! {
            let x = Self.deterministicPart(a.runs.appendingPathComponent(f))
            let y = Self.deterministicPart(b.runs.appendingPathComponent(f))
            #expect(!x.isEmpty && x == y, "\(f) differs between two runs with the same seed")
        }
    }

    /// The copy of the quick chain's metrics recorded by `scripts/make-quick-chain-fixture.sh`.
    static let recorded = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/quick-chain")

    @Test("Every chapter's quick run gives the recorded metrics, bit for bit",
          arguments: ["autograd", "transformer", "sft", "lora", "qlora", "reward-model", "rlhf", "dpo", "evaluation"])
    func sameAsRecorded(chapter: String) throws {
        let run = Self.twoChains[0]
        try #require(run.status == 0)
        for f in Self.metricsFiles[chapter]! {
            let now = Self.deterministicPart(run.runs.appendingPathComponent(f))
            let then = Self.deterministicPart(Self.recorded.appendingPathComponent(f))
            #expect(!then.isEmpty && now == then,
                    "\(f) differs from the recorded copy (scripts/make-quick-chain-fixture.sh records a new one when a change is meant to change results)")
        }
    }

    @Test("Running every chapter on the quick preset from nothing writes every stage and a report with numbers in range")
    func quickChainFromNothing() throws {
        let (runs, status) = Self.twoChains[0]
        #expect(status == 0)
        for stage in Self.stages {
            #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("\(stage)/done.json").path),
                    "stage \(stage) did not finish")
        }
        for model in ["transformer/model", "sft/model", "dpo/sigmoid/model"] {
            #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("\(model)/model.safetensors").path))
        }
        let report = String(decoding: CLI.file(runs.appendingPathComponent("report.md")), as: UTF8.self)
        #expect(report.contains("sft") && report.contains("dpo") && report.contains("ppo"))
        #expect(!CLI.file(runs.appendingPathComponent("report.html")).isEmpty)

        // results.json: one row per model, every metric a finite number in its range.
        let data = CLI.file(runs.appendingPathComponent("evaluation/results.json"))
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["model"] as? String }) == ["base", "sft", "lora-r16", "qlora-r16", "ppo", "grpo", "dpo"])
        for row in rows {
            let name = row["model"] as? String ?? "?"
            for key in ["structure", "facts", "tone", "grounded", "overall", "hallucinationRate", "safety"] {
                let v = try #require(row[key] as? Double, "\(name) has no \(key)")
                #expect((0...1).contains(v), "\(name).\(key) = \(v) is not a share")
            }
            let ppl = try #require(row["perplexity"] as? Double)
            #expect(ppl.isFinite && ppl >= 1, "\(name) perplexity \(ppl)")
            if let kl = row["klToSFT"] as? Double { #expect(kl.isFinite && kl > -0.5, "\(name) KL \(kl)") }
            let length = try #require(row["meanLength"] as? Double)
            #expect(length > 0)
        }
        // Every stage recorded what it cost, and the chain wrote the cost table.
        for stage in Self.stages {
            let cost = try JSONSerialization.jsonObject(with: CLI.file(runs.appendingPathComponent("\(stage)/cost.json"))) as? [String: Any]
            #expect((cost?["tokens"] as? Int ?? 0) > 0 && (cost?["peakMB"] as? Double ?? 0) > 0, "\(stage): \(cost ?? [:])")
        }
        let costTable = String(decoding: CLI.file(runs.appendingPathComponent("cost.md")), as: UTF8.self)
        #expect(costTable.contains("| rlhf/ppo-rm |") && costTable.contains("**the whole chain**"))

        // Every evaluation appends one line to the history.
        let history = String(decoding: CLI.file(runs.appendingPathComponent("history.jsonl")), as: UTF8.self)
        #expect(history.split(separator: "\n").count == 1)
    }

    @Test("DPO reports how well its implicit reward ranks the held-out pairs and pairs on the test prompts")
    func dpoRanksTestPairs() throws {
        let (runs, status) = Self.twoChains[0]
        try #require(status == 0)
        let data = CLI.file(runs.appendingPathComponent("dpo/sigmoid/report.json"))
        let reports = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        let dpo = try #require(reports["sigmoid"])
        for key in ["heldOutPairAccuracy", "testPairAccuracy"] {
            let v = try #require(dpo[key] as? Double, "no \(key)")
            #expect((0...1).contains(v))
        }
        #expect((dpo["testPairs"] as? Int ?? 0) > 0)
        #expect(reports["sft"]?["testPairAccuracy"] == nil)
    }

    @Test("A Japanese chain writes its report in Japanese")
    func japaneseChainReport() throws {
        let runs = CLI.temp("all-quick-ja")
        #expect(try CLI.course(["run", "all", "--preset", "quick", "--lang", "ja", "--runs", runs.path]) == 0)
        let report = String(decoding: CLI.file(runs.appendingPathComponent("report.md")), as: UTF8.self)
        for heading in ["# SupportDesk：コース実行レポート", "## 未見のプロンプトでの結果", "## SFT に対する勝率", "## 結果の読み方"] {
            #expect(report.contains(heading), "missing \(heading)")
        }
        #expect(!report.contains("## Results on held-out prompts"))
        let html = String(decoding: CLI.file(runs.appendingPathComponent("report.html")), as: UTF8.self)
        #expect(html.contains("<html lang=\"ja\">"))
    }

    @Test("The variants that make pairs from the SFT model's replies run on the chain's SFT model", arguments: ["self", "mended"])
    func onPolicyVariants(loss: String) throws {
        let (runs, status) = Self.twoChains[1]
        try #require(status == 0)
        #expect(try CLI.course(["run", "dpo", "--loss", loss, "--preset", "quick", "--runs", runs.path]) == 0)
        let report = try JSONSerialization.jsonObject(with: CLI.file(runs.appendingPathComponent("dpo/\(loss)/report.json"))) as? [String: Any]
        #expect(report?["sft"] != nil && report?[loss] != nil)
    }

    @Test("dpo --flaws trains on the pairs of those flaws only and writes its own folder")
    func flawSubset() throws {
        let (runs, status) = Self.twoChains[1]
        try #require(status == 0)
        #expect(try CLI.course(["run", "dpo", "--flaws", "wrong_policy,cold_tone", "--preset", "quick", "--runs", runs.path]) == 0)
        let dir = runs.appendingPathComponent("dpo/sigmoid-wrong_policy+cold_tone")
        let config = try JSONSerialization.jsonObject(with: CLI.file(dir.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["flaws"] as? [String] == ["wrong_policy", "cold_tone"])
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.json").path))
        // `course results` puts the run into the appendix's table, next to the SFT model.
        let out = CLI.temp("flaw-study")
        #expect(try CLI.course(["results", runs.path, "--out", out.path]) == 0)
        let study = String(decoding: CLI.file(out.appendingPathComponent("dpo/results-flaw-study.md")), as: UTF8.self)
        #expect(study.contains("| none (the SFT model) |") && study.contains("| wrong_policy + cold_tone |"), "\(study)")
        #expect(study.contains("`course run dpo --flaws wrong_policy,cold_tone`"), "\(study)")
    }

    @Test("Killing the whole chain mid-stage and running it again reuses the stages already finished")
    func killedChainResumes() throws {
        let runs = CLI.temp("all-killed")
        let sftDone = runs.appendingPathComponent("sft/done.json")
        // Kill shortly after SFT finished, while LoRA (the next stage) trains.
        try CLI.course(["run", "all", "--preset", "quick", "--runs", runs.path], killAfter: 0.3,
                       when: { FileManager.default.fileExists(atPath: sftDone.path) })
        let pretrained = runs.appendingPathComponent("transformer/model/model.safetensors")
        let sft = runs.appendingPathComponent("sft/model/model.safetensors")
        let before = (Self.modified(pretrained), Self.modified(sft))
        #expect(before.0 != nil && before.1 != nil)
        #expect(!FileManager.default.fileExists(atPath: runs.appendingPathComponent("evaluation/done.json").path))

        #expect(try CLI.course(["run", "all", "--preset", "quick", "--runs", runs.path]) == 0)
        #expect(Self.modified(pretrained) == before.0, "the pretrained model was trained again")
        #expect(Self.modified(sft) == before.1, "the SFT model was trained again")
        for stage in Self.stages {
            #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("\(stage)/done.json").path))
        }
        #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("report.md").path))
    }
}
