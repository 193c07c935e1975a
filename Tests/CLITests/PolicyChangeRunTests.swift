import Foundation
import Testing
@testable import course

/// `course run --policy-change`: every stage after pretraining is built on the changed world,
/// the pretrained model is kept, and runs without a change keep their markers as they were.
@Suite("Runs on a changed world")
struct PolicyChangeRunTests {
    static func schedule(_ change: String) -> Schedule {
        var s = Schedule(runs: URL(fileURLWithPath: "/tmp/unused-runs"), preset: .quick, seed: 1)
        s.policyChange = change
        return s
    }

    @Test("The change marks every stage after pretraining, not the pretrained model")
    func markers() throws {
        let (plain, changed) = (Self.schedule(""), Self.schedule("return-window=45"))
        #expect(changed.policy(of: "transformer") == nil && changed.policy(of: "autograd") == nil)
        #expect(changed.policy(of: "sft") == "return-window=45" && changed.policy(of: "dpo/sigmoid") == "return-window=45")
        #expect(changed.marker(["steps": 1], folder: "transformer") == plain.marker(["steps": 1], folder: "transformer"))
        #expect(changed.marker(["steps": 1], folder: "sft") != plain.marker(["steps": 1], folder: "sft"))
        // A marker without a change is written as before, so runs built earlier are still recognised.
        let json = String(decoding: try JSONEncoder().encode(plain.marker(["steps": 1], folder: "sft")), as: UTF8.self)
        #expect(!json.contains("policyChange"))
    }

    @Test("The option is checked before anything runs")
    func badOption() throws {
        var run = try Course.parseAsRoot(["run", "sft", "--preset", "quick", "--runs", "/tmp/unused-runs", "--policy-change", "refunds=3"])
        #expect(throws: (any Error).self) { try run.run() }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/unused-runs"))
    }
}
