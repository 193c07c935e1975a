import Testing
@testable import SupportDesk

@Suite("Mirror pairs")
struct MirrorPairsTests {
    static let world = World.generate(seed: 1, lang: .en, size: .small)
    static let pairs = MirrorPairs.generate(world: world)

    @Test("Mirror pairs never reject a value that another pair with the same plan chooses", arguments: Language.allCases)
    func noContradictionWithinAPlan(lang: Language) {
        let world = Self.world.inLanguage(lang)
        let pairs = MirrorPairs.generate(world: world)
        #expect(pairs.count >= 20, "only \(pairs.count) mirror pairs")
        var chosen: [Plan: Set<String>] = [:]
        for p in pairs { chosen[MirrorPairs.plan(of: p), default: []].formUnion(MirrorPairs.chosenValues(p)) }
        for p in pairs {
            let rejected = MirrorPairs.rejectedValues(p)
            #expect(rejected.count == 1, "\(p.id): \(p.flawDetail) pushes down \(rejected)")
            let clash = rejected.intersection(chosen[MirrorPairs.plan(of: p)]!)
            #expect(clash.isEmpty, "\(p.id) rejects \(clash), which a pair of the same plan chooses")
        }
        // The same check by the built-in wrong-policy pairs fails: that is what the mirrors are for.
        let data = Dataset.generate(world: world)
        let builtIn = data.preferences.filter { $0.flaw == .wrongPolicy }
        var builtInChosen: [Plan: Set<String>] = [:]
        for p in data.preferences { builtInChosen[MirrorPairs.plan(of: p), default: []].formUnion(MirrorPairs.chosenValues(p)) }
        #expect(builtIn.contains { !MirrorPairs.rejectedValues($0).isDisjoint(with: builtInChosen[MirrorPairs.plan(of: $0)]!) })
    }

    @Test("A mirror couple is one order under both plans: the chosen value of one is the rejected value of the other")
    func couplesMirrorEachOther() {
        let pairs = Self.pairs
        #expect(pairs.count % 2 == 0)
        for k in stride(from: 0, to: pairs.count, by: 2) {
            let (a, b) = (pairs[k], pairs[k + 1])
            #expect(MirrorPairs.plan(of: a) != MirrorPairs.plan(of: b))
            #expect(a.prompt[1] == b.prompt[1], "\(a.id): the customer's message differs")
            #expect(a.truth.orderID == b.truth.orderID)
            for p in [a, b] { #expect(!Self.world.isHeldOut(Combo(p.combo)!), "\(p.id) uses a held-out combination \(p.combo)") }
            #expect(MirrorPairs.rejectedValues(a).isSubset(of: MirrorPairs.chosenValues(b)), "\(a.flawDetail) / \(b.flawDetail)")
            #expect(MirrorPairs.rejectedValues(b).isSubset(of: MirrorPairs.chosenValues(a)))
            // The facts blocks differ only in lines the plan decides.
            let linesA = a.prompt[0].content.split(separator: "\n"), linesB = b.prompt[0].content.split(separator: "\n")
            #expect(linesA.count == linesB.count)
            let differing = zip(linesA, linesB).filter { $0 != $1 }.map { String($0.0.split(separator: ":")[0]) }
            #expect(differing.contains("Customer"), "\(a.id): \(differing)")
            #expect(Set(differing).isSubset(of: ["Customer", "Return window", "Exchange window", "Refund time", "Shipping time",
                                                 "New item", "Replacement ships in", "Repair time"]), "\(a.id): \(differing)")
            // The grader sees the rejected reply's wrong policy and nothing else wrong.
            for p in [a, b] {
                let g = Grader().grade(reply: p.rejected[0].content, truth: p.truth)
                #expect(g.findings.contains { $0.hasPrefix("wrong policy") }, "\(p.id): \(g.findings)")
                #expect(Grader().grade(reply: p.chosen[0].content, truth: p.truth).findings.allSatisfy { !$0.hasPrefix("wrong policy") })
            }
        }
    }

    @Test("A limit keeps whole couples, and the same world gives the same pairs")
    func limitAndDeterminism() {
        let few = MirrorPairs.generate(world: Self.world, limit: 7)
        #expect(few.count == 6)
        #expect(few.map(\.chosen) == Self.pairs.prefix(6).map(\.chosen))
        #expect(MirrorPairs.generate(world: Self.world).map(\.rejected) == Self.pairs.map(\.rejected))
    }
}
