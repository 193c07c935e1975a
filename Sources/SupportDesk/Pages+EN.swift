import Core

/// English shop pages for the pretraining corpus. Each paragraph has a couple of paraphrases
/// so the corpus teaches the shop's language without repeating one page verbatim.
enum PagesEN {
    /// Policy pages: returns, shipping, warranty, damaged or wrong items, exchanges, cancellations, reply style.
    static let policyTopics = 7

    static func faqCount(_ p: Corpus.PageValues) -> Int { questions(p).count }

    static func faq(_ p: Corpus.PageValues, questions chosen: [Int], rng: inout SeededRandom) -> String {
        let qa = questions(p)
        var doc = rng.pick(["Frequently asked questions — \(p.shop)", "\(p.shop) help centre: FAQ", "Questions and answers"])
        for i in chosen { doc += "\n\nQ: \(rng.pick(qa[i].q))\nA: \(qa[i].a)" }
        return doc
    }

    static func questions(_ p: Corpus.PageValues) -> [(q: [String], a: String)] {
        let v = p.v
        return [
            (["How long do I have to return an item?", "What is the return window?"],
             "It depends on the category: \(p.returnList.joined(separator: ", ")). Plus members get \(v["extra"]!) extra. The window starts on the delivery date."),
            (["How long does a refund take?", "When will I get my money back?"],
             "Refunds go to your original payment method within \(v["refundStd"]!) after the item reaches us, or \(v["refundPlus"]!) for Plus members."),
            (["How long does delivery take?", "When will my order arrive?"],
             "Standard delivery takes \(v["shipStd"]!). Plus members get express delivery in \(v["shipPlus"]!). You can track every parcel in My Orders."),
            (["My parcel is late. What should I do?", "What if my order does not arrive?"],
             "Please check the tracking in My Orders first. If the parcel is more than \(v["lost"]!) business days past its estimate, contact us and we will send a replacement or a full refund."),
            (["My item arrived damaged. What now?", "What if something arrives broken?"],
             "We are sorry when that happens. Report it within \(v["report"]!) of delivery and send us a photo; we ship a free replacement within \(v["replaceStd"]!) (\(v["replacePlus"]!) for Plus members)."),
            (["I received the wrong item.", "What if you sent me the wrong product?"],
             "We will email you a prepaid label for the wrong item and ship the right one within \(v["replaceStd"]!), without waiting for the return."),
            (["Which products have a warranty?", "Is my product under warranty?"],
             "Warranties by category: \(p.warrantyList.joined(separator: ", ")). \(p.noWarranty.joined(separator: " and ")) items have no warranty."),
            (["How do I make a warranty claim?", "My product stopped working. Can you repair it?"],
             "File a warranty claim in My Orders with the serial number and a short description of the fault. We repair or replace the item within \(v["repairStd"]!) of receiving it (\(v["repairPlus"]!) for Plus members)."),
            (["Can I exchange an item for a different size or colour?", "How do exchanges work?"],
             "Yes, within the same window as returns. Choose Exchange in My Orders and send the item back with the prepaid label; the new one ships within \(v["replaceStd"]!) of it reaching us."),
            (["Can I cancel my order?", "How do I cancel an order?"],
             "Orders can be cancelled free of charge until they ship. The full amount goes back to your original payment method within \(v["refundStd"]!)."),
            (["What does a Plus membership include?", "What are the benefits of Plus?"],
             "Plus members get \(v["extra"]!) more on every return window, express delivery in \(v["shipPlus"]!), refunds within \(v["refundPlus"]!) and replacements within \(v["replacePlus"]!)."),
            (["Do I pay for return shipping?", "Is the return label free?"],
             "No. Every return and exchange comes with a prepaid label."),
            (["Can you tell me about someone else's order?", "Can I check my friend's order status?"],
             "We are sorry, but for privacy we only discuss an order with the customer who placed it."),
            (["Do you offer price matching?", "Will you match a lower price?"],
             "We do not offer price matching. Our prices are the same for every customer."),
            (["Can I return an item after the window has closed?", "Is a late return possible?"],
             "Returns are accepted only within the return window. After it, a faulty item may still be covered by its warranty."),
        ]
    }

    static func policy(_ p: Corpus.PageValues, topic: Int, rng: inout SeededRandom) -> String {
        let v = p.v
        switch topic {
        case 0:
            return [rng.pick(["Returns policy", "How returns work at \(p.shop)"]),
                    rng.pick(["You can return an item within the return window of its category, counted from the day it was delivered.",
                              "Every item can be returned within its category's return window, starting from the delivery date."]),
                    "Return windows: " + p.returnList.joined(separator: "; ") + ".",
                    rng.pick(["Plus members get \(v["extra"]!) extra on every window.", "If you are a Plus member, add \(v["extra"]!) to each window."]),
                    rng.pick(["To return an item, start a return in My Orders, pack it in its original box and send it back with the prepaid label.",
                              "Start your return in My Orders; we email you a prepaid label, and you drop the parcel off."]),
                    "Once the item reaches us, we refund the original payment method within \(v["refundStd"]!) (\(v["refundPlus"]!) for Plus members)."]
                .joined(separator: "\n")
        case 1:
            return [rng.pick(["Shipping and delivery", "Delivery times"]),
                    "Standard delivery takes \(v["shipStd"]!); Plus members get express delivery in \(v["shipPlus"]!).",
                    rng.pick(["You can follow every parcel with the tracking link in My Orders.", "Tracking for every order is in My Orders."]),
                    "If a parcel is more than \(v["lost"]!) business days past its estimate, we send a replacement or a full refund."]
                .joined(separator: "\n")
        case 2:
            return [rng.pick(["Warranty", "Our warranty"]),
                    "These categories come with a warranty: " + p.warrantyList.joined(separator: "; ") + ".",
                    "\(p.noWarranty.joined(separator: " and ")) items have no warranty.",
                    rng.pick(["To make a claim, file a warranty claim in My Orders with the serial number and a description of the fault.",
                              "Claims are made in My Orders: add the serial number and tell us what is wrong."]),
                    "We repair or replace the item within \(v["repairStd"]!) of receiving it (\(v["repairPlus"]!) for Plus members)."]
                .joined(separator: "\n")
        case 3:
            return [rng.pick(["Damaged or wrong items", "When something goes wrong with a delivery"]),
                    "If an item arrives damaged, report it within \(v["report"]!) of delivery and send us a photo.",
                    "We ship a free replacement within \(v["replaceStd"]!) (\(v["replacePlus"]!) for Plus members); you do not need to send the damaged item back.",
                    rng.pick(["If we sent the wrong item, we email you a prepaid label and ship the right one straight away.",
                              "Received the wrong item? We send the right one without waiting for the return, and a prepaid label for the wrong one."])]
                .joined(separator: "\n")
        case 4:
            return [rng.pick(["Exchanges", "Exchanging an item"]),
                    "You can exchange an item for another size or colour within the same window as returns.",
                    rng.pick(["Choose Exchange in My Orders and send the item back with the prepaid label.",
                              "Request the exchange in My Orders, pick the new size or colour, and return the item with the prepaid label."]),
                    "The new item ships within \(v["replaceStd"]!) of the return reaching us (\(v["replacePlus"]!) for Plus members)."]
                .joined(separator: "\n")
        case 5:
            return [rng.pick(["Cancellations", "Cancelling an order"]),
                    "Orders can be cancelled free of charge until they ship.",
                    "Once cancelled, the full amount goes back to your original payment method within \(v["refundStd"]!) (\(v["refundPlus"]!) for Plus members).",
                    rng.pick(["After an order has shipped, you can return it instead.", "Already shipped? Then please return the item once it arrives."])]
                .joined(separator: "\n")
        default:
            return [rng.pick(["How our support team replies", "Our reply style"]),
                    rng.pick(["Every reply from \(p.shop) support has four parts.", "Our agents answer every message in four steps."]),
                    "First, we apologise for the trouble. Second, we confirm the order details: the order number, the product, the dates and the policy that applies.",
                    "Third, we explain the procedure, step by step. Finally, we close with a reassuring word.",
                    rng.pick(["We never promise what we cannot guarantee, and we quote only the facts on the order.",
                              "We quote only what the order shows, and we do not make promises we cannot keep."])]
                .joined(separator: "\n")
        }
    }

    static let descriptions: [Category: [String]] = [
        .electronics: ["Reliable everyday tech with a clean design.", "Long battery life and simple controls.",
                       "Pairs in seconds with phones and laptops.", "Compact enough to take anywhere."],
        .kitchen: ["Made for everyday cooking.", "Easy to clean and built to last.", "A favourite of home cooks.",
                   "Heats up quickly and evenly."],
        .home: ["Brings a calm, warm feel to any room.", "Simple design that fits every home.",
                "Quiet, efficient and easy to use.", "Soft materials and neat finishing."],
        .apparel: ["Comfortable fit for every day.", "Made from soft, durable fabric.", "Available in several sizes and colours.",
                   "A classic cut that goes with everything."],
        .outdoor: ["Light enough for long hikes.", "Built for wind and rain.", "Packs down small.",
                   "Tested on real trails."],
        .stationery: ["Smooth paper that is a pleasure to write on.", "A tidy desk starts here.",
                      "Thoughtful details for everyday notes.", "A great gift for students."],
    ]

    static func product(_ p: Corpus.PageValues, category: Category, rng: inout SeededRandom) -> String {
        let v = p.v
        var lines = [v["product"]!, "Category: \(v["category"]!)", "Price: \(v["price"]!)",
                     sample(descriptions[category]!, 2, rng: &rng).joined(separator: " "),
                     "Returns: within \(v["days"]!) of delivery (\(v["daysPlus"]!) for Plus members)."]
        lines.append(v["warranty"]!.isEmpty ? "Warranty: none." : "Warranty: \(v["warranty"]!).")
        if rng.bernoulli(0.5) { lines.append("Delivery: \(v["shipStd"]!), or \(v["shipPlus"]!) for Plus members.") }
        return lines.joined(separator: "\n")
    }
}
