import Core
import Foundation
import Plot

/// The figures of an RL run, drawn from its metrics.csv rows.
enum RLHFFigures {
    static func write(dir: URL, metrics: MetricsWriter, title: String) throws {
        let rows = metrics.rows
        func col(_ n: String) -> Int { metrics.columns.firstIndex(of: n)! }
        func series(_ name: String, _ c: String, smoothing: Double? = nil, scale: Double = 1) -> LineSeries {
            let r = rows.filter { !$0[col(c)].isNaN }
            return LineSeries(name: name, x: r.map { $0[col("step")] }, y: r.map { $0[col(c)] * scale }, smoothing: smoothing,
                              marker: smoothing == nil ? .circle : nil)
        }
        var rewards = LineChart(title: "\(title): reward and grader score", xLabel: "step", yLabel: "score")
        rewards.add(series("reward optimised (sampled replies)", "reward", smoothing: 0.6))
        rewards.add(series("grader, sampled replies", "grader", smoothing: 0.6))
        rewards.add(series("grader, held-out prompts (greedy)", "eval_grader"))
        rewards.add(series("grader, held-out prompts (sampled)", "eval_sampled_grader"))
        try rewards.write(to: dir.appendingPathComponent("rewards.png").path)

        var kl = LineChart(title: "\(title): KL to the reference model", xLabel: "step", yLabel: "nats per reply")
        kl.add(series("KL on training rollouts", "kl", smoothing: 0.6))
        kl.add(series("KL on held-out prompts", "eval_kl"))
        try kl.write(to: dir.appendingPathComponent("kl.png").path)

        var d = LineChart(title: "\(title): update diagnostics", xLabel: "step", yLabel: "value")
        d.add(series("entropy (nats/token)", "entropy", smoothing: 0.6))
        d.add(series("clip fraction", "clip_fraction", smoothing: 0.6))
        d.add(series("approx. KL per update ×100", "approx_kl", smoothing: 0.6, scale: 100))
        if rows.contains(where: { !$0[col("value_loss")].isNaN }) { d.add(series("value loss ×10", "value_loss", smoothing: 0.6, scale: 10)) }
        d.add(series("reply length / 100 tokens", "reply_length", smoothing: 0.6, scale: 0.01))
        d.add(series("finished (share with <|im_end|>)", "finished", smoothing: 0.6))
        try d.write(to: dir.appendingPathComponent("diagnostics.png").path)
    }
}
