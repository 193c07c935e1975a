import Core

/// The shop's policies. Values are drawn per world from small menus of realistic numbers, so a
/// model has to read them from the facts block (a different seed is a different shop), and the
/// two plans give each category two policy variants.
public struct Policies: Codable, Sendable, Equatable {
    /// Return (and exchange) window in days for Standard members, per category (`Category.allCases` order).
    public var returnDays: [Int]
    /// Extra return days for Plus members.
    public var plusExtraDays: Int
    /// Warranty in months per category; 0 means the category has no warranty.
    public var warrantyMonths: [Int]
    /// Per plan (`Plan.allCases` order): delivery time, refund time, replacement dispatch, repair time.
    public var shipping: [Span]
    public var refund: [Span]
    public var replacement: [Span]
    public var repair: [Span]
    /// Damage must be reported within this many days of delivery.
    public var damageReportDays: Int
    /// A parcel this many business days past its estimate counts as lost (replacement or refund).
    public var lostAfterBusinessDays: Int

    public func returnWindow(_ c: Category, _ p: Plan) -> Span {
        .days(returnDays[c.index] + (p == .plus ? plusExtraDays : 0))
    }
    public func warranty(_ c: Category) -> Span? {
        warrantyMonths[c.index] > 0 ? .months(warrantyMonths[c.index]) : nil
    }
    public func shipping(_ p: Plan) -> Span { shipping[p.index] }
    public func refund(_ p: Plan) -> Span { refund[p.index] }
    public func replacement(_ p: Plan) -> Span { replacement[p.index] }
    public func repair(_ p: Plan) -> Span { repair[p.index] }
    public var damageReport: Span { .days(damageReportDays) }

    /// Which scenarios can happen for a category (no warranty claims where there is no warranty).
    public func scenarios(for c: Category) -> [Scenario] {
        Scenario.allCases.filter { $0 != .warrantyClaim || warrantyMonths[c.index] > 0 }
    }

    static func generate(rng: inout SeededRandom) -> Policies {
        let returnMenus: [[Int]] = [[14, 30], [30, 45], [30, 45, 60], [30, 60], [30, 45], [14, 30]]
        let warrantyMenus: [[Int]] = [[12, 24], [12, 24], [12], [0], [24, 36], [0]]
        let returnDays = returnMenus.map { rng.pick($0) }
        let plusExtraDays = rng.pick([15, 30])
        let warrantyMonths = warrantyMenus.map { rng.pick($0) }
        let shipping: Span = rng.pick([.businessDays(3, 5), .businessDays(4, 6)])
        let refund: [Span] = [rng.pick([.businessDays(5, 7), .businessDays(7, 10)]),
                              rng.pick([.businessDays(2, 4), .businessDays(3, 5)])]
        let replace = rng.pick([2, 3])
        let repair = [rng.pick([10, 14]), rng.pick([5, 7])]
        return Policies(
            returnDays: returnDays,
            plusExtraDays: plusExtraDays,
            warrantyMonths: warrantyMonths,
            shipping: [shipping, .businessDays(1, 2)],
            refund: refund,
            replacement: [.businessDays(replace, replace), .businessDays(1, 1)],
            repair: repair.map { .businessDays($0, $0) },
            damageReportDays: rng.pick([7, 14]),
            lostAfterBusinessDays: rng.pick([5, 7]))
    }
}

extension Plan {
    var index: Int { self == .standard ? 0 : 1 }

    public func name(_ lang: Language) -> String {
        switch (self, lang) {
        case (.standard, .en): return "Standard member"
        case (.plus, .en): return "Plus member"
        case (.standard, .ja): return "通常会員"
        case (.plus, .ja): return "プラス会員"
        }
    }
}
