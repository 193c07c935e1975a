import Core

/// An entity combination: which product, under which policy variant (the customer's plan), with
/// which issue. The held-out evaluation split is defined on these (see `World.heldOut`).
public struct Combo: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var product: String
    public var plan: Plan
    public var scenario: Scenario

    public init(product: String, plan: Plan, scenario: Scenario) {
        self.product = product
        self.plan = plan
        self.scenario = scenario
    }

    /// "P07|plus|return": the form written into data files and compared by `course data check`.
    public var description: String { "\(product)|\(plan.rawValue)|\(scenario.rawValue)" }

    public init?(_ text: String) {
        let parts = text.split(separator: "|").map(String.init)
        guard parts.count == 3, let plan = Plan(rawValue: parts[1]), let s = Scenario(rawValue: parts[2]) else { return nil }
        self.init(product: parts[0], plan: plan, scenario: s)
    }

    public static func < (a: Combo, b: Combo) -> Bool { a.description < b.description }
}

/// Which split an order belongs to: training data, dev prompts (watching training, choosing
/// settings) or test prompts (the final report only).
public enum Split: String, Codable, Sendable {
    case train, dev, test
}

/// Another order of the same customer: shown as a distractor line in harder prompts.
public struct PreviousOrder: Codable, Sendable, Equatable {
    public var id: String
    public var product: Int
    public var delivered: Day
}

/// An order that a customer writes to support about. The dates that matter for its issue are
/// set (a late parcel has an estimate but no delivery date, a refund has a return date).
public struct Order: Codable, Sendable, Equatable {
    public var id: String
    /// Index into `World.personas`.
    public var customer: Int
    /// Index into `World.products`.
    public var product: Int
    public var plan: Plan
    public var issue: Scenario
    public var split: Split
    public var ordered: Day
    public var delivered: Day?
    /// The day the customer writes.
    public var today: Day
    /// Late delivery: the original estimate, and the carrier's new one.
    public var expected: Day?
    public var newEstimate: Day?
    /// Refund status: the day the returned item reached the warehouse.
    public var returnReceived: Day?
    /// Wrong item: index of the product that was sent instead.
    public var receivedInstead: Int?
    public var previous: PreviousOrder?
    public var combo: Combo
}

extension World {
    /// Builds one order for a combination, with dates consistent with its issue and policies.
    static func makeOrder(combo: Combo, split: Split, productIndex: Int, customer: Int, products: [Product],
                          policies: Policies, ids: inout Set<String>, rng: inout SeededRandom) -> Order {
        func newID() -> String {
            while true {
                let id = "SD-\(10000 + rng.int(90000))"
                if ids.insert(id).inserted { return id }
            }
        }
        let product = products[productIndex]
        let plan = combo.plan
        var today = Day(40 + rng.int(280))
        var ordered = today
        var delivered: Day? = nil
        var expected: Day? = nil, newEstimate: Day? = nil, returnReceived: Day? = nil
        var receivedInstead: Int? = nil
        let transit = 2 + rng.int(4)
        switch combo.scenario {
        case .returnRequest, .exchange:
            let window = policies.returnWindow(product.category, plan).maxDays
            let d = today + -(1 + rng.int(window - 3))
            delivered = d
            ordered = d + -transit
        case .lateDelivery:
            // The estimate is the order day plus the upper bound of the shipping time.
            ordered = today + -(transit + 6)
            if case .businessDays(_, let hi) = policies.shipping(plan) { expected = ordered.addingBusinessDays(hi) }
            today = expected! + (1 + rng.int(3))
            let lost = expected!.addingBusinessDays(policies.lostAfterBusinessDays)
            newEstimate = min(today + (1 + rng.int(3)), lost + -1)
        case .damagedItem:
            let d = today + -rng.int(policies.damageReportDays - 1)
            delivered = d
            ordered = d + -transit
        case .wrongItem:
            let d = today + -rng.int(5)
            delivered = d
            ordered = d + -transit
            let sameCategory = products.indices.filter { products[$0].category == product.category && $0 != productIndex }
            receivedInstead = rng.pick(sameCategory)
        case .warrantyClaim:
            let coverDays = policies.warranty(product.category)!.maxDays
            let d = today + -(30 + rng.int(coverDays - 60))
            delivered = d
            ordered = d + -transit
        case .refundStatus:
            let r = today + -(1 + rng.int(2))
            returnReceived = r
            delivered = r + -(4 + rng.int(12))
            ordered = delivered! + -transit
        case .cancellation:
            ordered = today + -rng.int(2)
        }
        // Another, older order of the same customer (a distractor for harder prompts).
        var other = rng.int(products.count)
        if other == productIndex { other = (other + 1) % products.count }
        let previous = PreviousOrder(id: newID(), product: other, delivered: ordered + -(20 + rng.int(100)))
        return Order(id: newID(), customer: customer, product: productIndex, plan: plan, issue: combo.scenario,
                     split: split, ordered: ordered, delivered: delivered, today: today, expected: expected,
                     newEstimate: newEstimate, returnReceived: returnReceived, receivedInstead: receivedInstead,
                     previous: previous, combo: combo)
    }
}
