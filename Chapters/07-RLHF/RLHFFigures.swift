import Core
import Foundation
import Plot

/// The figures of an RL run, drawn from its metrics.csv rows.
enum RLHFFigures {
    static func write(dir: URL, metrics: MetricsWriter, title: String) throws {
        let rows = metrics.rows
        // A column the file lacks (one written before the column existed) draws nothing.
        func has(_ c: String) -> Bool { metrics.columns.contains(c) && rows.contains { !$0[metrics.columns.firstIndex(of: c)!].isNaN } }
        func series(_ name: String, _ c: String, smoothing: Double? = nil) -> LineSeries {
            guard let i = metrics.columns.firstIndex(of: c), let step = metrics.columns.firstIndex(of: "step") else {
                return LineSeries(name: name, x: [], y: [])
            }
            let r = rows.filter { !$0[i].isNaN }
            return LineSeries(name: name, x: r.map { $0[step] }, y: r.map { $0[i] }, smoothing: smoothing,
                              marker: smoothing == nil ? .circle : nil)
        }
        // Two panels, because the reward a run optimises (a reward model's score, unbounded; or
        // a verifiable reward in 0-1) and the grader's 0-1 score are different units.
        var optimised = LineChart(title: "the reward it optimises (training rollouts, sampled)", yLabel: "reward")
        optimised.add(series("", "reward", smoothing: 0.6))
        var grader = LineChart(title: "grader score (the rule grader, 0-1)", yLabel: "grader overall")
        grader.add(series("training rollouts (sampled)", "grader", smoothing: 0.6))
        grader.add(series("held-out prompts (greedy)", "eval_grader"))
        grader.add(series("held-out prompts (sampled)", "eval_sampled_grader"))
        var rewards = Panels(title: "\(title): reward and grader score", xLabel: "step")
        rewards.add(optimised)
        rewards.add(grader)
        try rewards.write(to: dir.appendingPathComponent("rewards.png").path, height: 2 * 220 + 80)

        var kl = LineChart(title: "\(title): KL to the reference model", xLabel: "step", yLabel: "nats per reply")
        kl.add(series("KL on training rollouts", "kl", smoothing: 0.6))
        kl.add(series("KL on held-out prompts", "eval_kl"))
        try kl.write(to: dir.appendingPathComponent("kl.png").path)

        // One panel per quantity, each in its own unit, read against the same steps.
        func panel(_ name: String, _ c: String, unit: String) -> LineChart {
            var p = LineChart(title: name, yLabel: unit)
            p.add(series("", c, smoothing: 0.6))   // the panel's title names it: no legend
            return p
        }
        var d = Panels(title: "\(title): update diagnostics", xLabel: "step")
        d.add(panel("entropy of the sampling distribution", "entropy", unit: "nats/token"))
        d.add(panel("share of tokens whose ratio was clipped", "clip_fraction", unit: "share"))
        d.add(panel("approximate KL of one update", "approx_kl", unit: "nats/token"))
        if has("value_loss") { d.add(panel("value loss", "value_loss", unit: "squared error")) }
        d.add(panel("reply length", "reply_length", unit: "tokens"))
        var finished = panel("replies that ended their turn", "finished", unit: "share")
        finished.yRange = 0...1
        d.add(finished)
        try d.write(to: dir.appendingPathComponent("diagnostics.png").path, height: 180 * d.panels.count + 80)
    }
}

extension RLHFRun {
    /// Draws the figures of a finished PPO or GRPO run folder again from its metrics.csv and
    /// config.json (`course plot --run runs/rlhf/ppo`), without training.
    public static func redrawFigures(dir: URL) throws -> [String] {
        struct Config: Decodable { var algo: String }
        let algo = try readJSON(Config.self, from: dir.appendingPathComponent("config.json").path).algo
        let metrics = try MetricsWriter.load(url: dir.appendingPathComponent("metrics.csv"))
        try RLHFFigures.write(dir: dir, metrics: metrics, title: algo.uppercased())
        return ["rewards.png", "kl.png", "diagnostics.png"].map { dir.appendingPathComponent($0).path }
    }
}
