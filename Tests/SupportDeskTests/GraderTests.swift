import Core
import Foundation
import Testing
@testable import SupportDesk

/// The criterion each flaw must lower.
func criterion(of flaw: Flaw) -> Criterion {
    switch flaw {
    case .coldTone: .tone
    case .wrongPolicy: .facts
    case .overPromise: .noOverPromise
    case .missingMove: .structure
    case .inventedDetail: .grounded
    }
}

@Test("Every generated good reply scores at least 0.95", arguments: Language.allCases)
func goodRepliesScoreHigh(lang: Language) {
    let d = Small.data(lang)
    let g = Grader()
    var replies: [(String, Truth, String)] = d.sft.filter { $0.habit == nil }.map { ($0.reply, $0.truth, $0.id) }
    replies += d.preferences.map { ($0.chosen[0].content, $0.truth, $0.id) }
    replies += d.unpaired.filter(\.label).map { ($0.completion[0].content, $0.truth, $0.id) }
    replies += d.dev.map { ($0.reference[0].content, $0.truth, $0.id) }
    for (reply, truth, id) in replies {
        let grade = g.grade(reply: reply, truth: truth)
        #expect(grade.overall >= 0.95, "\(id): \(grade.overall) \(grade.findings)")
        #expect(grade.moves == Move.allCases, "\(id): moves \(grade.moves)")
    }
}

@Test("Every flawed reply scores lower than its good reply on the criterion of its flaw", arguments: Language.allCases)
func flawedRepliesScoreLower(lang: Language) {
    let d = Small.data(lang)
    let g = Grader()
    for p in d.preferences {
        let good = g.grade(reply: p.chosen[0].content, truth: p.truth)
        let bad = g.grade(reply: p.rejected[0].content, truth: p.truth)
        let c = criterion(of: p.flaw)
        #expect(bad.score(c) < good.score(c), "\(p.id) \(p.flaw.rawValue) (\(p.flawDetail)): \(bad.score(c)) vs \(good.score(c))")
        #expect(bad.overall < good.overall, "\(p.id): overall \(bad.overall) vs \(good.overall)")
    }
    for u in d.unpaired where !u.label {
        let c = criterion(of: u.flaw!)
        #expect(g.grade(reply: u.completion[0].content, truth: u.truth).score(c) < 1, "\(u.id) \(u.flaw!.rawValue)")
    }
}

@Test("Every paraphrase combination of every scenario grades at the top, and every flaw of it lower", arguments: Language.allCases)
func allTemplateCombinations(lang: Language) {
    let w = World.generate(seed: 21, lang: lang, size: .small)
    let g = Grader()
    let book = Phrasebook.of(lang)
    for scenario in Scenario.allCases {
        let order = w.orders.first { $0.issue == scenario }!
        var rng = SeededRandom(seed: 1)
        let t = w.ticket(for: order, difficulty: .hard, rng: &rng)
        for a in book.apology.indices {
            for c in t.phrases.confirm.indices {
                for p in t.phrases.procedure.indices {
                    for cl in book.close.indices {
                        let plan = ReplyPlan(apology: a, confirm: c, procedure: p, close: cl)
                        let reply = t.goodReply(plan).text(lang)
                        let grade = g.grade(reply: reply, truth: t.truth)
                        #expect(grade.overall == 1, "\(scenario) \(plan): \(grade.findings)\n\(reply)")
                        for flaw in Flaw.allCases {
                            let bad = t.flawedReply(plan, flaw: flaw, rng: &rng)
                            #expect(g.grade(reply: bad.text, truth: t.truth).score(criterion(of: flaw)) < 1, "\(scenario) \(plan) \(flaw): \(bad.text)")
                        }
                    }
                }
            }
        }
    }
}

// MARK: hand-written replies

/// A return request for SD-48213, written by hand (not by the generator).
func handTruth(_ lang: Language) -> Truth {
    let en = lang == .en
    let facts = en
        ? "Order: SD-48213\nCustomer: Emma Clarke, Standard member\nProduct: Nimbus Wireless Headphones ($89.00)\nDelivered: March 21\nReturn window: 30 days (until April 20)\nRefund time: 5-7 business days"
        : "注文番号:SD-48213\nお客様:佐藤 美咲 様(通常会員)\n商品:ニンバス ワイヤレスヘッドホン(8,900円)\nお届け日:3月21日\n返品期限:30日(4月20日まで)\n返金:到着後5〜7営業日"
    let message = en ? "Can I return the headphones? They arrived on March 21." : "3月21日に届いたヘッドホンを返品できますか?"
    return Truth(scenario: .returnRequest, lang: lang, combo: "P01|standard|return", orderID: "SD-48213",
                 product: en ? "Nimbus Wireless Headphones" : "ニンバス ワイヤレスヘッドホン",
                 required: [Fact(name: "order_id", value: "SD-48213"),
                            Fact(name: "product", value: en ? "Nimbus Wireless Headphones" : "ニンバス ワイヤレスヘッドホン"),
                            Fact(name: "window", value: en ? "30 days" : "30日", isPolicy: true),
                            Fact(name: "until", value: en ? "April 20" : "4月20日"),
                            Fact(name: "refund_time", value: en ? "5-7 business days" : "5〜7営業日", isPolicy: true)],
                 steps: Phrasebook.of(lang).phrases(.returnRequest).steps,
                 allowed: Array(Set(Extractor.values(in: facts + "\n" + message, lang: lang))).sorted(),
                 forbidden: Phrasebook.of(lang).phrases(.returnRequest).forbidden)
}

@Test("Hand-written English replies: a good one in other words scores high, each bad one loses on its criterion")
func handWrittenEnglish() {
    let t = handTruth(.en)
    let g = Grader()
    let good = """
    Hello Emma, we're very sorry the Nimbus Wireless Headphones didn't suit you. I've checked your order SD-48213, and you're still \
    inside the 30-day return window (until April 20th). Please go to My Orders, request a return and post them back with the prepaid \
    label. Your refund arrives within 5 to 7 business days once we receive them. Feel free to write to us anytime!
    """
    let grade = g.grade(reply: good, truth: t)
    #expect(grade.overall >= 0.95, "\(grade.findings)")

    let cold = "Order SD-48213. As clearly stated in our policy, returns are your responsibility. Use My Orders. Do not contact us again."
    let c = g.grade(reply: cold, truth: t)
    #expect(c.tone < 0.5 && c.structure < 1 && c.overall < 0.7, "\(c)")

    let invented = good.replacingOccurrences(of: "SD-48213", with: "SD-99999") + " I have also added a $20.00 voucher to your account."
    let i = g.grade(reply: invented, truth: t)
    #expect(i.grounded == 0 && i.facts < 1 && i.findings.contains { $0.contains("sd-99999") })

    let promise = good.replacingOccurrences(of: "Feel free to write to us anytime!", with: "I guarantee the refund will definitely be there tomorrow. Feel free to write to us anytime!")
    let p = g.grade(reply: promise, truth: t)
    #expect(p.noOverPromise == 0 && p.structure == 1 && p.overall < grade.overall)

    let wrongPolicy = good.replacingOccurrences(of: "30-day", with: "60-day")
    let w = g.grade(reply: wrongPolicy, truth: t)
    #expect(w.facts < 1 && w.grounded < 1 && w.findings.contains("wrong policy: window \"30 days\""))

    let outOfOrder = "Feel free to write to us anytime! Please start a return in My Orders and send it back with the label. I have checked order SD-48213. Sorry about the Nimbus Wireless Headphones."
    let o = g.grade(reply: outOfOrder, truth: t)
    #expect(o.structure <= 0.5 && o.findings.contains { $0.hasPrefix("moves out of order") })

    let missing = "I have checked order SD-48213 for the Nimbus Wireless Headphones: the window is 30 days, until April 20, and refunds take 5-7 business days."
    let m = g.grade(reply: missing, truth: t)
    #expect(m.structure == 0.25 && m.findings.contains("missing move: apology") && m.findings.contains("missing move: close"))

    let repeated = good + " " + good.split(separator: ".")[0] + ". " + good.split(separator: ".")[0] + "."
    #expect(g.grade(reply: repeated, truth: t).structure < 1)

    #expect(g.grade(reply: "", truth: t).overall == 0)
    let ramble = "the the order order the shop shop and the and the lamp is is is"
    #expect(g.grade(reply: ramble, truth: t).overall < 0.2)
}

@Test("Hand-written Japanese replies: a good one in other words scores high, each bad one loses on its criterion")
func handWrittenJapanese() {
    let t = handTruth(.ja)
    let g = Grader()
    // Product written without the space, full-width digits, a different dash: still the facts.
    let good = "佐藤様、このたびはニンバスワイヤレスヘッドホンの件でご不便をおかけし、申し訳ございません。ご注文番号SD-48213を確認しましたところ、返品期限の30日以内(4月20日まで)です。マイページの注文履歴から返品を申請し、返送ラベルで商品をお送りください。到着後５~７営業日以内に返金いたします。今後ともよろしくお願いいたします。"
    let grade = g.grade(reply: good, truth: t)
    #expect(grade.overall >= 0.95, "\(grade.findings)")

    let cold = "ご注文番号SD-48213の件、規約に明記されている通り、返品はお客様の責任でお手続きください。以上です。"
    let c = g.grade(reply: cold, truth: t)
    #expect(c.tone < 0.5 && c.overall < 0.7, "\(c)")

    let invented = good.replacingOccurrences(of: "SD-48213", with: "SD-11111") + "お詫びとして1,000円分のクーポンを付与いたしました。"
    let i = g.grade(reply: invented, truth: t)
    #expect(i.grounded == 0 && i.findings.contains { $0.contains("1000円") })

    let promise = good.replacingOccurrences(of: "今後とも", with: "必ず明日までに返金することをお約束します。今後とも")
    #expect(g.grade(reply: promise, truth: t).noOverPromise == 0)

    let wrongPolicy = good.replacingOccurrences(of: "30日以内", with: "60日以内")
    let w = g.grade(reply: wrongPolicy, truth: t)
    #expect(w.facts < 1 && w.grounded < 1)

    let noApology = good.replacingOccurrences(of: "ご不便をおかけし、申し訳ございません。", with: "ご連絡ありがとうございます。")
    let n = g.grade(reply: noApology, truth: t)
    #expect(n.structure == 0.75 && n.findings.contains("missing move: apology"))
}

@Test("Values are found in one canonical form whatever the spelling")
func extractor() {
    #expect(Extractor.normalize("  Ｏｒｄｅｒ　SD-1 ５〜７ and 5 to 7 and 5 - 7 ") == "order sd-1 5-7 and 5-7 and 5-7")
    #expect(Extractor.values(in: "Order SD-48213 on March 3rd, refund in 5–7 business days, $89 or $1,200.50", lang: .en)
            == ["sd-48213", "march 3", "5-7 business day", "$89.00", "$1200.50"])
    #expect(Extractor.values(in: "a 30-day window, 2 years, until March 6, 2027", lang: .en) == ["30 day", "2 year", "march 6, 2027"])
    #expect(Extractor.values(in: "3月6日お届け、返品期限30日、5〜7営業日、8,900円、2027年3月6日まで", lang: .ja)
            == ["3月6日", "30日", "5-7営業日", "8900円", "2027年3月6日"])
    // Facts match by value, and digits do not match inside longer numbers.
    #expect(Grader.quotes("within 45 days", "45 days", values: ["45 day"]))
    #expect(!Grader.containsBounded("until march 15", "march 1"))
    #expect(!Grader.containsBounded("within 145 days", "45 days"))
}
