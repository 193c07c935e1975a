import Core

/// The fictional shop behind every file the course trains on: its catalogue, policies,
/// customers and the orders they write to support about.
///
/// The structure of a world (products, prices, policies, orders, dates, the split) depends only
/// on the seed and size, never on the language; `lang` only chooses how texts are written. So
/// `World.generate(seed: 7, lang: .en, size: .small)` and the same call with `.ja` describe the
/// same shop.
///
/// ## The train / dev / test split
/// Every valid entity combination (product × plan × scenario, where the plan chooses the policy
/// variant and warranty claims exist only for categories with a warranty) belongs to exactly one
/// split. Rule: for each product, its combinations are listed in a fixed order, shuffled with a
/// generator derived from the seed; the first `max(1, n / 8)` are **test**, the next
/// `max(1, n / 8)` are **dev**, the rest **train**. Training orders (SFT, preferences, unpaired,
/// corpus tickets) use only train combinations. Dev prompts are for watching training and for
/// every choice of a setting; test prompts are read only by the final report. Every product, plan
/// and scenario is seen in training, but no dev or test prompt's (product, plan, scenario) triple
/// is, and dev and test share none.
public struct World: Sendable {
    public var seed: UInt64
    public var lang: Language
    public var size: SizePreset
    public var products: [Product]
    public var policies: Policies
    public var personas: [Persona]
    /// Training orders first, then dev orders, then test orders.
    public var orders: [Order]
    /// The held-out combinations (dev and test), sorted.
    public var heldOut: [Combo]
    /// The test combinations, sorted (a subset of `heldOut`).
    public var test: [Combo]
    /// All valid combinations, sorted.
    public var allCombos: [Combo]

    public var shopName: String { lang == .en ? "Kumo Shop" : "くもショップ" }

    public func isHeldOut(_ c: Combo) -> Bool { heldOutSet.contains(c) }
    private var heldOutSet: Set<Combo>

    public func product(id: String) -> Product? { products.first { $0.id == id } }

    /// Generates a world. Same arguments → the same world, bit for bit. A `policyChange` is
    /// applied to the drawn policies before any order is made (its draws come from their own
    /// generator, so the catalogue, the customers and the split are those of the unchanged world).
    public static func generate(seed: UInt64, lang: Language, size: SizePreset, policyChange: PolicyChange? = nil) -> World {
        var root = SeededRandom(seed: seed)
        var catalogueRng = root.split()
        var policyRng = root.split()
        var personaRng = root.split()
        var splitRng = root.split()
        var orderRng = root.split()

        let products = Product.catalogue(rng: &catalogueRng)
        var policies = Policies.generate(rng: &policyRng)
        if let policyChange { policies = policyChange.applied(to: policies) }
        let personaCount = size == .small ? 80 : size == .default ? 400 : 1200
        let personas = Persona.generate(count: personaCount, rng: &personaRng)

        // MARK: book held-out-split
        var all: [Combo] = [], dev: [Combo] = [], test: [Combo] = []
        for p in products {
            var mine: [Combo] = []
            for plan in Plan.allCases {
                for s in policies.scenarios(for: p.category) { mine.append(Combo(product: p.id, plan: plan, scenario: s)) }
            }
            all += mine
            splitRng.shuffle(&mine)
            let k = max(1, mine.count / 8)
            test += mine.prefix(k)
            dev += mine.dropFirst(k).prefix(k)
        }
        // MARK: end
        let heldOutSet = Set(dev + test)
        let training = all.filter { !heldOutSet.contains($0) }

        let counts = size.counts
        var ids = Set<String>()
        var orders: [Order] = []
        let byPlan: [Plan: [Int]] = Dictionary(grouping: personas.indices, by: { personas[$0].plan })
        let productIndex = Dictionary(uniqueKeysWithValues: products.enumerated().map { ($1.id, $0) })
        // Cycle through the combinations in shuffled rounds so every one is used about equally.
        for (split, pool, n) in [(Split.train, training, counts.trainOrders), (Split.dev, dev, counts.dev), (Split.test, test, counts.test)] {
            var round: [Combo] = []
            for _ in 0..<n {
                if round.isEmpty { round = orderRng.shuffled(pool) }
                let combo = round.removeLast()
                let customer = orderRng.pick(byPlan[combo.plan] ?? Array(personas.indices))
                orders.append(makeOrder(combo: combo, split: split, productIndex: productIndex[combo.product]!,
                                        customer: customer, products: products, policies: policies,
                                        ids: &ids, rng: &orderRng))
            }
        }
        return World(seed: seed, lang: lang, size: size, products: products, policies: policies,
                     personas: personas, orders: orders, heldOut: (dev + test).sorted(), test: test.sorted(), allCombos: all.sorted(),
                     heldOutSet: heldOutSet)
    }

    /// The same shop written in another language.
    public func inLanguage(_ other: Language) -> World {
        var w = self
        w.lang = other
        return w
    }
}
