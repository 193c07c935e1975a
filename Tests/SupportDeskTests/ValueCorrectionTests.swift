import Testing
@testable import SupportDesk

@Test("Mending a reply with a wrong policy number or order id gives back the good reply", arguments: Language.allCases)
func mendingRestoresGoodReplies(lang: Language) {
    let d = Small.data(lang)
    // The flaws that swap one value in place (an invented credit or date is a sentence added).
    let swapped = d.preferences.filter { $0.flaw == .wrongPolicy || ($0.flaw == .inventedDetail && $0.flawDetail.contains("SD-")) }
    #expect(swapped.count >= 10)
    for p in swapped {
        let (mended, fixes) = ValueCorrection.correct(p.rejected[0].content, truth: p.truth)
        #expect(fixes.count == 1, "\(p.id): \(p.flawDetail) → \(fixes)")
        #expect(mended == p.chosen[0].content, "\(p.id): \(p.flawDetail)")
    }
}

@Test("A good reply needs no mending")
func goodRepliesAreLeftAlone() {
    for p in Small.en.preferences.prefix(50) {
        let (mended, fixes) = ValueCorrection.correct(p.chosen[0].content, truth: p.truth)
        #expect(fixes.isEmpty && mended == p.chosen[0].content, "\(p.id): \(fixes)")
    }
}

@Test("Wrong values are mended in order, in the form the reply wrote them, and ambiguity is left alone")
func mendingByKindAndOrder() {
    let truth = Truth(scenario: .lateDelivery, lang: .en, combo: "P01|standard|late", orderID: "SD-12345", product: "Lamp",
                      required: [Fact(name: "order_id", value: "SD-12345"), Fact(name: "window", value: "45 days", isPolicy: true),
                                 Fact(name: "new_estimate", value: "March 22"), Fact(name: "lost_by", value: "March 28")],
                      steps: [], allowed: ["sd-12345", "45 day", "march 22", "march 28", "march 2"], forbidden: [])
    let reply = "Order SD-12345 is late. It should arrive by August 27, and after July 3 we refund it. Our 30-day window applies."
    let (mended, fixes) = ValueCorrection.correct(reply, truth: truth)
    #expect(mended == "Order SD-12345 is late. It should arrive by March 22, and after March 28 we refund it. Our 45-day window applies.")
    #expect(fixes.map(\.wrong) == ["August 27", "July 3", "30-day"])
    #expect(fixes.map(\.right.name) == ["new_estimate", "lost_by", "window"])
    #expect(Grader().grade(reply: mended, truth: truth).findings.filter { $0.hasPrefix("invented") }.isEmpty)

    // One wrong date, two missing ones and two dates the reply does not quote: which was meant is unknowable.
    let ambiguous = "Order SD-12345 is late. It should arrive by August 27."
    #expect(ValueCorrection.correct(ambiguous, truth: truth).fixes.isEmpty)
}
