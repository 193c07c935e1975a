import Foundation
import Testing
@testable import SupportDesk

/// Data shared by the tests: the small preset in both languages (generated once).
enum Small {
    static let seed: UInt64 = 7
    static let en = Dataset.generate(seed: seed, lang: .en, size: .small)
    static let ja = Dataset.generate(seed: seed, lang: .ja, size: .small)
    static func data(_ lang: Language) -> Dataset { lang == .en ? en : ja }
}

@Test("The same seed builds the same world, and the language changes only the wording")
func worldIsDeterministic() {
    let a = World.generate(seed: 3, lang: .en, size: .small)
    let b = World.generate(seed: 3, lang: .en, size: .small)
    let ja = World.generate(seed: 3, lang: .ja, size: .small)
    #expect(a.products == b.products && a.policies == b.policies && a.orders == b.orders && a.heldOut == b.heldOut)
    #expect(a.orders == ja.orders && a.products == ja.products && a.heldOut == ja.heldOut)
    let c = World.generate(seed: 4, lang: .en, size: .small)
    #expect(a.orders != c.orders)
}

@Test("The catalogue has dozens of products in every category, with prices and both names")
func catalogue() {
    let w = World.generate(seed: 1, lang: .en, size: .small)
    #expect(w.products.count == 48)
    for c in Category.allCases { #expect(w.products.filter { $0.category == c }.count == 8) }
    #expect(Set(w.products.map(\.nameEN)).count == 48)
    #expect(w.products.allSatisfy { $0.price > 0 && !$0.nameJA.isEmpty })
    #expect(Money.text(8900, .en) == "$89.00" && Money.text(8900, .ja) == "8,900円" && Money.text(123456, .ja) == "123,456円")
}

@Test("Order dates are consistent with their issue and the policies")
func orderDates() {
    let w = World.generate(seed: 5, lang: .en, size: .small)
    for o in w.orders {
        let category = w.products[o.product].category
        switch o.issue {
        case .returnRequest, .exchange:
            #expect(o.delivered! < o.today && o.today.index - o.delivered!.index < w.policies.returnWindow(category, o.plan).maxDays)
        case .lateDelivery:
            #expect(o.delivered == nil && o.expected! < o.today && o.today < o.newEstimate!)
        case .warrantyClaim:
            #expect(o.today.index - o.delivered!.index < w.policies.warranty(category)!.maxDays)
        case .refundStatus:
            #expect(o.delivered! < o.returnReceived! && o.returnReceived! < o.today)
        case .cancellation:
            #expect(o.delivered == nil && o.ordered <= o.today)
        case .damagedItem, .wrongItem:
            #expect(o.delivered! <= o.today)
        }
        if o.issue == .wrongItem { #expect(o.receivedInstead != o.product && w.products[o.receivedInstead!].category == category) }
    }
    #expect(Set(w.orders.map(\.id)).count == w.orders.count)
}

@Test("Dates and spans are written the way each language writes them")
func calendarText() {
    #expect(Day(0).text(.en) == "January 1" && Day(64).text(.ja) == "3月6日")
    #expect(Day(365 + 64).text(.en) == "March 6, 2026" && Day(-1).text(.ja) == "2024年12月31日")
    #expect(Span.businessDays(5, 7).text(.en) == "5-7 business days" && Span.businessDays(5, 7).text(.ja) == "5〜7営業日")
    #expect(Span.months(24).text(.en) == "2 years" && Span.months(12).text(.ja) == "1年" && Span.days(1).text(.en) == "1 day")
    let spans: [Span] = [.days(1), .days(45), .businessDays(1, 1), .businessDays(2, 2), .businessDays(5, 7), .months(12), .months(24), .months(18)]
    for s in spans {
        for lang in Language.allCases { #expect(Extractor.values(in: s.text(lang), lang: lang) == [s.canonical(lang)], "\(s) \(lang)") }
    }
    #expect(Day(0).addingBusinessDays(3) == Day(5))  // Wed 1 Jan 2025 + 3 business days = Mon 6 Jan
}

// MARK: the held-out split

@Test("The split rule puts one in eight combinations of every product in test and one in eight in dev, and every product, plan and scenario stays in training")
func heldOutRule() {
    for seed: UInt64 in [1, 2, 3] {
        let w = World.generate(seed: seed, lang: .en, size: .small)
        let held = Set(w.heldOut)
        for p in w.products {
            let mine = w.allCombos.filter { $0.product == p.id }
            let out = mine.filter(held.contains)
            #expect(out.count == 2 * max(1, mine.count / 8))
            #expect(mine.filter(Set(w.test).contains).count == max(1, mine.count / 8))
        }
        let training = w.allCombos.filter { !held.contains($0) }
        #expect(Set(training.map(\.product)).count == w.products.count)
        #expect(Set(training.map(\.plan)) == Set(Plan.allCases))
        #expect(Set(training.map(\.scenario)) == Set(Scenario.allCases))
        #expect(w.allCombos.allSatisfy { $0.scenario != .warrantyClaim || w.policies.warranty(w.product(id: $0.product)!.category) != nil })
        // Orders follow the rule.
        #expect(w.orders.allSatisfy { ($0.split != .train) == held.contains($0.combo) })
    }
}

@Test("No evaluation entity combination occurs in any training file or corpus ticket", arguments: Language.allCases)
func heldOutSplitIsDisjoint(lang: Language) {
    let d = Small.data(lang)
    let train = Set(d.sft.map(\.combo) + d.preferences.map(\.combo) + d.unpaired.map(\.combo))
    let eval = Set((d.dev + d.test).map(\.combo))
    #expect(!eval.isEmpty && !train.isEmpty)
    #expect(train.isDisjoint(with: eval))
    #expect(Set(d.dev.map(\.combo)).isDisjoint(with: d.test.map(\.combo)))
    #expect((d.dev + d.test).allSatisfy { $0.truth.combo == $0.combo })
    // The corpus quotes only training orders: no dev or test order id appears in it.
    let corpus = d.corpus.joined(separator: "\n")
    #expect((d.dev + d.test).allSatisfy { !corpus.contains($0.truth.orderID) })
    // Every product and scenario of the eval set was seen in training (compositional, not unseen entities).
    let products = Set(train.compactMap { Combo($0)?.product })
    let evalProducts = eval.compactMap { Combo($0)?.product }
    #expect(evalProducts.allSatisfy { products.contains($0) })
}
