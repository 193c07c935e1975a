import Autograd
import Core
import Foundation
import Plot
import SFT
import SupportDesk
import Transformer

/// Chapter 6: a reward model trained on SupportDesk preference pairs, started from the SFT model.
/// Writes runs/reward-model/: config.json, metrics.csv, evaluation.json, loss.png, accuracy.png,
/// rewards.png (histogram), calibration.png, length-bias.png, flaws.png, examples.md, model/.
public enum RewardModelRun {
    public struct Settings: Codable, Sendable {
        public var data: SizePreset
        public var train: RewardTrainer.Settings
        public var heldOutRule = "every 10th pair (index % 10 == 0) is held out"
        public var dataFile: String?
    }

    /// `dataFile`: the learner's own preference pairs (TRL's prompt/chosen/rejected JSONL).
    public static func settings(_ preset: Preset, seed: UInt64, dataFile: String? = nil) -> Settings {
        switch preset {
        case .quick:
            return Settings(data: .small, train: .init(steps: 12, pairsPerBatch: 4, learningRate: 3e-4, warmupSteps: 2,
                                                       evalEvery: 6, seed: seed), dataFile: dataFile)
        case .default:
            return Settings(data: .default, train: .init(steps: 270, pairsPerBatch: 8, learningRate: 1e-4, warmupSteps: 20,
                                                         evalEvery: 30, seed: seed), dataFile: dataFile)
        }
    }

    /// Loads the reward model and its chat template from a model folder written by this run.
    public static func load(_ dir: URL) throws -> (RewardModel, ChatTemplate) {
        (try RewardModel.load(directory: dir), try ChatTemplate(tokenizer: try BPETokenizer.load(directory: dir.path)))
    }

    /// Trains a reward model whose backbone starts as the SFT model in `sft` (a model folder).
    public static func run(_ spec: RunSpec, settings s: Settings, sft sftDir: URL) throws {
        let dir = spec.dir
        let own = try s.dataFile.map { try PreferenceData.load(path: $0) }
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        let (backbone, template) = try SFTRun.loadModel(sftDir)
        let pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
        let model = RewardModel(backbone: backbone, pad: pad, seed: spec.seed)
        let data = spec.builtInData(s.data)
        let examples = own ?? PreferenceExample.builtIn(data)
        let (train, held) = PreferenceData.split(examples)
        let trainer = try RewardTrainer(model: model, template: template, train: train, heldOut: held, settings: s.train)
        print("reward model: \(trainer.train.count) training pairs, \(trainer.heldOut.count) held out"
              + " (\(trainer.dropped) longer than the context dropped)")
        let before = trainer.evaluate()
        let metrics = MetricsWriter(url: dir.appendingPathComponent("metrics.csv"), columns: RewardTrainer.metricColumns)
        metrics.log(["step": 0, "eval_loss": before.loss, "eval_accuracy": before.accuracy, "eval_margin": before.meanMargin,
                     "eval_reward_mean": before.meanReward])
        try trainer.run(metrics: metrics)
        let after = trainer.evaluate()

        try model.save(directory: dir.appendingPathComponent("model"))
        try template.tokenizer.save(directory: dir.appendingPathComponent("model").path)
        try writeEvaluation(after, before: before, to: dir.appendingPathComponent("evaluation.json"))
        // Pairs on test prompts: combinations no training pair uses (the held-out tenth above
        // shares its combinations with training). The built-in data only.
        let context = backbone.config.contextLength
        let test = (own == nil ? data.testPairs.map(PreferenceExample.init) : [])
            .map { TokenizedPreference($0, template: template) }.filter { max($0.chosen.count, $0.rejected.count) <= context }
        let onTest = test.isEmpty ? nil : trainer.evaluate(test)
        if let onTest { try writeEvaluation(onTest, before: before, to: dir.appendingPathComponent("evaluation-test.json")) }
        // The table the book includes, rendered from the files just written (as `course results` does).
        let provenance = RunProvenance(preset: spec.preset, seed: spec.seed, language: spec.language, policyChange: spec.policyChange)
        try AtomicFile.write(try RewardModelResultsReport.flawTable(dir, settings: s, provenance: provenance), to: dir.appendingPathComponent("results.md"))
        try RewardModelFigures.write(dir: dir, metrics: metrics, evaluation: after)
        try writeExamples(after, held: trainer.heldOutExamples, to: dir.appendingPathComponent("examples.md"))

        print(String(format: "held-out pair accuracy: %.1f%% (before training %.1f%%), %d pairs",
                     100 * after.accuracy, 100 * before.accuracy, after.count))
        for f in after.accuracyByFlaw { print("  " + f.flaw.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: " %5.1f%%  (%d pairs)", 100 * f.accuracy, f.count)) }
        let lb = after.accuracyByLength
        print(String(format: "length bias: corr(reward, reply tokens) %.2f; accuracy when rejected is longer %.1f%% (%d), shorter or equal %.1f%% (%d)",
                     after.lengthCorrelation, 100 * lb.rejectedLonger.accuracy, lb.rejectedLonger.count,
                     100 * lb.rejectedShorter.accuracy, lb.rejectedShorter.count))
        print("wrote \(dir.path)/")
    }

    static func writeEvaluation(_ e: PairEvaluation, before: PairEvaluation, to url: URL) throws {
        try writeJSON(RecordedPairEvaluation(e, before: before), to: url)
    }

    /// A few held-out pairs with their rewards: the model's mistakes first.
    static func writeExamples(_ e: PairEvaluation, held: [PreferenceExample], to url: URL) throws {
        var md = "# Reward model on held-out pairs\n\nrewards r(chosen), r(rejected); σ(r_c − r_r) is the predicted probability that chosen is better.\n\n"
        let order = e.chosen.indices.sorted { (e.chosen[$0] - e.rejected[$0]) < (e.chosen[$1] - e.rejected[$1]) }
        for i in order.prefix(3) + order.suffix(2) where i < held.count {
            let p = held[i]
            md += String(format: "## Pair (flaw: %@): r_c %.2f, r_r %.2f, p %.2f%@\n\n", p.flaw ?? "?", e.chosen[i], e.rejected[i],
                         e.probabilities[i], e.chosen[i] > e.rejected[i] ? "" : " (wrong)")
            md += "**Customer:** " + (p.prompt.last?.content ?? "").replacingOccurrences(of: "\n", with: " · ") + "\n\n"
            md += "**Chosen:** " + p.chosen.replacingOccurrences(of: "\n", with: " ") + "\n\n"
            md += "**Rejected:** " + p.rejected.replacingOccurrences(of: "\n", with: " ") + "\n\n"
        }
        try AtomicFile.write(md, to: url)
    }
}

/// Chapter 6's figures: loss, pair accuracy, reward histograms, calibration, length bias, flaws.
enum RewardModelFigures {
    static func write(dir: URL, metrics: MetricsWriter, evaluation e: PairEvaluation) throws {
        let rows = metrics.rows
        func series(_ name: String, _ c: String, smoothing: Double? = nil) -> LineSeries {
            let i = metrics.columns.firstIndex(of: c)!
            let r = rows.filter { !$0[i].isNaN }
            return LineSeries(name: name, x: r.map { $0[0] }, y: r.map { $0[i] }, smoothing: smoothing, marker: smoothing == nil ? .circle : nil)
        }
        func path(_ f: String) -> String { dir.appendingPathComponent(f).path }
        var loss = LineChart(title: "Reward model: Bradley-Terry loss", xLabel: "step", yLabel: "-log sigmoid(r_c - r_r)")
        loss.add(series("train (batch)", "loss", smoothing: 0.9))
        loss.add(series("held-out pairs", "eval_loss"))
        try loss.write(to: path("loss.png"))

        var acc = LineChart(title: "Reward model: pair accuracy", xLabel: "step", yLabel: "share of pairs with r_c > r_r", yRange: 0...1)
        acc.add(series("train (batch)", "accuracy", smoothing: 0.9))
        acc.add(series("held-out pairs", "eval_accuracy"))
        try acc.write(to: path("accuracy.png"))

        var hist = Histogram(title: "Held-out rewards: chosen vs rejected replies", xLabel: "reward", bins: 30)
        hist.add(HistogramSeries(name: "chosen", values: e.chosen.map(Double.init)))
        hist.add(HistogramSeries(name: "rejected", values: e.rejected.map(Double.init)))
        try hist.write(to: path("rewards.png"))

        let bins = e.calibration
        var cal = LineChart(title: "Calibration: predicted sigmoid(r_A - r_B) vs observed", xLabel: "predicted probability that A is better (bin mean)",
                            yLabel: "observed frequency", xRange: 0...1, yRange: 0...1)
        cal.add(LineSeries(name: "perfect calibration", x: [0, 1], y: [0, 1]))
        cal.add(LineSeries(name: "reward model (10 bins)", x: bins.map(\.meanPredicted), y: bins.map(\.observed), marker: .circle))
        try cal.write(to: path("calibration.png"))

        var len = ScatterChart(title: String(format: "Length bias: reward vs reply length (r = %.2f)", e.lengthCorrelation),
                               xLabel: "reply length (tokens)", yLabel: "reward")
        len.add(ScatterSeries(name: "chosen", x: e.chosenLengths.map(Double.init), y: e.chosen.map(Double.init)))
        len.add(ScatterSeries(name: "rejected", x: e.rejectedLengths.map(Double.init), y: e.rejected.map(Double.init)))
        try len.write(to: path("length-bias.png"))

        try flawChart(e.accuracyByFlaw).write(to: path("flaws.png"))
    }

    /// Accuracy per flaw, the number of pairs in each category's label.
    static func flawChart(_ flaws: [(flaw: String, accuracy: Double, count: Int)]) -> BarChart {
        var bar = BarChart(title: "Held-out accuracy by flaw of the rejected reply", yLabel: "accuracy",
                           categories: flaws.map { "\($0.flaw) (\($0.count))" }, yRange: 0...1.1, showValues: true)
        bar.add(BarSeries(name: "", values: flaws.map(\.accuracy)))
        return bar
    }
}
