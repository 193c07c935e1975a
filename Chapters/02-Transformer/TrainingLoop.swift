import Core
import Foundation

// MARK: book training-loop
/// The one training loop of the kit. Pretraining, SFT, LoRA, the reward model, DPO, KTO, PPO
/// and GRPO all run it; what differs between them is only the step (one batch, one update)
/// and the evaluation, which each passes in.
///
/// Per step: train, log the row; every `evalEvery` steps and at the last one, evaluate on
/// held-out data and add those columns to the row, write metrics.csv, then save a checkpoint.
/// Metrics are written before the checkpoint, so a run resumed from a checkpoint finds every
/// row up to it. A loss or gradient that is not finite stops the loop inside the step (see
/// `Trainer.step`), with the last checkpoint kept.
public struct TrainingLoop {
    /// What a step or an evaluation reports: columns for metrics.csv and a short text for the
    /// progress bar.
    public struct Report {
        public var row: [String: Double]
        public var status: String
        public init(_ row: [String: Double], status: String = "") { (self.row, self.status) = (row, status) }
    }

    public var label: String
    public var steps: Int
    public var evalEvery: Int
    /// metrics.csv is also written every this many steps between evaluations.
    public var flushEvery = 10
    public var quiet = false

    public init(label: String, steps: Int, evalEvery: Int, quiet: Bool = false) {
        (self.label, self.steps, self.evalEvery, self.quiet) = (label, steps, evalEvery, quiet)
    }

    /// Whether step `s` (1-based) ends with an evaluation.
    public func evaluates(at s: Int) -> Bool { s % evalEvery == 0 || s == steps }

    /// Runs steps `start + 1 ... steps` (`start` > 0 after resuming from a checkpoint).
    /// - step: one update; gets the 1-based step number, returns its row.
    /// - evaluate: the held-out columns at an evaluation step (nil: this run has none).
    /// - checkpoint: saves what a resumed run needs, after metrics.csv is written.
    public func run(from start: Int = 0, metrics: MetricsWriter, step: (Int) throws -> Report,
                    evaluate: ((Int) throws -> Report)? = nil, checkpoint: ((Int) throws -> Void)? = nil) throws {
        let progress = ProgressBar(label, total: steps, from: start)   // time left counts from here
        progress.quiet = quiet
        var held = ""
        for s in (start + 1)...max(steps, start + 1) where s <= steps {
            var report = try step(s)
            let atEval = evaluates(at: s)
            if atEval, let evaluate {
                let e = try evaluate(s)
                report.row.merge(e.row) { $1 }
                held = e.status
            }
            metrics.log(report.row)
            if atEval || s % flushEvery == 0 { try metrics.flush() }
            if atEval { try checkpoint?(s) }
            progress.update(s, [report.status, held].filter { !$0.isEmpty }.joined(separator: " "))
        }
        try metrics.flush()
    }
}
// MARK: end
