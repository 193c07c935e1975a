import Core
import Foundation
import Plot
import SupportDesk

/// `course run dpo --loss all`: every variant trained from the same SFT model, on the same
/// pairs (KTO on the unpaired replies), with the same steps and learning rate, then graded on
/// the same held-out prompts. Writes runs/dpo/compare/: comparison.json, comparison.md,
/// scores.png, flaws.png, flaw-counts.png, flaws-sampled.png, kl.png, accuracies.png, and one folder per variant.
public enum DPOCompareRun {
    /// Every variant's settings (the same options for all).
    public static func settings(_ preset: Preset, seed: UInt64, _ o: DPORun.Options) -> [DPORun.Settings] {
        DPOVariant.allCases.map { DPORun.settings(preset, seed: seed, variant: $0, o) }
    }

    /// The folder under runs/: dpo/compare, or dpo/compare-lora.
    public static func folder(_ o: DPORun.Options) -> String { "dpo/compare" + (o.lora ? "-lora" : "") }

    public static func run(_ spec: RunSpec, settings all: [DPORun.Settings], sft: URL) throws {
        let dir = spec.dir
        let base = all[0]
        let data = try Inputs.load(dataFile: base.dataFile, spec: spec, preset: base.data, unpaired: false)
        try writeJSON(all, to: dir.appendingPathComponent("config.json"))
        let world = try DPOSetup(spec, sft: sft, data, base, variants: DPOVariant.allCases)
        let sftGrades = world.gradeSFT(progress: ProgressBar("grading SFT", total: world.items.count))
        var reports = [sftGrades.report]
        var accuracies: [(String, MetricsWriter)] = []
        for s in all {
            let sub = try spec.sub(s.loss.rawValue).dir
            try writeJSON(s, to: sub.appendingPathComponent("config.json"))
            let (r, _, m) = try world.train(s, label: s.loss.rawValue, dir: sub, sft: sftGrades)
            reports.append(r)
            print(DPOReporting.line(r))
            accuracies.append((s.loss.rawValue, m))
        }
        try writeJSON(reports, to: dir.appendingPathComponent("comparison.json"))
        try AtomicFile.write("# DPO and relatives on \(world.items.count) held-out prompts\n\n" + DPOReporting.table(reports),
                             to: dir.appendingPathComponent("comparison.md"))
        try plots(dir: dir, reports: reports, metrics: accuracies)
        print(DPOReporting.table(reports))
        print("wrote \(dir.path)/")
    }

    /// The grader's score and the win rate against SFT per variant, as two bar panels that
    /// share the variants, each with its own axis from 0 (scores: to 1.1, so labels of scores near 1
    /// stay clear of the title); dashed lines mark the SFT model's
    /// score and a win rate of 0.5, named in each panel's title (bars and their value labels
    /// reach the top of the axis, so a legend there would cover them).
    static func scoreFigure(_ reports: [PolicyReport]) -> Panels {
        let names = reports.map(\.name)
        var scores = BarChart(title: "Grader score on held-out prompts (dashed: the SFT model's score)", yLabel: "grader overall (0-1)",
                              categories: names, yRange: 0...1.1, showValues: true)   // room above 1 for the value labels
        scores.add(BarSeries(name: "", values: reports.map(\.overall)))
        if let sft = reports.first { scores.add(.horizontal(sft.overall)) }
        var wins = BarChart(title: "Win rate against the SFT model on the same prompts, ties count half (dashed: 0.5, as good as SFT)",
                            yLabel: "win rate", categories: names, yRange: 0...1, showValues: true)
        wins.add(BarSeries(name: "", values: reports.map { $0.winRate ?? .nan }, color: Palette.color(1)))
        wins.add(.horizontal(0.5))
        return Panels(title: "DPO and relatives against the SFT model", xLabel: "variant", bars: [scores, wins])
    }

    /// Draws the comparison's figures again from comparison.json and each variant's
    /// metrics.csv (`course plot --run runs/dpo/compare`), without training.
    public static func redrawFigures(dir: URL) throws -> [String] {
        let reports = try readJSON([PolicyReport].self, from: dir.appendingPathComponent("comparison.json").path)
        var metrics: [(String, MetricsWriter)] = []
        for r in reports.dropFirst() {   // the first report is the SFT model's, which did not train
            let url = dir.appendingPathComponent(r.name).appendingPathComponent("metrics.csv")
            if FileManager.default.fileExists(atPath: url.path) { metrics.append((r.name, try MetricsWriter.load(url: url))) }
        }
        try plots(dir: dir, reports: reports, metrics: metrics)
        return ["scores.png", "flaws.png", "flaw-counts.png", "flaws-sampled.png", "kl.png", "accuracies.png"].map { dir.appendingPathComponent($0).path }
    }

    static func plots(dir: URL, reports: [PolicyReport], metrics: [(String, MetricsWriter)]) throws {
        func path(_ f: String) -> String { dir.appendingPathComponent(f).path }
        // Two quantities, two panels over the same variants: the grader's score (0-1), and how
        // often a variant's reply beats the SFT model's on the same prompt (0.5: no better, no worse).
        try scoreFigure(reports).write(to: path("scores.png"), width: 1000, height: 640)
        try DPOFigures.flawChart(reports).write(to: path("flaws.png"), width: 1000)
        try DPOFigures.flawCountChart(reports).write(to: path("flaw-counts.png"), width: 1000)
        try DPOFigures.flawChart(reports, sampled: true).write(to: path("flaws-sampled.png"), width: 1000)

        var kl = ScatterChart(title: "Reward vs drift: grader score against KL to the SFT model", xLabel: "KL(policy || SFT model), nats per reply token",
                              yLabel: "grader overall")
        for r in reports { kl.add(ScatterSeries(name: r.name, x: [r.kl ?? 0], y: [r.overall], marker: .circle)) }
        try kl.write(to: path("kl.png"))

        var acc = LineChart(title: "Held-out pairs: rewards/accuracies while training", xLabel: "step", yLabel: "accuracy", yRange: 0...1)
        for (name, m) in metrics {
            let s = DPOFigures.column(m, "eval_rewards_accuracies")
            acc.add(LineSeries(name: name, x: s.x, y: s.y, marker: .circle))
        }
        acc.add(.horizontal(0.5, label: "chance"))
        try acc.write(to: path("accuracies.png"))
    }
}
