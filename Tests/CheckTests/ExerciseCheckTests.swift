import Foundation
import Testing
import Autograd
import Core
import Evaluation
import LoRA
import QLoRA
import RewardModel
import RLHF
import SFT
import SupportDesk
import Transformer
@testable import Checks

/// The exercise loop is itself tested: every check passes on the reference solutions, fails on
/// a deliberately wrong variant (so no check is vacuous), and reports untouched stubs as
/// "not started" without crashing.
@Suite("Exercise checks")
struct ExerciseCheckTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Every check passes on the reference solutions", arguments: Catalogue.all.map(\.id))
    func referencePasses(id: String) throws {
        let e = try #require(Catalogue.exercise(id))
        #expect(e.run(.reference) == .passed, "\(id) \(e.title): \(e.run(.reference))")
    }

    @Test("Every check fails on a typical wrong answer", arguments: Catalogue.all.map(\.id))
    func mutantFails(id: String) throws {
        let e = try #require(Catalogue.exercise(id))
        if case .failing = e.run(.mutant) {} else { Issue.record("\(id) \(e.title): the check does not catch the mutant") }
    }

    /// Stubs still holding their `throw Todo(...)` must be reported "not started"; a learner who
    /// has solved an exercise has removed that line, and the test leaves their file alone.
    @Test("Untouched stubs are reported as not started", arguments: Catalogue.all.map(\.id))
    func stubsNotStarted(id: String) throws {
        let e = try #require(Catalogue.exercise(id))
        let text = try String(contentsOf: Self.root.appendingPathComponent(e.file), encoding: .utf8)
        guard text.contains("throw Todo(\"\(id)\")") else { return }
        #expect(e.run(.learner) == .notStarted)
    }

    @Test("Every exercise names an existing file, a findable function and graded hints")
    func metadata() {
        for e in Catalogue.all {
            #expect(e.location(root: Self.root).hasPrefix(e.file + ":"), "\(e.id): \(e.symbol) not found in \(e.file)")
            let solution = e.file.replacingOccurrences(of: "exercises/", with: "solutions/")
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(solution).path), "\(e.id): no \(solution)")
            #expect(e.hints.count == 3, "\(e.id) needs three graded hints")
        }
        #expect(Set(Catalogue.all.map(\.id)).count == Catalogue.all.count, "duplicate exercise ids")
    }

    /// The third hint is the last nudge before the solution, not the solution: no code in it.
    @Test("The last hint of every exercise is a nudge, not code")
    func lastHintIsNotCode() {
        for e in Catalogue.all {
            let last = e.hints.last ?? ""
            for marker in ["{", "}", "+=", "-=", "==", "let ", "var ", "func ", "..<"] {
                #expect(!last.contains(marker), "\(e.id)'s last hint reads like code (\(marker)): \(last)")
            }
            #expect(last.firstMatch(of: /\bfor \w+ in\b/) == nil, "\(e.id)'s last hint holds a loop: \(last)")
        }
    }

    /// Exercise 5.4 returns four totals; when one is wrong the check names the kind of
    /// parameter whose count or price explains the difference (typical mistakes below).
    @Test("The memory plan's check names the kind of parameter behind a wrong total")
    func memoryPlanDiagnosis() throws {
        let config = GPTConfig(vocabSize: 1000, contextLength: 100, embeddingSize: 36, layers: 3, heads: 3, innerSize: 100)
        let plan = TrainingMemory.plan(config, rank: 3, targets: ["c_proj"])
        let right = try Chapter5Functions.reference.plan(config, 3, ["c_proj"])
        let (e, a) = (plan.embeddings, plan.adapter)
        #expect(memoryPlanMismatch(right, plan, config) == nil)
        func says(_ got: MemoryPlanTotals, _ words: String...) -> Bool {
            guard let m = memoryPlanMismatch(got, plan, config) else { return false }
            return words.allSatisfy { m.contains($0) }
        }
        // The tied output layer as a second V×C matrix; the positions forgotten; 8 bytes a value.
        #expect(says((right.0 + 16 * e, right.1, right.2, right.3), "full fine-tuning", "token embeddings", "counted twice"))
        #expect(says((right.0 - 16 * plan.positions, right.1, right.2, right.3), "position embeddings left out"))
        #expect(says((8 * plan.parameters, right.1, right.2, right.3), "8 bytes per parameter"))
        // The adapters without AdamW's moments; the embeddings quantised with the linear weights.
        #expect(says((right.0, right.1 - 8 * a, right.2, right.3), "LoRA", "adapters", "AdamW"))
        let blocks = (e + 63) / 64, nf4 = (e + 1) / 2 + blocks + 4 * ((blocks + 255) / 256) + 4
        #expect(says((right.0, right.1, right.2, right.3 - 4 * e + nf4), "double quantisation", "token embeddings quantised"))
    }

    @Test("Each chapter with exercises has at least four")
    func counts() {
        for chapter in Set(Catalogue.all.map(\.chapter)) {
            #expect(Catalogue.chapter(chapter).count >= 4, "chapter \(chapter)")
        }
    }
}

/// The kit cannot stand in for the learner: a stub that hands its work to the kit's own
/// implementation (`GAE.compute`, `root.topologicalOrder()`, ...) fails its check.
@Suite("Delegation to the kit")
struct DelegationTests {
    @Test("Every check fails on a stub that calls the kit's implementation, and says so",
          arguments: Catalogue.all.map(\.id).filter { !Catalogue.withoutKitCounterpart.contains($0) })
    func delegateFails(id: String) throws {
        let e = try #require(Catalogue.exercise(id))
        guard case .failing(let message) = e.run(.delegate) else {
            Issue.record("\(id) \(e.title): a stub calling the kit passes")
            return
        }
        #expect(message.contains("calls the kit's"), "\(id): \(message)")
    }

    @Test("Exercises without a kit counterpart are few and named")
    func counterparts() {
        #expect(Catalogue.withoutKitCounterpart.count <= Catalogue.all.count / 5)
        for id in Catalogue.withoutKitCounterpart { #expect(Catalogue.exercise(id) != nil, "\(id) is not an exercise") }
    }

    @Test("The tripwire stays silent outside a check and when the check asks the kit for expected numbers")
    func tripwireScope() {
        KitAnswer.used("GAE.compute", answers: "7.1")   // nobody listening: no effect
        let r = KitAnswer.Recorder()
        KitAnswer.$recorder.withValue(r) {
            KitAnswer.reference { KitAnswer.used("GAE.compute", answers: "7.1") }
            KitAnswer.used("PreferenceLoss", answers: "8.2 8.3")
        }
        #expect(r.functions(answering: "7.1") == [])
        #expect(r.functions(answering: "8.3") == ["PreferenceLoss"])
    }
}
