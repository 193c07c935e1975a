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

    /// A past ticket from the help-desk system's archive: the facts, the customer's message
    /// and the agent's terse internal resolution note — not a reply in the house style. The
    /// corpus teaches the shop's language and how facts relate to requests, but not the
    /// behaviour SFT teaches: a pretrained model continues tickets, it does not yet answer
    /// customers (that is what chapter 3 shows).
    ///
    /// The archive's handover lines repeat text word for word: the facts the agent checked (in
    /// another order) and the customer's message, quoted for the warehouse. Predicting a repeat
    /// rewards a model for looking back at where the text appeared before and copying what came
    /// next — the "induction" heads a reply needs to copy a date from the facts, which a corpus
    /// of short, templated documents does not otherwise make a model learn.
    static func thread(_ t: Ticket, rng: inout SeededRandom) -> String {
        let en = t.lang == .en
        let facts = t.truth.required.map { en ? "\($0.name.replacingOccurrences(of: "_", with: " ")) \($0.value)" : "\($0.value)" }
        let steps = t.truth.steps.map(\.name)
        let note = (facts + steps).joined(separator: " · ")
        let checked = rng.shuffled(t.system.split(separator: "\n").map(String.init)).joined(separator: " · ")
        let doc = en ? "Ticket \(t.order.id)\n\(t.system)\n\nCustomer: \(t.user)\n\nResolution (\(t.truth.scenario.rawValue.replacingOccurrences(of: "_", with: " "))): \(note)\nChecked: \(checked)\nQuoted for the warehouse: \"\(t.user)\"\nStatus: closed"
                     : "お問い合わせ \(t.order.id)\n\(t.system)\n\nお客様:\(t.user)\n\n対応記録:\(note)\n確認済み:\(checked)\n倉庫への引用:「\(t.user)」\n状態:完了"
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
