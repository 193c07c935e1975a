import Core

/// The pretraining corpus: past ticket threads (facts, the customer's message, the agent's
/// house-style reply) and shop pages (policies, FAQs, product pages). Ticket threads come only
/// from training orders, so the corpus never shows a held-out combination.
enum Corpus {
    /// Values the pages quote, rendered in the world's language.
    struct PageValues {
        var shop: String
        var returnList: [String]      // "Electronics: 14 days" per category, shuffled per page
        var warrantyList: [String]    // categories with a warranty
        var noWarranty: [String]      // category names without one
        var v: [String: String]       // extra, shipStd, shipPlus, refundStd, refundPlus, replaceStd, ...
    }

    static func pageValues(_ w: World, rng: inout SeededRandom) -> PageValues {
        let lang = w.lang
        let p = w.policies
        let sep = lang == .en ? ": " : ":"
        let returns = Category.allCases.map { "\($0.name(lang))\(sep)\(p.returnWindow($0, .standard).text(lang))" }
        let warranties = Category.allCases.compactMap { c in p.warranty(c).map { "\(c.name(lang))\(sep)\($0.text(lang))" } }
        let none = Category.allCases.filter { p.warranty($0) == nil }.map { $0.name(lang) }
        let v: [String: String] = [
            "shop": w.shopName, "extra": Span.days(p.plusExtraDays).text(lang),
            "shipStd": p.shipping(.standard).text(lang), "shipPlus": p.shipping(.plus).text(lang),
            "refundStd": p.refund(.standard).text(lang), "refundPlus": p.refund(.plus).text(lang),
            "replaceStd": p.replacement(.standard).text(lang), "replacePlus": p.replacement(.plus).text(lang),
            "repairStd": p.repair(.standard).text(lang), "repairPlus": p.repair(.plus).text(lang),
            "report": p.damageReport.text(lang), "lost": "\(p.lostAfterBusinessDays)",
        ]
        return PageValues(shop: w.shopName, returnList: rng.shuffled(returns), warrantyList: rng.shuffled(warranties),
                          noWarranty: none, v: v)
    }

    /// A past ticket thread in the house style, sometimes with a short follow-up.
    static func thread(_ t: Ticket, reply: String, rng: inout SeededRandom) -> String {
        let en = t.lang == .en
        var doc = en ? "Ticket \(t.order.id)\n\(t.system)\n\nCustomer: \(t.user)\n\nAgent: \(reply)"
                     : "お問い合わせ \(t.order.id)\n\(t.system)\n\nお客様:\(t.user)\n\n担当者:\(reply)"
        if rng.bernoulli(0.3) {
            let persona = t.values[en ? "first" : "last"]!
            doc += en ? "\n\nCustomer: \(rng.pick(["Thank you, that helps.", "Thanks for the quick reply!", "Great, thank you."]))\n\nAgent: \(rng.pick(["You're welcome, \(persona). Have a lovely day.", "Glad I could help, \(persona)!", "You're very welcome, \(persona). Take care."]))"
                      : "\n\nお客様:\(rng.pick(["ありがとうございます。助かりました。", "早速のご対応ありがとうございます。", "承知しました。ありがとうございます。"]))\n\n担当者:\(rng.pick(["\(persona)様、ご丁寧にありがとうございます。またいつでもお気軽にご連絡ください。", "\(persona)様、ご連絡ありがとうございます。今後ともよろしくお願いいたします。"]))"
        }
        return localized(doc, t.lang)
    }

    /// `count` distinct shop pages: FAQs, policy pages and product pages in a fixed mix.
    static func pages(_ w: World, count: Int, rng: inout SeededRandom) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        var attempts = 0
        while out.count < count && attempts < count * 20 {
            attempts += 1
            var values = pageValues(w, rng: &rng)
            let kind = rng.int(10)
            let doc: String
            if kind < 4 {
                doc = w.lang == .en ? PagesEN.faq(values, rng: &rng) : PagesJA.faq(values, rng: &rng)
            } else if kind < 7 {
                doc = w.lang == .en ? PagesEN.policy(values, rng: &rng) : PagesJA.policy(values, rng: &rng)
            } else {
                let product = rng.pick(w.products)
                let p = w.policies
                values.v["product"] = product.name(w.lang)
                values.v["category"] = product.category.name(w.lang)
                values.v["price"] = product.priceText(w.lang)
                values.v["days"] = p.returnWindow(product.category, .standard).text(w.lang)
                values.v["daysPlus"] = p.returnWindow(product.category, .plus).text(w.lang)
                values.v["warranty"] = p.warranty(product.category)?.text(w.lang) ?? ""
                doc = w.lang == .en ? PagesEN.product(values, category: product.category, rng: &rng)
                                    : PagesJA.product(values, category: product.category, rng: &rng)
            }
            if seen.insert(doc).inserted { out.append(localized(doc, w.lang)) }
        }
        return out
    }
}

/// Picks `k` distinct elements in random order.
func sample<T>(_ a: [T], _ k: Int, rng: inout SeededRandom) -> [T] {
    Array(rng.shuffled(a).prefix(k))
}
