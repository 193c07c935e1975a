import Foundation

/// Where a chain of stages (`course run all`) stands: which stage runs, and how much of the
/// whole chain that means. A scheduler sets one per stage as `ProgressBar.chain`:
///
/// ```swift
/// let names = stages.map(\.name), started = Date()
/// var seconds: [Double?] = []            // per finished stage; nil when it was reused
/// for (i, stage) in stages.enumerated() {
///     ProgressBar.chain = ChainProgress(index: i, of: names, weights: expectedMinutes,
///                                       started: started, secondsBefore: seconds)
///     let t = Date()
///     try stage.run()
///     seconds.append(Date().timeIntervalSince(t))
/// }
/// ProgressBar.chain = nil
/// ```
///
/// Stages take very different times (pretraining is most of the chain), so each carries a
/// weight, its expected share of the whole. The time left is a rate times the shares to go:
///
///     rate       = seconds per unit of share, from the stages built so far and this stage's
///                  projection (its elapsed time plus its running bar's time left)
///     stage left = max(running bar's time left, rate × this stage's share − its elapsed time)
///     chain left = stage left + rate × the shares of the stages after it
///
/// The second term of `stage left` matters in stages that draw several bars one after the
/// other (grade, train, grade again; evaluate seven models): a bar alone does not know what
/// comes after it in its stage, the stage's share does. A stage's fraction done is its
/// elapsed time over its elapsed time plus its time left. With no weights every stage counts
/// the same, and the estimate is only as good as that guess.
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
    /// When the chain started.
    public var started: Date
    /// When this stage started.
    public var stageStarted: Date
    /// Seconds spent on the stages built before this one in this chain, and their shares (a
    /// stage reused from an earlier run took no time and says nothing about the rate).
    public var measuredSeconds: Double
    public var measuredShare: Double

    public init(index: Int, count: Int, name: String, doneBefore: Double, share: Double, started: Date,
                stageStarted: Date? = nil, measuredSeconds: Double = 0, measuredShare: Double = 0) {
        self.index = index; self.count = max(1, count); self.name = name
        self.doneBefore = doneBefore; self.share = share; self.started = started
        self.stageStarted = stageStarted ?? started
        self.measuredSeconds = measuredSeconds; self.measuredShare = measuredShare
    }

    /// Stage `index` of the stages `names`, each weighing `weights[i]` (expected minutes, say;
    /// only their ratios matter), started at `stageStarted` (default: now). `secondsBefore[j]`
    /// is how long stage j took when it was built in this chain, nil when it was reused.
    /// Missing, negative or non-finite weights count as equal ones.
    public init(index: Int, of names: [String], weights: [Double]? = nil, started: Date,
                stageStarted: Date = Date(), secondsBefore: [Double?] = []) {
        let n = max(1, names.count)
        var w = (0..<n).map { i in weights.flatMap { i < $0.count ? $0[i] : nil } ?? 1 }
        if w.contains(where: { !$0.isFinite || $0 < 0 }) || w.reduce(0, +) <= 0 { w = Array(repeating: 1, count: n) }
        let sum = w.reduce(0, +), i = max(0, min(index, n - 1))
        var seconds = 0.0, measured = 0.0
        for (j, s) in secondsBefore.prefix(i).enumerated() {
            if let s, s.isFinite, s > 0 { seconds += s; measured += w[j] / sum }
        }
        self.init(index: i, count: n, name: names.indices.contains(i) ? names[i] : "",
                  doneBefore: w[..<i].reduce(0, +) / sum, share: w[i] / sum, started: started,
                  stageStarted: stageStarted, measuredSeconds: seconds, measuredShare: measured)
    }

    /// The chain's fraction done when this stage is `stageFraction` done.
    public func fraction(stageFraction: Double) -> Double {
        let f = stageFraction.isFinite ? max(0, min(1, stageFraction)) : 0
        return max(0, min(1, doneBefore + share * f))
    }

    /// This stage's fraction done and the chain's seconds left, while a bar of this stage is
    /// `barFraction` done with `barLeft` seconds to go (nil: not timed yet). Without a rate (no
    /// stage measured and the bar not timed) the fraction is the bar's and the time left nil.
    public func estimate(barFraction: Double, barLeft: Double?, now: Date) -> (stageFraction: Double, left: Double?) {
        let inStage = max(0, now.timeIntervalSince(stageStarted))
        let barLeft = barLeft.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        var rate: Double?
        if let barLeft, measuredShare + share > 0 {
            rate = (measuredSeconds + inStage + barLeft) / (measuredShare + share)
        } else if measuredShare > 0, measuredSeconds > 0 {
            rate = measuredSeconds / measuredShare
        }
        guard let rate, rate.isFinite else { return (barFraction, nil) }
        let stageLeft = max(barLeft ?? 0, rate * share - inStage)
        let stageFraction = inStage + stageLeft > 0 ? inStage / (inStage + stageLeft) : barFraction
        return (stageFraction, stageLeft + rate * max(0, 1 - doneBefore - share))
    }

    /// The prefix a bar shows inside the chain: "stage 3/9 sft 31%, 7m40s left". The percentage
    /// stays below 100 while a stage runs; under a second left shows no time.
    public func describe(fraction f: Double, left: Double?) -> String {
        let percent = min(99, Int((100 * (f.isFinite ? f : 0)).rounded(.down)))
        var s = "stage \(index + 1)/\(count)" + (name.isEmpty ? "" : " " + name) + " \(max(0, percent))%"
        if let left, left.isFinite, left >= 1 { s += ", " + ProgressBar.duration(left) + " left" }
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

    /// The chain, its overall fraction (never less than the stage reached before) and its
    /// seconds left, once a bar of the running stage is `barFraction` done with `barLeft`
    /// seconds to go; nil outside a chain.
    func reach(barFraction: Double, barLeft: Double?, now: Date = Date()) -> (chain: ChainProgress, fraction: Double, left: Double?)? {
        lock.lock(); defer { lock.unlock() }
        guard let c = chain else { return nil }
        let e = c.estimate(barFraction: barFraction, barLeft: barLeft, now: now)
        reached = max(reached, c.fraction(stageFraction: e.stageFraction))
        return (c, reached, e.left)
    }
}
