import Core
import Foundation
import DPO
import RewardModel
import SupportDesk
import Testing
@testable import course
import SFT

/// `course run reward-model|dpo --data FILE` reads the learner's file before doing any work, and
/// a malformed line stops the run with the file and line.
@Suite("course run reward-model / dpo --data")
struct PreferenceRunDataTests {
    func file(_ lines: [String]) throws -> (runs: String, path: String) {
        let dir = ScratchFolder.root.appendingPathComponent("prefdata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("data.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (dir.appendingPathComponent("runs").path, path)
    }

    func message(_ args: [String]) -> String? {
        do { try RunCommand.parse(args).run(); return nil } catch { return "\(error)" }
    }

    static let good = #"{"prompt":"Where is my order?","chosen":"I'm sorry for the delay.","rejected":"Wait."}"#

    @Test("Malformed preference lines fail the reward-model and dpo runs with file and line", arguments: [
        (#"{"prompt":"hi","chosen":"ok"}"#, "missing key \"rejected\""),
        (#"{"prompt":"hi","chosen":"ok","rejected":""}"#, "\"rejected\" is an empty string"),
        (#"{"prompt":"hi","chosen":["ok"],"rejected":"no"}"#, "\"chosen\"[0] must be an object with string \"role\" and \"content\""),
        (#"{"prompt":5,"chosen":"ok","rejected":"no"}"#, "\"prompt\" must be a string or a list of messages"),
    ])
    func badPreferenceLines(line: String, expected: String) throws {
        let (runs, path) = try file([Self.good, line])
        for chapter in ["reward-model", "dpo"] {
            let got = message([chapter, "--preset", "quick", "--runs", runs, "--data", path])
            #expect(got == "\(path):2: \(expected)", "\(chapter): \(got ?? "no error")")
        }
        #expect(!FileManager.default.fileExists(atPath: runs), "a run started before the data was checked")
    }

    @Test("dpo --flaws names known flaws, takes no data file, and applies only to losses trained on the built-in pairs")
    func flawOptionErrors() throws {
        let (runs, path) = try file([Self.good])
        let cases: [([String], String)] = [
            (["dpo", "--flaws", "rude"], "unknown flaw \"rude\" in --flaws"),
            (["dpo", "--flaws", "wrong_policy", "--data", path], "takes no --data file"),
            (["dpo", "--flaws", "wrong_policy", "--loss", "kto"], "not to --loss kto"),
            (["dpo", "--flaws", "wrong_policy", "--loss", "mended"], "not to --loss mended"),
            (["dpo", "--flaws", "wrong_policy", "--loss", "all"], "not to --loss all"),
            (["sft", "--flaws", "wrong_policy"], "applies to `course run dpo` only"),
        ]
        for (args, expected) in cases {
            let got = message(args + ["--preset", "quick", "--runs", runs])
            #expect(got?.contains(expected) == true, "\(args): \(got ?? "no error")")
        }
        #expect(!FileManager.default.fileExists(atPath: runs), "a run started before --flaws was checked")
    }

    @Test("Picking pairs by flaw keeps exactly the training pairs of those flaws")
    func pairsByFlaw() {
        let pairs = Dataset.generate(seed: 1, lang: .en, size: .small).preferences.map(PreferenceExample.init)
        let picked = DPORun.pairs(pairs, flaws: [.wrongPolicy, .coldTone])
        #expect(!picked.isEmpty)
        #expect(picked == pairs.filter { $0.flaw == "wrong_policy" || $0.flaw == "cold_tone" })
        #expect(DPORun.pairs(pairs, flaws: nil) == pairs)
    }

    @Test("dpo --loss kto reads unpaired lines; an unknown loss is rejected; self and mended take no data file")
    func ktoDataAndUnknownLoss() throws {
        let (runs, path) = try file([#"{"prompt":"hi","completion":"Sorry.","label":true}"#, #"{"prompt":"hi","completion":"No.","label":"yes"}"#])
        #expect(message(["dpo", "--loss", "kto", "--preset", "quick", "--runs", runs, "--data", path]) == "\(path):2: \"label\" must be true or false")
        #expect(message(["dpo", "--loss", "dpo2", "--preset", "quick", "--runs", runs])?.contains("unknown loss \"dpo2\"") == true)
        for loss in ["self", "mended"] {
            #expect(message(["dpo", "--loss", loss, "--preset", "quick", "--runs", runs, "--data", path])?.contains("takes no --data file") == true)
        }
    }
}
