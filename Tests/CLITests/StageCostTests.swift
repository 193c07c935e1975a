import Core
import Foundation
import Testing
@testable import course

/// What each stage costs: measured around a stage's run, and the table built from it.
@Suite("Stage costs")
struct StageCostTests {
    @Test("A measured stage records its time, CPU time, memory peak and the tokens its forward passes counted")
    func measure() throws {
        let cost = try StageCost.measure("demo", preset: .quick) {
            TokenMeter.add(1234)
            // Touch 64 MB so the peak has something to show; keep the work long enough to take CPU time.
            let bytes = 64 << 20
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes)
            defer { p.deallocate() }
            for i in stride(from: 0, to: bytes, by: 4096) { p[i] = UInt8(truncatingIfNeeded: i) }
        }
        #expect(cost.stage == "demo" && cost.preset == "quick")
        #expect(cost.tokens >= 1234)   // other tests may run forward passes at the same time
        #expect(cost.wallSeconds >= 0 && cost.cpuSeconds >= 0)
        #expect(cost.peakMB >= 64, "peak \(cost.peakMB) MB")
    }

    @Test("The table has a row per stage, the chain's total and the part a policy change pays again")
    func table() {
        let costs = [StageCost(stage: "transformer", preset: "default", wallSeconds: 600, cpuSeconds: 1140, peakMB: 700, tokens: 12_300_000, date: ""),
                     StageCost(stage: "sft", preset: "default", wallSeconds: 30, cpuSeconds: 55, peakMB: 400, tokens: 450_000, date: "")]
        let md = CostTable.markdown(costs)
        #expect(md.contains("| transformer | 10.0 min | 19.0 min | 700 | 12.3 M |"))
        #expect(md.contains("| sft | 30 s | 55 s | 400 | 450 k |"))
        #expect(md.contains("| **the whole chain** | 10.5 min | 19.9 min | 700 | 12.8 M |"))
        #expect(md.contains("| **after a policy change (every stage after pretraining)** | 30 s | 55 s | 400 | 450 k |"))
        #expect(md.contains("Preset default"))
    }
}
