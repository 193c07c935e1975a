import Foundation

/// Where a chain of stages (`course run all`) stands: which stage runs, and how much of the
/// whole chain that means. A scheduler sets one per stage as `ProgressBar.chain`:
///
/// ```swift
/// let names = stages.map(\.name), started = Date()
/// for (i, stage) in stages.enumerated() {
///     ProgressBar.chain = ChainProgress(index: i, of: names, weights: expectedMinutes, started: started)
///     try stage.run()
/// }
/// ProgressBar.chain = nil
/// ```
///
/// Stages take very different times (pretraining is most of the chain), so each may carry a
/// weight, its expected share of the whole: the overall fraction done is the weight of the
/// finished stages plus this stage's weight times its own fraction done, and the overall time
/// left is the chain's elapsed time scaled by what that fraction says is still to do. With no
/// weights every stage counts the same, and the estimate is only as good as that guess.
public struct ChainProgress: Sendable, Equatable {
    /// The running stage, from 0 (shown from 1: "stage 3/9").
    public var index: Int
    /// How many stages the chain has.
    public var count: Int
    /// The running stage's name ("sft").
    public var name: String
    /// Fraction of the whole chain the stages before this one make up (0...1).
    public var doneBefore: Double
    /// Fraction of the whole chain this stage makes up (0...1).
    public var share: Double
    /// When the chain started (its elapsed time drives the overall estimate).
    public var started: Date

    public init(index: Int, count: Int, name: String, doneBefore: Double, share: Double, started: Date) {
        self.index = index; self.count = max(1, count); self.name = name
        self.doneBefore = doneBefore; self.share = share; self.started = started
    }

    /// Stage `index` of the stages `names`, each weighing `weights[i]` (expected minutes, say;
    /// only their ratios matter). Missing, negative or non-finite weights count as equal ones.
    public init(index: Int, of names: [String], weights: [Double]? = nil, started: Date) {
        let n = max(1, names.count)
        var w = (0..<n).map { i in weights.flatMap { i < $0.count ? $0[i] : nil } ?? 1 }
        if w.contains(where: { !$0.isFinite || $0 < 0 }) || w.reduce(0, +) <= 0 { w = Array(repeating: 1, count: n) }
        let sum = w.reduce(0, +), i = max(0, min(index, n - 1))
        self.init(index: i, count: n, name: names.indices.contains(i) ? names[i] : "",
                  doneBefore: w[..<i].reduce(0, +) / sum, share: w[i] / sum, started: started)
    }

    /// The whole chain's fraction done when this stage is `stageFraction` done.
    public func fraction(stageFraction: Double) -> Double {
        let f = stageFraction.isFinite ? max(0, min(1, stageFraction)) : 0
        return max(0, min(1, doneBefore + share * f))
    }

    /// Seconds left in the whole chain: the elapsed time times (1 - f) / f. Nil until something
    /// is done (no rate to go on) and once everything is.
    public func eta(fraction f: Double, now: Date) -> Double? {
        let elapsed = now.timeIntervalSince(started)
        guard f > 1e-3, f < 1, elapsed > 0 else { return nil }
        return elapsed * (1 - f) / f
    }

    /// The prefix a bar shows inside the chain: "stage 3/9 sft 31%, 7m40s left".
    public func describe(fraction f: Double, now: Date) -> String {
        var s = "stage \(index + 1)/\(count)" + (name.isEmpty ? "" : " " + name) + " \(Int((100 * f).rounded(.down)))%"
        if let eta = eta(fraction: f, now: now) { s += ", " + ProgressBar.duration(eta) + " left" }
        return s
    }
}

/// The chain shared by every bar, behind a lock (bars may be drawn from worker threads), with
/// the highest overall fraction reached in the current stage: a stage that draws a second bar
/// (an evaluation after its training loop) starts that bar from 0, and the overall figure
/// should not run backwards.
final class ChainContext: @unchecked Sendable {
    static let shared = ChainContext()
    private let lock = NSLock()
    private var chain: ChainProgress?
    private var reached = 0.0

    func get() -> ChainProgress? { lock.lock(); defer { lock.unlock() }; return chain }

    func set(_ c: ChainProgress?) {
        lock.lock(); defer { lock.unlock() }
        chain = c
        reached = c?.doneBefore ?? 0
    }

    /// The chain and its overall fraction once a bar of the running stage is `stageFraction`
    /// done (never less than the stage reached before); nil outside a chain.
    func reach(stageFraction: Double) -> (ChainProgress, Double)? {
        lock.lock(); defer { lock.unlock() }
        guard let c = chain else { return nil }
        reached = max(reached, c.fraction(stageFraction: stageFraction))
        return (c, reached)
    }
}
