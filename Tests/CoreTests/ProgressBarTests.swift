import Foundation
import Testing
@testable import Core

@Suite("Progress bar text")
struct ProgressBarTests {
    @Test("Durations read as seconds, minutes and seconds, or hours and minutes")
    func durations() {
        #expect(ProgressBar.duration(0) == "0s")
        #expect(ProgressBar.duration(12.4) == "12s")
        #expect(ProgressBar.duration(59.6) == "1m00s")
        #expect(ProgressBar.duration(185) == "3m05s")
        #expect(ProgressBar.duration(3599.6) == "1h00m")
        #expect(ProgressBar.duration(3725) == "1h02m")
        #expect(ProgressBar.duration(.nan) == "0s" && ProgressBar.duration(-3) == "0s")
    }

    @Test("The time left is the mean time per unit so far times the units to go")
    func eta() throws {
        let eta = try #require(ProgressBar.eta(elapsed: 10, done: 20, left: 80))
        #expect(abs(eta - 40) < 1e-9)
        #expect(ProgressBar.eta(elapsed: 10, done: 0, left: 80) == nil, "no unit timed yet")
        #expect(ProgressBar.eta(elapsed: 10, done: 100, left: 0) == nil, "nothing left")
    }

    @Test("Status fields that are missing, NaN or infinite are left out instead of printing nan")
    func statusFields() {
        #expect(ProgressBar.status([("loss", 1.23456), ("eval", nil), ("grader", .nan), ("kl", 0.5)]) == "loss 1.235 kl 0.500")
        #expect(ProgressBar.status([("reward", .infinity), ("z", nil)]) == "")
        #expect(ProgressBar.status([("", 3), ("acc", 0.875)], format: "%.2f") == "3.00 acc 0.88")
    }

    @Test("A bar's line shows the count, the status, the elapsed time and the time left")
    func line() {
        let running = ProgressBar.line(label: "sft", done: 25, total: 100, elapsed: 12, eta: 36, status: "loss 1.234")
        #expect(running == "sft [######------------------] 25/100  loss 1.234  12s, 36s left")
        let finished = ProgressBar.line(label: "sft", done: 100, total: 100, elapsed: 185, eta: nil, status: "")
        #expect(finished == "sft [########################] 100/100  3m05s")
        // Out-of-range counts still draw a bar of the right width.
        #expect(ProgressBar.line(label: "x", done: 150, total: 100, elapsed: 1, eta: nil, status: "", width: 4) == "x [####] 150/100  1s")
    }

    @Test("On a narrow terminal the line fits: the bar narrows, then the status loses words, the time stays")
    func fitted() {
        let prefix = "stage 8/9 dpo/sigmoid 89%, 3m10s left | "
        let full = ProgressBar.fitted(prefix: prefix, label: "sigmoid", done: 6, total: 12, elapsed: 40, eta: 40,
                                      status: "loss 0.694 held-out acc 62% margin 0.043", columns: nil)
        #expect(full == prefix + "sigmoid [############------------] 6/12  loss 0.694 held-out acc 62% margin 0.043  40s, 40s left")
        let narrow = ProgressBar.fitted(prefix: prefix, label: "sigmoid", done: 6, total: 12, elapsed: 40, eta: 40,
                                        status: "loss 0.694 held-out acc 62% margin 0.043", columns: 110)
        #expect(narrow == prefix + "sigmoid [####----] 6/12  loss 0.694 held-out acc 62%  40s, 40s left")
        #expect(narrow.count <= 109)
        let tiny = ProgressBar.fitted(prefix: prefix, label: "sigmoid", done: 6, total: 12, elapsed: 40, eta: 40, status: "loss 0.694", columns: 30)
        #expect(tiny.count == 29 && tiny.hasPrefix("stage 8/9"))
        #expect(ProgressBar.line(label: "x", done: 9, total: 10, elapsed: 3, eta: 0.3, status: "", width: 4) == "x [###-] 9/10  3s",
                "under half a second left shows no time")
    }

    static let stages = ["autograd", "transformer", "sft", "lora", "qlora", "reward-model", "rlhf", "dpo", "evaluation"]

    @Test("A chain stage knows its share of the whole and prints its position, fraction and time left")
    func chainStage() {
        let c = ChainProgress(index: 2, of: Self.stages, started: Date())
        #expect(c.count == 9 && c.name == "sft")
        #expect(abs(c.doneBefore - 2.0 / 9) < 1e-12 && abs(c.share - 1.0 / 9) < 1e-12)
        #expect(abs(c.fraction(stageFraction: 0.5) - 2.5 / 9) < 1e-12)
        #expect(c.describe(fraction: 2.5 / 9, left: 650) == "stage 3/9 sft 27%, 10m50s left")
        #expect(c.describe(fraction: 0, left: nil) == "stage 3/9 sft 0%", "no estimate before anything is timed")
        #expect(c.describe(fraction: 1, left: 0.2) == "stage 3/9 sft 99%", "never 100% while a stage runs, no time under a second")
    }

    @Test("A one-bar stage: the time left is the bar's, then the later stages at the chain's rate")
    func oneBarStage() throws {
        let now = Date(timeIntervalSinceReferenceDate: 1_000_000)
        // Nothing measured before; 30 s into the stage, its bar says 30 s more: 60 s for 1/9 of the chain.
        let c = ChainProgress(index: 2, of: Self.stages, started: now.addingTimeInterval(-100), stageStarted: now.addingTimeInterval(-30))
        let e = c.estimate(barFraction: 0.5, barLeft: 30, now: now)
        #expect(abs(e.stageFraction - 0.5) < 1e-12)
        #expect(abs(try #require(e.left) - (30 + 6 * 60)) < 1e-9, "30 s for this stage, 60 s for each of the 6 after it")
        let untimed = c.estimate(barFraction: 0.01, barLeft: nil, now: now)
        #expect(untimed.stageFraction == 0.01 && untimed.left == nil, "no rate yet: the bar's fraction, no time")
    }

    @Test("A stage of several bars: its share, not its running bar, says how much of it is left")
    func severalBarStage() throws {
        let now = Date(timeIntervalSinceReferenceDate: 1_000_000)
        // Stages 1 and 2 took 60 s each (autograd was reused: it says nothing about the rate).
        let c = ChainProgress(index: 3, of: Self.stages, started: now.addingTimeInterval(-130),
                              stageStarted: now.addingTimeInterval(-10), secondsBefore: [nil, 60, 60])
        #expect(abs(c.measuredSeconds - 120) < 1e-12 && abs(c.measuredShare - 2.0 / 9) < 1e-12)
        // 10 s into the stage, a first short bar (grading, say) has 2 s left. Rate: (120 + 10 + 2) s
        // for 3/9 of the chain = 396 s per chain, 44 s per stage: 34 s of this stage are left.
        let e = c.estimate(barFraction: 0.8, barLeft: 2, now: now)
        #expect(abs(try #require(e.left) - (34 + 5 * 44)) < 1e-9)
        #expect(abs(e.stageFraction - 10.0 / 44) < 1e-12, "not the bar's 80%")
        // A stage running past its expected time is left with its bar's time.
        let late = c.estimate(barFraction: 0.5, barLeft: 50, now: now.addingTimeInterval(90))
        let perStage = (120.0 + 100 + 50) / 3   // 270 s for the 3/9 measured or projected
        let lateLeft = try #require(late.left)
        #expect(abs(lateLeft - (50 + 5 * perStage)) < 1e-9)
        // Between bars (nothing timed), the measured stages give the rate.
        let between = c.estimate(barFraction: 0, barLeft: nil, now: now)
        let betweenLeft = try #require(between.left)
        #expect(abs(betweenLeft - (50 + 5 * 60)) < 1e-9, "60 s per stage, 10 of them spent")
    }

    @Test("Stage weights set the shares; unusable weights fall back to equal ones")
    func chainWeights() {
        let start = Date()
        let weighted = ChainProgress(index: 1, of: ["pretrain", "sft"], weights: [1, 3], started: start)
        #expect(abs(weighted.doneBefore - 0.25) < 1e-12 && abs(weighted.share - 0.75) < 1e-12)
        #expect(abs(weighted.fraction(stageFraction: 1) - 1) < 1e-12)
        let bad = ChainProgress(index: 0, of: ["a", "b"], weights: [.nan, 2], started: start)
        #expect(abs(bad.share - 0.5) < 1e-12)
        let short = ChainProgress(index: 2, of: ["a", "b", "c"], weights: [2], started: start)
        #expect(abs(short.doneBefore - 0.75) < 1e-12 && abs(short.share - 0.25) < 1e-12)
    }

    @Test("The overall fraction never runs backwards within a stage and resets with the next")
    func chainContext() throws {
        let context = ChainContext()
        #expect(context.reach(barFraction: 0.5, barLeft: 1) == nil, "outside a chain there is no prefix")
        let start = Date(timeIntervalSinceReferenceDate: 1_000_000)
        context.set(ChainProgress(index: 0, of: ["a", "b"], started: start, stageStarted: start))
        let first = try #require(context.reach(barFraction: 0.8, barLeft: 2, now: start.addingTimeInterval(8)))
        let firstLeft = try #require(first.left)
        #expect(abs(first.fraction - 0.4) < 1e-12 && abs(firstLeft - 12) < 1e-9)
        // A second bar in the same stage starts from 0: the overall figure stays at 40%.
        let second = try #require(context.reach(barFraction: 0.1, barLeft: 90, now: start.addingTimeInterval(9)))
        #expect(abs(second.fraction - 0.4) < 1e-12)
        context.set(ChainProgress(index: 1, of: ["a", "b"], started: start, stageStarted: start.addingTimeInterval(10), secondsBefore: [10]))
        #expect(abs(try #require(context.reach(barFraction: 0, barLeft: nil, now: start.addingTimeInterval(10))).fraction - 0.5) < 1e-12)
        context.set(nil)
        #expect(context.get() == nil)
    }
}
