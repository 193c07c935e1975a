import Foundation
import Testing

/// `course run CHAPTER --mine` trains on the learner's code. Plugged in with the reference
/// solutions, a chapter must give the kit's metrics: bit for bit where the solution computes
/// the same operations in the same order, to within rounding where it computes them in another
/// order. The plumbing changes nothing else, so any larger difference a learner sees comes from
/// their own code.
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

    /// The quick chain records no KTO, IPO, SimPO or robust DPO run, so the kit's run of each is
    /// made here from the same earlier stages, and the --mine run on the reference solutions is
    /// held to DPO's rule above: KTO trains on exercise 8.4's loss and gradient, IPO and SimPO on
    /// 8.3's, robust DPO on 8.2's smoothed loss with ε′ = −ε/(1 − 2ε) (ε 0.1 gives ε′ = −0.125);
    /// all of them on 8.1's log-probabilities.
    @Test("KTO, IPO, SimPO and robust DPO runs on the reference solutions give the kit's metrics to within rounding",
          arguments: ["kto", "ipo", "simpo", "robust"])
    func variant(loss: String) throws {
        let chain = Chain.twoChains[0]
        try #require(chain.status == 0)
        let (kit, mine) = (CLI.temp("kit-\(loss)"), CLI.temp("mine-\(loss)"))
        try FileManager.default.copyItem(at: chain.runs, to: kit)
        try FileManager.default.copyItem(at: chain.runs, to: mine)
        #expect(try CLI.course(["run", "dpo", "--loss", loss, "--preset", "quick", "--runs", kit.path]) == 0)
        #expect(try CLI.course(["run", "dpo", "--loss", loss, "--preset", "quick", "--mine", "--mine-flavor", "reference", "--runs", mine.path]) == 0)
        let f = "dpo/\(loss)/metrics.csv"
        if loss == "kto" { #expect(Chain.deterministicPart(kit.appendingPathComponent(f)).contains("kl"), "the KTO run logs z as kl") }
        Self.expectClose(f, mine: mine, kit: kit)
        for u in [kit, mine] { try? FileManager.default.removeItem(at: u) }
    }

    /// A metrics file of a --mine run against the kit's: the same rows and columns, numbers
    /// equal to within rounding (`abs(mine - kit) <= 1e-4 + 1e-3 |kit|`). The learner's
    /// functions compute the same values in another order (plain loops where the kit calls BLAS
    /// or a fused kernel, Float where it sums in Double), so the last bits may differ, and a few
    /// steps of training carry the difference into the metrics, about 1e-5 relative.
    static func expectClose(_ file: String, mine: URL, kit: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        let rows = { (u: URL) in Chain.deterministicPart(u.appendingPathComponent(file)).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) } }
        let (a, b) = (rows(mine), rows(kit))
        guard a.count == b.count, a.count > 1, a[0] == b[0] else {
            Issue.record("\(file): \(a.count) rows with your code, \(b.count) with the kit's", sourceLocation: sourceLocation)
            return
        }
        for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
            for (column, (u, v)) in zip(b[0], zip(x, y)) {
                guard let p = Double(u), let q = Double(v) else { #expect(u == v, "\(file) \(column)", sourceLocation: sourceLocation); continue }
                #expect(close(p, q), "\(file) \(column): \(p) with your code, \(q) with the kit's", sourceLocation: sourceLocation)
            }
        }
    }

    static func close(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) || abs(a - b) <= 1e-4 + 1e-3 * abs(b) }

    /// Chapter 9's results.json against the kit's: every number within rounding, but
    /// `klToSFT`, a Monte Carlo estimate over replies sampled at temperature 1: when the models
    /// it measures differ in their last bits (as in the chain), one sampled token can change and
    /// move the estimate by a few percent of its value, so it only has to stay within 0.05 nats.
    static func expectCloseResults(mine: URL, kit: URL) throws {
        func load(_ u: URL) throws -> Any { try JSONSerialization.jsonObject(with: CLI.file(u.appendingPathComponent("evaluation/results.json"))) }
        func walk(_ x: Any, _ y: Any, _ path: String) {
            switch (x, y) {
            case let (a as [String: Any], b as [String: Any]):
                #expect(Set(a.keys) == Set(b.keys), "\(path): other keys")
                for (k, v) in a { if let w = b[k] { walk(v, w, path + "/" + k) } }
            case let (a as [Any], b as [Any]):
                #expect(a.count == b.count, "\(path): \(a.count) items with your code, \(b.count) with the kit's")
                for (i, (u, v)) in zip(a, b).enumerated() { walk(u, v, path + "[\(i)]") }
            case let (a as NSNumber, b as NSNumber) where !(x is String):
                let (p, q) = (a.doubleValue, b.doubleValue)
                let ok = path.hasSuffix("/klToSFT") ? abs(p - q) <= 0.05 : close(p, q)
                #expect(ok, "results.json\(path): \(p) with your code, \(q) with the kit's")
            default:
                #expect(String(describing: x) == String(describing: y), "results.json\(path)")
            }
        }
        walk(try load(mine), try load(kit), "")
    }

    /// Each chapter trained again on the reference solutions, on the quick chain's earlier
    /// stages. Quantisation (integer codes, the same products) and the evaluation's statistics
    /// give the kit's numbers exactly; the others agree to within rounding (see `expectClose`):
    /// attention, the LoRA layers and the reward head compute in loops what the kit computes
    /// in BLAS or fused kernels, the SFT loss is summed in another order, and the
    /// Bradley–Terry gradient comes from the learner's formula instead of autograd.
    /// `course run lora` is left to `wholeChain`, which trains the rank the chain keeps (16): on
    /// its own it trains five adapters and a full fine-tune, through the reference's plain
    /// loops, which takes over a minute on 2 cores.
    @Test("Every other chapter run on the reference solutions gives the recorded metrics, exactly or to within rounding",
          arguments: ["transformer", "sft", "qlora", "reward-model", "evaluation"])
    func chapter(_ name: String) throws {
        let chain = Chain.twoChains[0]
        try #require(chain.status == 0)
        let runs = CLI.temp("mine-\(name)")
        try FileManager.default.copyItem(at: chain.runs, to: runs)
        #expect(try CLI.course(["run", name, "--preset", "quick", "--mine", "--mine-flavor", "reference", "--runs", runs.path]) == 0)
        for f in Chain.metricsFiles[name]! {
            if ["qlora", "evaluation"].contains(name) {
                let mine = Chain.deterministicPart(runs.appendingPathComponent(f))
                #expect(!mine.isEmpty && mine == Chain.deterministicPart(Chain.recorded.appendingPathComponent(f)), "\(f) differs from the kit's run")
            } else {
                Self.expectClose(f, mine: runs, kit: Chain.recorded)
            }
        }
        try? FileManager.default.removeItem(at: runs)
    }

    /// The whole chain on the reference solutions, each stage with its chapter's functions
    /// installed, from nothing: the differences within rounding of one stage carry into the
    /// stages trained from it, and still stay within rounding at the quick preset.
    @Test("The whole quick chain run on the reference solutions gives the recorded metrics to within rounding")
    func wholeChain() throws {
        let runs = CLI.temp("mine-all")
        #expect(try CLI.course(["run", "all", "--preset", "quick", "--mine", "--mine-flavor", "reference", "--runs", runs.path]) == 0)
        for chapter in ["autograd", "transformer", "sft", "lora", "qlora", "reward-model", "rlhf", "dpo"] {
            for f in Chain.metricsFiles[chapter]! { Self.expectClose(f, mine: runs, kit: Chain.recorded) }
        }
        try Self.expectCloseResults(mine: runs, kit: Chain.recorded)
        #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("report.md").path))
        try? FileManager.default.removeItem(at: runs)
    }

    @Test("--mine refuses while the plugged-in exercises do not pass, and names a chapter without hooks")
    func refuses() throws {
        let runs = CLI.temp("mine-refuse")
        // The untouched stubs do not pass (a learner who solved them has other exercises to test with).
        #expect(try CLI.course(["run", "autograd", "--preset", "quick", "--mine", "--mine-flavor", "mutant", "--runs", runs.path]) != 0)
        #expect(!FileManager.default.fileExists(atPath: runs.appendingPathComponent("autograd/metrics.csv").path))
        #expect(try CLI.course(["run", "all", "--preset", "quick", "--mine", "--mine-flavor", "mutant", "--runs", runs.path]) != 0)
        #expect(!FileManager.default.fileExists(atPath: runs.appendingPathComponent("autograd/metrics.csv").path))
        #expect(try CLI.course(["run", "sft-study", "--preset", "quick", "--mine", "--mine-flavor", "reference", "--runs", runs.path]) != 0)
    }
}
