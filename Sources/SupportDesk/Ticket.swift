import Core

/// One support ticket, ready to be written: the facts block (system message), the customer's
/// message (user message), the values a reply quotes, and the ground truth.
struct Ticket {
    var order: Order
    var lang: Language
    var phrases: ScenarioPhrases
    /// Placeholder values: "order", "product", "days", "refund", ...
    var values: [String: String]
    /// The policy values among them, by key (what a wrong-policy flaw may change).
    var policies: [String: Span]
    /// Keys of dates quoted in replies (what an invented-date flaw may change).
    var dateKeys: [String]
    var system: String
    var user: String
    var truth: Truth

    var prompt: [Message] { [Message(role: "system", content: system), Message(role: "user", content: user)] }
}

extension World {
    /// Renders an order as a ticket. `rng` chooses the customer message and the distractors.
    func ticket(for order: Order, difficulty: Difficulty, rng: inout SeededRandom) -> Ticket {
        let book = Phrasebook.of(lang)
        let phrases = book.phrases(order.issue)
        let product = products[order.product]
        let persona = personas[order.customer]
        let plan = order.plan
        let en = lang == .en

        var v: [String: String] = [
            "order": order.id, "first": persona.firstEN, "last": persona.familyJA,
            "product": product.name(lang), "price": product.priceText(lang), "amount": product.priceText(lang),
            "ordered": order.ordered.text(lang), "variant": product.category.variant(lang),
            "days": policies.returnWindow(product.category, plan).text(lang),
            "refund": policies.refund(plan).text(lang), "ship": policies.shipping(plan).text(lang),
            "replace": policies.replacement(plan).text(lang), "repair": policies.repair(plan).text(lang),
            "report": policies.damageReport.text(lang),
        ]
        if let d = order.delivered {
            v["delivered"] = d.text(lang)
            v["returnBy"] = (d + policies.returnWindow(product.category, plan).maxDays).text(lang)
        }
        if let w = policies.warranty(product.category) {
            v["warranty"] = w.text(lang)
            if let d = order.delivered { v["warrantyUntil"] = (d + w.maxDays).text(lang) }
        }
        if let e = order.expected {
            v["expected"] = e.text(lang)
            v["lostBy"] = e.addingBusinessDays(policies.lostAfterBusinessDays).text(lang)
        }
        if let n = order.newEstimate { v["newEstimate"] = n.text(lang) }
        if let r = order.returnReceived { v["returnReceived"] = r.text(lang) }
        if let r = order.receivedInstead { v["received"] = products[r].name(lang) }

        // MARK: book facts-block
        // The facts block: what the agent's tools show. Every value a good reply quotes is here.
        typealias Line = (key: String, label: String, value: String)
        func L(_ e: String, _ j: String, _ value: String) -> Line { (e, en ? e : j, value) }
        var lines: [Line] = [
            L("Order", "注文番号", order.id),
            L("Customer", "お客様", en ? "\(persona.fullName(.en)), \(plan.name(.en))" : "\(persona.fullName(.ja)) 様(\(plan.name(.ja)))"),
            L("Product", "商品", "\(v["product"]!) (\(v["price"]!))"),
        ]
        if !en { lines[2].value = "\(v["product"]!)(\(v["price"]!))" }
        var required: [(String, String, Bool)] = [("order_id", "order", false)]
        var policyKeys: [String] = []
        switch order.issue {
        case .returnRequest, .exchange:
            let ex = order.issue == .exchange
            lines += [L("Delivered", "お届け日", v["delivered"]!),
                      ex ? L("Exchange window", "交換期限", en ? "\(v["days"]!), until \(v["returnBy"]!)" : "\(v["days"]!)(\(v["returnBy"]!)まで)")
                         : L("Return window", "返品期限", en ? "\(v["days"]!), until \(v["returnBy"]!)" : "\(v["days"]!)(\(v["returnBy"]!)まで)"),
                      ex ? L("New item", "交換品の発送", en ? "ships \(v["replace"]!) after the return arrives" : "返品到着後\(v["replace"]!)")
                         : L("Refund time", "返金", en ? v["refund"]! : "到着後\(v["refund"]!)")]
            required += [("product", "product", false), ("window", "days", true), ("until", "returnBy", false),
                         ex ? ("replacement_time", "replace", true) : ("refund_time", "refund", true)]
        case .lateDelivery:
            lines += [L("Ordered", "注文日", v["ordered"]!), L("Shipping time", "配送日数", v["ship"]!),
                      L("Original estimate", "当初のお届け予定", v["expected"]!),
                      L("New estimate", "新しいお届け予定", v["newEstimate"]!),
                      L("Lost parcel rule", "未着時", en ? "replacement or full refund after \(v["lostBy"]!)"
                                                    : "\(v["lostBy"]!)を過ぎたら代替品か全額返金")]
            required += [("product", "product", false), ("shipping_time", "ship", true),
                         ("new_estimate", "newEstimate", false), ("lost_by", "lostBy", false)]
        case .damagedItem:
            lines += [L("Delivered", "お届け日", v["delivered"]!),
                      L("Damage reports", "破損のご連絡", en ? "within \(v["report"]!) of delivery" : "お届けから\(v["report"]!)以内"),
                      L("Replacement ships in", "交換品の発送", en ? v["replace"]! : "\(v["replace"]!)以内")]
            required += [("product", "product", false), ("report_window", "report", true), ("replacement_time", "replace", true)]
        case .wrongItem:
            lines += [L("Received instead", "誤って届いた商品", v["received"]!), L("Delivered", "お届け日", v["delivered"]!),
                      L("Replacement ships in", "正しい商品の発送", en ? v["replace"]! : "\(v["replace"]!)以内")]
            required += [("product", "product", false), ("received", "received", false), ("replacement_time", "replace", true)]
        case .warrantyClaim:
            lines += [L("Delivered", "お届け日", v["delivered"]!),
                      L("Warranty", "保証期間", en ? "\(v["warranty"]!), until \(v["warrantyUntil"]!)" : "\(v["warranty"]!)(\(v["warrantyUntil"]!)まで)"),
                      L("Repair time", "修理期間", en ? "\(v["repair"]!) after it reaches us" : "到着後\(v["repair"]!)")]
            required += [("product", "product", false), ("warranty", "warranty", true), ("warranty_until", "warrantyUntil", false),
                         ("repair_time", "repair", true)]
        case .refundStatus:
            lines += [L("Return received", "返品受領日", v["returnReceived"]!),
                      L("Refund", "返金額", en ? "\(v["amount"]!) to original payment method" : "\(v["amount"]!)(購入時のお支払い方法へ)"),
                      L("Refund time", "返金期間", v["refund"]!)]
            required += [("amount", "amount", false), ("return_received", "returnReceived", false), ("refund_time", "refund", true)]
        case .cancellation:
            lines += [L("Ordered", "注文日", v["ordered"]!), L("Status", "状況", en ? "not shipped yet (free to cancel)" : "未発送(キャンセル無料)"),
                      L("Refund time", "返金期間", v["refund"]!)]
            required += [("product", "product", false), ("amount", "amount", false), ("refund_time", "refund", true)]
        }
        // MARK: end
        for (_, key, isPolicy) in required where isPolicy { policyKeys.append(key) }

        // Distractors: true but irrelevant lines, inserted after the customer line.
        let present = Set(lines.map(\.key))
        var candidates: [Line] = []
        if let p = order.previous {
            candidates.append(L("Previous order", "過去のご注文",
                                en ? "\(p.id), \(products[p.product].name(lang)), delivered \(p.delivered.text(lang))"
                                   : "\(p.id)(\(products[p.product].name(lang))、\(p.delivered.text(lang))お届け)"))
        }
        let extra: [Line] = [
            L("Shipping time", "配送日数", v["ship"]!),
            L("Refund time", "返金期間", v["refund"]!),
            L("Damage reports", "破損のご連絡", en ? "within \(v["report"]!) of delivery" : "お届けから\(v["report"]!)以内"),
            L("Member since", "ご利用開始", en ? "\(2018 + order.customer % 7)" : "\(2018 + order.customer % 7)年"),
        ] + (v["warranty"].map { [L("Warranty", "保証期間", $0)] } ?? [])
          + (order.issue == .exchange ? [] : [L("Return window", "返品期限", v["days"]!)])
        candidates += extra.filter { !present.contains($0.key) }
        rng.shuffle(&candidates)
        for d in candidates.prefix(difficulty.distractors) {
            lines.insert(d, at: 2 + rng.int(lines.count - 1))
        }
        let sep = en ? ": " : ":"
        let system = localized(lines.map { $0.label + sep + $0.value }.joined(separator: "\n"), lang)

        // The customer's message, in the persona's style.
        var message = fill(rng.pick(phrases.messages), v)
        switch persona.style {
        case .polite: message = book.polite.0 + message + book.polite.1
        case .upset: message = book.upset.0 + message + book.upset.1
        case .brief: break
        }
        message = localized(message, lang)

        let facts = required.map { Fact(name: $0.0, value: v[$0.1]!, isPolicy: $0.2) }
        let allowed = Extractor.values(in: system + "\n" + message, lang: lang).sorted()
        let truth = Truth(scenario: order.issue, lang: lang, combo: order.combo.description, orderID: order.id,
                          product: v["product"]!, required: facts, steps: phrases.steps, allowed: Array(Set(allowed)).sorted(),
                          forbidden: phrases.forbidden)
        var spans: [String: Span] = [:]
        for k in policyKeys {
            switch k {
            case "days": spans[k] = policies.returnWindow(product.category, plan)
            case "refund": spans[k] = policies.refund(plan)
            case "ship": spans[k] = policies.shipping(plan)
            case "replace": spans[k] = policies.replacement(plan)
            case "repair": spans[k] = policies.repair(plan)
            case "report": spans[k] = policies.damageReport
            case "warranty": spans[k] = policies.warranty(product.category)
            default: break
            }
        }
        let dateKeys = required.filter { ["delivered", "returnBy", "newEstimate", "lostBy", "warrantyUntil", "returnReceived"].contains($0.1) }.map(\.1)
        return Ticket(order: order, lang: lang, phrases: phrases, values: v, policies: spans, dateKeys: dateKeys,
                      system: system, user: message, truth: truth)
    }
}
