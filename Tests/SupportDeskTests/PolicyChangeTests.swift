import Core
import Foundation
import Testing
@testable import SupportDesk

/// `--policy-change`: the shop's policy changes, the data world follows it, and the grader
/// holds a reply to the new facts.
@Suite("A change of the shop's policies")
struct PolicyChangeTests {
    @Test("Specs parse to a canonical form; bad ones get one-line errors naming the part")
    func parsing() throws {
        #expect(try PolicyChange.parse("damage-report=14, return-window=45").description == "return-window=45,damage-report=14")
        #expect(try PolicyChange.parse("plus-extra=0").plusExtraDays == 0)
        for (spec, message) in [("", "give KEY=VALUE"), ("return-window", "is not KEY=VALUE"), ("refund=3", "unknown key \"refund\""),
                                ("return-window=3", "7...365"), ("return-window=forty", "got \"forty\""),
                                ("return-window=30,return-window=45", "given twice")] {
            #expect(throws: CourseError.self) { try PolicyChange.parse(spec) }
            do { _ = try PolicyChange.parse(spec) } catch let e as CourseError { #expect(e.message.contains(message), "\(spec): \(e.message)") }
        }
    }

    @Test("A change that restates the current policies writes the same data, bit for bit")
    func noOpChange() throws {
        let world = World.generate(seed: 7, lang: .en, size: .small)
        let same = PolicyChange(plusExtraDays: world.policies.plusExtraDays, damageReportDays: world.policies.damageReportDays)
        let a = Dataset.generate(seed: 7, lang: .en, size: .small)
        let b = Dataset.generate(seed: 7, lang: .en, size: .small, policyChange: same)
        #expect(try JSONL.encode(a.sft) == JSONL.encode(b.sft))
        #expect(try JSONL.encode(a.test) == JSONL.encode(b.test))
        #expect(a.corpus == b.corpus)
    }

    @Test("A real change keeps the shop and the split, and every file quotes the new window")
    func newWindow() throws {
        let old = World.generate(seed: 7, lang: .en, size: .small)
        let new = World.generate(seed: 7, lang: .en, size: .small, policyChange: try PolicyChange.parse("return-window=45"))
        #expect(new.products == old.products && new.personas == old.personas && new.heldOut == old.heldOut && new.test == old.test)
        #expect(new.policies.returnDays.allSatisfy { $0 == 45 })
        #expect(new.policies.refund == old.policies.refund && new.policies.damageReportDays == old.policies.damageReportDays)
        let data = Dataset.generate(world: new)
        let windows = data.sft.filter { $0.scenario == .returnRequest }.compactMap { $0.truth.required.first { $0.name == "window" }?.value }
        #expect(!windows.isEmpty)
        #expect(windows.allSatisfy { $0 == "45 days" || $0 == "\(45 + new.policies.plusExtraDays) days" }, "\(Set(windows))")
    }

    @Test("On the changed world the grader marks the old policy number wrong, and the old value is recognised as stale")
    func oldNumberIsWrong() throws {
        let old = World.generate(seed: 7, lang: .en, size: .small)
        let new = World.generate(seed: 7, lang: .en, size: .small, policyChange: try PolicyChange.parse("return-window=45"))
        let data = Dataset.generate(world: new)
        // A held-out return request whose window really changed.
        let (item, changed) = try #require(data.test.lazy.compactMap { item -> (EvalItem, (old: String, new: String))? in
            guard item.scenario == .returnRequest, let c = new.changedPolicyFacts(item, old: old.policies)["window"] else { return nil }
            return (item, c)
        }.first)
        let reference = try #require(item.reference.first?.content)
        #expect(reference.contains(changed.new))
        let grader = Grader()
        let good = grader.grade(reply: reference, truth: item.truth)
        #expect(!good.findings.contains { $0.hasPrefix("wrong policy: window") })
        // The same reply quoting the window the model was trained on.
        let stale = reference.replacingOccurrences(of: changed.new, with: changed.old)
        let graded = grader.grade(reply: stale, truth: item.truth)
        #expect(graded.findings.contains("wrong policy: window \"\(changed.new)\""), "\(graded.findings)")
        #expect(graded.facts < good.facts && graded.overall < good.overall)
        #expect(World.quotes(stale, changed.old) && !World.quotes(reference, changed.old))
    }
}

extension PolicyChangeTests {
    @Test("Test prompt i is the same order before and after a change; only policy values and the dates they set differ")
    func samePrompts() throws {
        let before = World.generate(seed: 1, lang: .en, size: .small)
        let after = World.generate(seed: 1, lang: .en, size: .small, policyChange: try PolicyChange.parse("return-window=45"))
        let (old, new) = (Dataset.generate(world: before).test, Dataset.generate(world: after).test)
        #expect(old.count == new.count)
        #expect(zip(old, new).allSatisfy { $0.truth.orderID == $1.truth.orderID && $0.combo == $1.combo && $0.scenario == $1.scenario })
        let touched = new.filter { !after.changedPolicyFacts($0, old: before.policies).isEmpty }
        #expect(!touched.isEmpty && touched.allSatisfy { [.returnRequest, .exchange].contains($0.scenario) })
    }
}
