import Foundation
import Testing

/// `course run CHAPTER --mine` trains on the learner's code. Plugged in with the reference
/// solutions, a chapter must give the kit's metrics bit for bit: the plumbing changes nothing,
/// so any difference a learner sees comes from their own code.
@Suite("Training on the learner's code", .serialized)
struct MineRunTests {
    typealias CLI = CrashSafetyTests
    typealias Chain = RunAllTests

    @Test("The autograd chapter run on the reference solutions gives the recorded metrics, bit for bit")
    func autograd() throws {
        let runs = CLI.temp("mine-autograd")
        #expect(try CLI.course(["run", "autograd", "--preset", "quick", "--mine", "--mine-flavor", "reference", "--runs", runs.path]) == 0)
        let mine = Chain.deterministicPart(runs.appendingPathComponent("autograd/metrics.csv"))
        let kit = Chain.deterministicPart(Chain.recorded.appendingPathComponent("autograd/metrics.csv"))
        #expect(!mine.isEmpty && mine == kit)
    }

    @Test("PPO (on the reward model) and GRPO run on the reference solutions give the recorded metrics, bit for bit", arguments: ["ppo-rm", "grpo"])
    func rlhf(algo: String) throws {
        let chain = Chain.twoChains[0]
        try #require(chain.status == 0)
        // Start from the quick chain's earlier stages, and train only this stage again.
        let runs = CLI.temp("mine-rlhf-\(algo)")
        try FileManager.default.copyItem(at: chain.runs, to: runs)
        #expect(try CLI.course(["run", "rlhf", "--algo", algo, "--preset", "quick", "--mine", "--mine-flavor", "reference", "--runs", runs.path]) == 0)
        let f = "rlhf/\(algo)/metrics.csv"
        let mine = Chain.deterministicPart(runs.appendingPathComponent(f))
        let kit = Chain.deterministicPart(Chain.recorded.appendingPathComponent(f))
        #expect(!mine.isEmpty && mine == kit, "\(f) differs from the kit's run")
    }

    /// DPO's loss enters training through a node built from the learner's per-pair derivatives,
    /// not through the kit's chain of autograd operations, so the products happen in another
    /// order and the last bits differ; a few steps later the metrics agree to about 1e-4.
    @Test("DPO run on the reference solutions gives the recorded metrics to within rounding")
    func dpo() throws {
        let chain = Chain.twoChains[0]
        try #require(chain.status == 0)
        let runs = CLI.temp("mine-dpo")
        try FileManager.default.copyItem(at: chain.runs, to: runs)
        #expect(try CLI.course(["run", "dpo", "--preset", "quick", "--mine", "--mine-flavor", "reference", "--runs", runs.path]) == 0)
        let f = "dpo/sigmoid/metrics.csv"
        let mine = Chain.deterministicPart(runs.appendingPathComponent(f)).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let kit = Chain.deterministicPart(Chain.recorded.appendingPathComponent(f)).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        try #require(mine.count == kit.count && mine.count > 1 && mine[0] == kit[0])
        for (a, b) in zip(mine.dropFirst(), kit.dropFirst()) {
            for (column, (x, y)) in zip(kit[0], zip(a, b)) {
                guard let u = Double(x), let v = Double(y) else { #expect(x == y, "\(column)"); continue }
                #expect(abs(u - v) <= 1e-4 + 1e-3 * abs(v), "\(column): \(u) with your code, \(v) with the kit's")
            }
        }
    }

    @Test("--mine refuses while the plugged-in exercises do not pass, and names a chapter without hooks")
    func refuses() throws {
        let runs = CLI.temp("mine-refuse")
        // The untouched stubs do not pass (a learner who solved them has other exercises to test with).
        #expect(try CLI.course(["run", "autograd", "--preset", "quick", "--mine", "--mine-flavor", "mutant", "--runs", runs.path]) != 0)
        #expect(!FileManager.default.fileExists(atPath: runs.appendingPathComponent("autograd/metrics.csv").path))
        #expect(try CLI.course(["run", "lora", "--preset", "quick", "--mine", "--runs", runs.path]) != 0)
    }
}
