import Autograd
import Core
import Foundation
import Testing
import SFT
import SupportDesk
@testable import RewardModel
@testable import Transformer

@Suite("Reward model: last-token head, Bradley-Terry loss, checkpoints, evaluation, training")
struct RewardModelTests {
    typealias F = PreferenceFixtures

    @Test("The last real token is the rightmost non-padding position, as in Hugging Face")
    func lastToken() {
        #expect(Padding.lastTokenIndices([5, 6, 0, 0, 7, 8, 9, 4], rows: 2, pad: 0) == [1, 7])
        #expect(Padding.lastTokenIndices([4, 0, 5, 0], rows: 1, pad: 0) == [2])      // a pad id inside does not end it
        #expect(Padding.lastTokenIndices([0, 0, 3, 0], rows: 2, pad: 0) == [0, 2])   // an all-padding row reads position 0
        let (ids, t) = Padding.right([[1, 2, 3], [4], [5, 6]], pad: 9)
        #expect(t == 3 && ids == [1, 2, 3, 4, 9, 9, 5, 6, 9])
    }

    @Test("Padding after a sequence does not change its reward")
    func paddingInvariance() {
        let m = RewardModel(backbone: F.model(seed: 1), pad: F.pad, seed: 2)
        let seqs = [[5, 6, 7, 8, 9, 10, 11], [12, 13], [14, 15, 16, 17]]
        let alone = seqs.map { m.score([$0])[0] }
        let batched = m.score(seqs)
        for i in seqs.indices { #expect(abs(alone[i] - batched[i]) < 1e-5, "sequence \(i): alone \(alone[i]), in a padded batch \(batched[i])") }
    }

    @Test("The Bradley-Terry loss matches the committed vectors (ln 2 at a tie)")
    func bradleyTerryVectors() {
        for c in F.vectors.bradley_terry {
            let got = BradleyTerry.loss(chosen: Variable(Tensor([c.chosen.count], c.chosen)), rejected: Variable(Tensor([c.rejected.count], c.rejected)),
                                        margin: c.margin, centering: c.centering).scalar
            #expect(abs(Double(got) - c.loss) < 1e-5 * max(1, abs(c.loss)), "margin \(String(describing: c.margin)), centering \(c.centering): \(got) vs \(c.loss)")
        }
        let tie = BradleyTerry.loss(chosen: Variable(Tensor([3], [1, -2, 0.5])), rejected: Variable(Tensor([3], [1, -2, 0.5]))).scalar
        #expect(abs(tie - 0.693147) < 1e-6)
    }

    @Test("Bradley-Terry gradients match finite differences (with margin and centring)")
    func bradleyTerryGradients() {
        let c = Tensor([4], [0.3, -1.2, 2.0, 0.1]), r = Tensor([4], [0.5, 0.4, -1.0, 0.1])
        let report = GradCheck.check([c, r], eps: 1e-2) { v in
            BradleyTerry.loss(chosen: v[0], rejected: v[1], margin: [0.2, 0, 1, 0.5], centering: 0.05)
        }
        #expect(report.maxRelativeError < 2e-2, "\(report)")
    }

    @Test("A Hugging Face GPT2ForSequenceClassification loads and gives transformers' scores")
    func huggingFaceParity() throws {
        let dir = F.root.appendingPathComponent("hf-tiny-reward-model")
        struct Expected: Decodable { var input_ids: [[Int]]; var scores: [Float] }
        let e = try JSONDecoder().decode(Expected.self, from: FileManager.default.contents(atPath: dir.appendingPathComponent("expected.json").path)!)
        let m = try RewardModel.load(directory: dir)
        #expect(m.pad == 0)
        let got = noGrad { m.rewards(e.input_ids.flatMap { $0 }, batch: e.input_ids.count).value.array }
        for i in got.indices { #expect(abs(got[i] - e.scores[i]) < 1e-4 * max(1, abs(e.scores[i])), "row \(i): \(got[i]) vs transformers \(e.scores[i])") }
    }

    @Test("Save and load keep the scores and write Hugging Face's classifier layout")
    func checkpointRoundTrip() throws {
        let m = RewardModel(backbone: F.model(seed: 3), pad: F.pad, seed: 4)
        let dir = try F.temporaryDirectory("rm-save")
        try m.save(directory: dir)
        let back = try RewardModel.load(directory: dir)
        let seqs = [[5, 6, 7], [8, 9, 10, 11, 12]]
        #expect(m.score(seqs) == back.score(seqs))
        let file = try SafetensorsFile.open(path: dir.appendingPathComponent("model.safetensors").path)
        let names = Set(file.entries.map(\.name))
        #expect(names.contains("score.weight") && names.contains("transformer.wte.weight") && names.contains("transformer.h.1.mlp.c_proj.weight"))
        #expect(file.entries.first { $0.name == "score.weight" }?.shape == [1, 32])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
        #expect(config["architectures"] as? [String] == ["GPT2ForSequenceClassification"])
        #expect(config["num_labels"] as? Int == 1 && config["pad_token_id"] as? Int == F.pad)
        // A language-model checkpoint is not a reward model: the error names the missing head.
        let lm = try F.temporaryDirectory("rm-lm")
        try F.model(seed: 5).save(directory: lm)
        #expect(throws: CourseError.self) { try RewardModel.load(directory: lm) }
    }

    @Test("Held-out evaluation: accuracy by flaw, length split, calibration bins")
    func evaluationStatistics() {
        let e = PairEvaluation(chosen: [2, 1, 0, 3], rejected: [1, 2, -1, 0], flaws: ["cold_tone", "cold_tone", "over_promise", "missing_move"],
                               chosenLengths: [10, 10, 10, 10], rejectedLengths: [12, 8, 10, 5])
        #expect(e.accuracy == 0.75)
        let byFlaw = Dictionary(uniqueKeysWithValues: e.accuracyByFlaw.map { ($0.flaw, $0.accuracy) })
        #expect(byFlaw == ["cold_tone": 0.5, "over_promise": 1, "missing_move": 1])
        #expect(e.accuracyByLength.rejectedLonger.count == 1 && e.accuracyByLength.rejectedLonger.accuracy == 1)
        #expect(e.accuracyByLength.rejectedShorter.count == 3 && abs(e.accuracyByLength.rejectedShorter.accuracy - 2.0 / 3) < 1e-12)
        let bins = CalibrationBin.bin(probabilities: [0, 0.1, 0.55, 1], outcomes: [false, true, true, true], bins: 2)
        #expect(bins.map(\.count) == [2, 2] && bins[0].observed == 0.5 && bins[1].observed == 1)
        #expect(e.calibration.map(\.count).reduce(0, +) == 4)
    }

    @Test("Held-out metrics: a tie is a miss, a prediction of 1 falls in the last bin, no pairs give NaN means")
    func metricsEdges() {
        let m = PairEvaluation.metrics(chosen: [1, 30], rejected: [1, 0], chosenFirst: [true, true], bins: 4)
        #expect(m.accuracy == 0.5 && m.meanMargin == 15 && m.probabilities == [0.5, 1])
        #expect(m.calibration.map(\.lower) == [0.5, 0.75] && m.calibration.map(\.count) == [1, 1])
        let none = PairEvaluation.metrics(chosen: [], rejected: [], chosenFirst: [], bins: 10)
        #expect(none.accuracy.isNaN && none.loss.isNaN && none.meanMargin.isNaN && none.meanReward.isNaN)
        #expect(none.probabilities.isEmpty && none.calibration.isEmpty)
    }

    @Test("Malformed preference files are rejected with their file and line")
    func badFiles() throws {
        let dir = try F.temporaryDirectory("prefs")
        func check(_ line: String, _ message: String) throws {
            let p = dir.appendingPathComponent("p.jsonl").path
            try (#"{"prompt":"hi","chosen":"Sorry about that.","rejected":"No."}"# + "\n" + line + "\n").write(toFile: p, atomically: true, encoding: .utf8)
            #expect(throws: CourseError(file: p, line: 2, message)) { try PreferenceData.load(path: p) }
        }
        try check(#"{"prompt":"hi","chosen":"ok"}"#, "missing key \"rejected\"")
        try check(#"{"prompt":"hi","chosen":"ok","rejected":""}"#, "\"rejected\" is an empty string")
        try check(#"{"prompt":"","chosen":"ok","rejected":"no"}"#, "\"prompt\" is an empty string")
        try check(#"{"prompt":"hi","chosen":42,"rejected":"no"}"#, "\"chosen\" must be a string or a list of messages")
        try check(#"{"prompt":"hi","chosen":[{"role":"assistant","content":7}],"rejected":"no"}"#,
                  "\"chosen\"[0] must be an object with string \"role\" and \"content\"")
        try check(#"{"prompt":"hi","chosen":"same","rejected":"same"}"#, "\"chosen\" and \"rejected\" are the same reply")
        try check(#"{"prompt":"hi","chosen":"a","rejected":"b","flaw":3}"#, "\"flaw\" must be a non-empty string")
        try check("{not json", "malformed JSON")
        // The SupportDesk files load through the same reader (TRL's conversational format).
        let p = dir.appendingPathComponent("sd.jsonl").path
        try JSONL.encode(Array(F.data.preferences.prefix(3))).write(toFile: p, atomically: true, encoding: .utf8)
        let loaded = try PreferenceData.load(path: p)
        #expect(loaded == F.data.preferences.prefix(3).map(PreferenceExample.init))
    }

    /// A smoke test of the whole training path (padding, last-token head, loss, optimiser): a
    /// tiny random model must learn to rank the pairs it is trained on. Held-out accuracy is the
    /// default run's job (it starts from the SFT model; a random model has no language yet).
    @Test("A short reward-model run learns to rank its training pairs")
    func shortRunLearns() throws {
        let pairs = Array(F.data.preferences.map(PreferenceExample.init).sorted { $0.chosen.count < $1.chosen.count }.prefix(8))
        let m = RewardModel(backbone: F.model(seed: 7), pad: F.pad, seed: 8)
        let t = try RewardTrainer(model: m, template: F.template, train: pairs, heldOut: pairs,
                                  settings: .init(steps: 24, pairsPerBatch: 4, learningRate: 3e-3, warmupSteps: 2, evalEvery: 1000))
        let before = t.evaluate()
        try t.run(metrics: MetricsWriter(url: try F.temporaryDirectory("rm-run").appendingPathComponent("m.csv"),
                                         columns: RewardTrainer.metricColumns), quiet: true)
        let after = t.evaluate()
        #expect(after.loss < before.loss / 2, "Bradley-Terry loss on the training pairs \(before.loss) -> \(after.loss)")
        #expect(after.accuracy >= 7.0 / 8, "accuracy on the training pairs \(before.accuracy) -> \(after.accuracy)")
    }
}
