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

    /// `count` shop pages: one product page per product, one page per policy topic, and FAQs
    /// for the rest. No FAQ's questions contain another's, so pages are not near
    /// duplicates of each other (which `course data check` would flag).
    static func pages(_ w: World, count: Int, rng: inout SeededRandom) -> [String] {
        let en = w.lang == .en
        var out: [String] = []
        for product in w.products where out.count < count {
            var values = pageValues(w, rng: &rng)
            let p = w.policies
            values.v["product"] = product.name(w.lang)
            values.v["category"] = product.category.name(w.lang)
            values.v["price"] = product.priceText(w.lang)
            values.v["days"] = p.returnWindow(product.category, .standard).text(w.lang)
            values.v["daysPlus"] = p.returnWindow(product.category, .plus).text(w.lang)
            values.v["warranty"] = p.warranty(product.category)?.text(w.lang) ?? ""
            out.append(en ? PagesEN.product(values, category: product.category, rng: &rng)
                          : PagesJA.product(values, category: product.category, rng: &rng))
        }
        for topic in 0..<PagesEN.policyTopics where out.count < count {
            let values = pageValues(w, rng: &rng)
            out.append(en ? PagesEN.policy(values, topic: topic, rng: &rng) : PagesJA.policy(values, topic: topic, rng: &rng))
        }
        var usedSets: [UInt64] = []  // question sets as bit masks
        var attempts = 0
        while out.count < count && attempts < count * 50 {
            attempts += 1
            let values = pageValues(w, rng: &rng)
            let n = en ? PagesEN.faqCount(values) : PagesJA.faqCount(values)
            let chosen = sample(Array(0..<n), 3 + rng.int(3), rng: &rng)
            let set = chosen.reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
            // A FAQ whose questions include (or are included in) another's is a near duplicate.
            guard !usedSets.contains(where: { $0 & set == $0 || $0 & set == set }) else { continue }
            usedSets.append(set)
            out.append(en ? PagesEN.faq(values, questions: chosen, rng: &rng) : PagesJA.faq(values, questions: chosen, rng: &rng))
        }
        return out.map { localized($0, w.lang) }
    }
}

/// Picks `k` distinct elements in random order.
func sample<T>(_ a: [T], _ k: Int, rng: inout SeededRandom) -> [T] {
    Array(rng.shuffled(a).prefix(k))
}
