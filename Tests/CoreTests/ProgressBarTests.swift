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

    @Test("A chain stage knows its share of the whole and its overall time left")
    func chainStage() throws {
        let names = ["autograd", "transformer", "sft", "lora", "qlora", "reward-model", "rlhf", "dpo", "evaluation"]
        let now = Date(timeIntervalSinceReferenceDate: 1_000_000)
        let c = ChainProgress(index: 2, of: names, started: now.addingTimeInterval(-250))
        #expect(c.count == 9 && c.name == "sft")
        #expect(abs(c.doneBefore - 2.0 / 9) < 1e-12 && abs(c.share - 1.0 / 9) < 1e-12)
        let f = c.fraction(stageFraction: 0.5)
        #expect(abs(f - 2.5 / 9) < 1e-12)
        // 250 s for 2.5/9 of the chain: 650 s for the remaining 6.5/9.
        #expect(abs(try #require(c.eta(fraction: f, now: now)) - 650) < 1e-6)
        #expect(c.describe(fraction: f, now: now) == "stage 3/9 sft 27%, 10m50s left")
        #expect(c.describe(fraction: 0, now: now) == "stage 3/9 sft 0%", "no estimate before anything is done")
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
        #expect(context.reach(stageFraction: 0.5) == nil, "outside a chain there is no prefix")
        let start = Date()
        context.set(ChainProgress(index: 0, of: ["a", "b"], started: start))
        #expect(abs(try #require(context.reach(stageFraction: 0.8)).1 - 0.4) < 1e-12)
        // A second bar in the same stage starts from 0: the overall figure stays at 40%.
        #expect(abs(try #require(context.reach(stageFraction: 0.1)).1 - 0.4) < 1e-12)
        context.set(ChainProgress(index: 1, of: ["a", "b"], started: start))
        #expect(abs(try #require(context.reach(stageFraction: 0)).1 - 0.5) < 1e-12)
        context.set(nil)
        #expect(context.get() == nil)
    }
}
