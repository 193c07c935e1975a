import Testing
@testable import Plot

@Suite("Ticks and labels")
struct TicksTests {
    @Test("nice steps are 1, 2 or 5 times a power of ten")
    func niceSteps() {
        #expect(Ticks.niceStep(atLeast: 0.13) == 0.2)
        #expect(Ticks.niceStep(atLeast: 3) == 5)
        #expect(Ticks.niceStep(atLeast: 7) == 10)
        #expect(Ticks.niceStep(atLeast: 0.0004) == 0.0005)
        #expect(Ticks.niceStep(atLeast: 100) == 100)
    }

    @Test("linear ticks cover the range in at most the asked count")
    func linearTicks() {
        let (v, step) = Ticks.linear(0.07, 0.93, maxCount: 6)
        #expect(step == 0.2)
        #expect(v.count <= 6)
        #expect(Ticks.labels(v, step: step) == ["0.2", "0.4", "0.6", "0.8"])
        let (w, s2) = Ticks.linear(-3, 3, maxCount: 7)
        #expect(Ticks.labels(w, step: s2) == ["-3", "-2", "-1", "0", "1", "2", "3"])
    }

    @Test("labels never show floating-point noise, and use k and e notation when it helps")
    func labels() {
        let (v, step) = Ticks.linear(0, 0.3, maxCount: 4)
        #expect(Ticks.labels(v, step: step) == ["0.0", "0.1", "0.2", "0.3"])
        #expect(Ticks.labels([0, 10000, 20000], step: 10000) == ["0", "10k", "20k"])
        #expect(Ticks.labels([0, 2500, 5000], step: 2500) == ["0", "2500", "5000"])
        #expect(Ticks.labels([1e-5, 2e-5], step: 1e-5) == ["1e-5", "2e-5"])
        #expect(Ticks.labels([1.5e-5], step: 5e-6) == ["1.5e-5"])
        #expect(Ticks.format(-0.0001, decimals: 2) == "0.00")
        #expect(Ticks.compact(0.8333333) == "0.833")
        #expect(Ticks.compact(1234.5) == "1235")
    }

    @Test("log ticks are decades over long ranges and 1-2-5 style over short ones")
    func logTicks() {
        let long = Ticks.log(0.01, 1000, maxCount: 10)
        #expect(long.major == [0.01, 0.1, 1, 10, 100, 1000])
        #expect(Ticks.logLabels(long.major) == ["0.01", "0.1", "1", "10", "100", "1000"])
        let short = Ticks.log(1.7, 12, maxCount: 10, minGap: 0.05)
        #expect(short.major.contains(2) && short.major.contains(5) && short.major.contains(10))
        #expect(short.major.allSatisfy { $0 >= 1.7 && $0 <= 12 })
    }

    @Test("the EMA is debiased, keeps constants constant and keeps NaN gaps")
    func ema() {
        let s = Smoothing.ema([2, 2, 2], weight: 0.9)
        #expect(s.allSatisfy { abs($0 - 2) < 1e-12 })
        let g = Smoothing.ema([1, .nan, 3], weight: 0.5)
        #expect(g[0] == 1 && g[1].isNaN)
        #expect(abs(g[2] - (0.5 * 0.5 * 1 + 0.5 * 3) / 0.75) < 1e-12)
    }
}
