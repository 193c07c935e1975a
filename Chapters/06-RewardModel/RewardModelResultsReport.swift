import Core
import Foundation

/// What runs/reward-model/evaluation.json (and evaluation-test.json) hold: the trained reward
/// model's answers to the questions of this chapter, on held-out pairs.
struct RecordedPairEvaluation: Codable {
    struct Flaw: Codable { var accuracy: Double; var pairs: Int }
    var pairs: Int, accuracy: Double, accuracyBeforeTraining: Double, loss: Double, meanMargin: Double, meanReward: Double
    var accuracyByFlaw: [String: Flaw]
    var lengthCorrelation: Double
    var accuracyRejectedLonger: Double, pairsRejectedLonger: Int
    var accuracyRejectedShorterOrEqual: Double, pairsRejectedShorterOrEqual: Int
    var calibration: [CalibrationBin]

    init(_ e: PairEvaluation, before: PairEvaluation) {
        let lb = e.accuracyByLength
        (pairs, accuracy, accuracyBeforeTraining, loss) = (e.count, e.accuracy, before.accuracy, e.loss)
        (meanMargin, meanReward) = (e.meanMargin, e.meanReward)
        accuracyByFlaw = Dictionary(uniqueKeysWithValues: e.accuracyByFlaw.map { ($0.flaw, Flaw(accuracy: $0.accuracy, pairs: $0.count)) })
        lengthCorrelation = e.lengthCorrelation
        (accuracyRejectedLonger, pairsRejectedLonger) = (lb.rejectedLonger.accuracy, lb.rejectedLonger.count)
        (accuracyRejectedShorterOrEqual, pairsRejectedShorterOrEqual) = (lb.rejectedShorter.accuracy, lb.rejectedShorter.count)
        calibration = e.calibration
    }
}

/// Chapter 6's tables in the book, rendered from what `course run reward-model` recorded in
/// runs/reward-model/: evaluation.json, evaluation-test.json, metrics.csv, config.json, done.json.
public enum RewardModelResultsReport {
    /// runs/reward-model -> results.md (accuracy by flaw) and results-training.md (the run in numbers).
    public static func render(_ dir: URL) throws -> [ResultsFile] {
        let provenance = try RunProvenance.read(dir)
        let settings = try readJSON(RewardModelRun.Settings.self, from: dir.appendingPathComponent("config.json").path)
        return [ResultsFile("results.md", try flawTable(dir, settings: settings, provenance: provenance)),
                ResultsFile("results-training.md", try training(dir, settings: settings, provenance: provenance))]
    }

    static func command(_ s: RewardModelRun.Settings) -> String {
        "course run reward-model" + (s.dataFile.map { " --data \($0)" } ?? "")
    }

    static func evaluation(_ dir: URL, _ name: String) throws -> RecordedPairEvaluation? {
        let url = dir.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try readJSON(RecordedPairEvaluation.self, from: url.path)
    }

    /// Pair accuracy by flaw of the rejected reply: on the held-out tenth of the training pairs,
    /// and on pairs built from test prompts (combinations no training pair uses).
    static func flawTable(_ dir: URL, settings: RewardModelRun.Settings, provenance: RunProvenance) throws -> String {
        guard let held = try evaluation(dir, "evaluation.json") else {
            throw CourseError(file: dir.appendingPathComponent("evaluation.json").path, "missing: the reward model's run did not finish")
        }
        let test = try evaluation(dir, "evaluation-test.json")
        let flaws = held.accuracyByFlaw.keys.sorted()
        func cell(_ e: RecordedPairEvaluation?, _ flaw: String) -> String {
            guard let f = e?.accuracyByFlaw[flaw] else { return "–" }
            return "\(Cell.percent(f.accuracy, 1)) (\(f.pairs))"
        }
        var md = "| pairs | all | " + flaws.joined(separator: " | ") + " |\n|---|---|" + flaws.map { _ in "---|" }.joined() + "\n"
        md += "| held-out tenth of the training pairs | \(Cell.percent(held.accuracy, 1)) (\(held.pairs)) | "
            + flaws.map { cell(held, $0) }.joined(separator: " | ") + " |\n"
        if let test {
            md += "| pairs on test prompts (unseen combinations) | \(Cell.percent(test.accuracy, 1)) (\(test.pairs)) | "
                + flaws.map { cell(test, $0) }.joined(separator: " | ") + " |\n"
        }
        md += "\nPair accuracy: share of pairs whose chosen reply gets the higher reward (count in brackets).\n"
        return md + "\n" + provenance.line(command(settings)) + "\n"
    }

    /// The run in numbers: accuracy before and after, its best point while training, the margin,
    /// length bias and how often confident predictions are right (on the held-out pairs).
    static func training(_ dir: URL, settings s: RewardModelRun.Settings, provenance: RunProvenance) throws -> String {
        guard let e = try evaluation(dir, "evaluation.json") else {
            throw CourseError(file: dir.appendingPathComponent("evaluation.json").path, "missing: the reward model's run did not finish")
        }
        let metrics = try CSVTable.read(path: dir.appendingPathComponent("metrics.csv").path)
        let file = dir.appendingPathComponent("metrics.csv").path
        let steps = try metrics.column("step", file: file), acc = try metrics.column("eval_accuracy", file: file)
        let evals = zip(steps, acc).filter { !$0.1.isNaN }
        var md = "| measurement (held-out pairs) | value |\n| --- | --- |\n"
        md += "| accuracy before training | \(Cell.percent(e.accuracyBeforeTraining, 1)) |\n"
        md += "| accuracy after training | \(Cell.percent(e.accuracy, 1)) (\(e.pairs) pairs) |\n"
        if let best = evals.max(by: { $0.1 < $1.1 }) {   // the first step with the highest accuracy
            md += "| highest accuracy while training | \(Cell.percent(best.1, 1)) at step \(Int(best.0)) |\n"
        }
        md += "| mean margin r(chosen) − r(rejected) | \(Cell.number(e.meanMargin, 2)) |\n"
        md += "| Bradley–Terry loss | \(Cell.number(e.loss, 3)) |\n"
        md += "| correlation of reward and reply length | \(Cell.number(e.lengthCorrelation, 2)) |\n"
        md += "| accuracy, rejected reply longer | \(Cell.percent(e.accuracyRejectedLonger, 1)) (\(e.pairsRejectedLonger) pairs) |\n"
        md += "| accuracy, rejected reply shorter or as long | \(Cell.percent(e.accuracyRejectedShorterOrEqual, 1)) (\(e.pairsRejectedShorterOrEqual) pairs) |\n"
        let (sure, unsure) = confidence(e.calibration)
        md += "| confident pairs (σ below 0.1 or from 0.9): right | \(Cell.percent(sure.right, 1)) of \(sure.count) |\n"
        md += "| uncertain pairs (σ from 0.1 to 0.9): right | \(Cell.percent(unsure.right, 1)) of \(unsure.count) |\n"
        md += "\n\(s.train.steps) steps of \(s.train.pairsPerBatch) pairs; held out: \(s.heldOutRule). "
        md += "σ is the predicted probability that a reply is the better one, each pair shown in a random order (as in calibration.png).\n"
        return md + "\n" + provenance.line(command(s)) + "\n"
    }

    /// From the calibration bins (each pair in a random orientation A/B, p = σ(r_A − r_B)): a
    /// prediction is right when it favours the chosen reply, i.e. p ≥ ½ and A was chosen, or p < ½ and B was.
    static func confidence(_ bins: [CalibrationBin]) -> (sure: (right: Double?, count: Int), unsure: (right: Double?, count: Int)) {
        func summary(_ bs: [CalibrationBin]) -> (right: Double?, count: Int) {
            let n = bs.reduce(0) { $0 + $1.count }
            let right = bs.reduce(0.0) { $0 + Double($1.count) * ($1.lower >= 0.5 ? $1.observed : 1 - $1.observed) }
            return (n == 0 ? nil : right / Double(n), n)
        }
        let sure = bins.filter { $0.upper <= 0.1 + 1e-9 || $0.lower >= 0.9 - 1e-9 }
        let unsure = bins.filter { !($0.upper <= 0.1 + 1e-9 || $0.lower >= 0.9 - 1e-9) }
        return (summary(sure), summary(unsure))
    }
}
