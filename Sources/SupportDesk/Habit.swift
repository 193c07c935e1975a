/// A habit of the agents who wrote SupportDesk's past tickets, which the company's guidelines
/// (the grader) now forbid. SFT learns from past tickets, so it learns the habits too; the
/// preference data (written against the guidelines) and the grader say what is better. This is
/// the situation RLHF and DPO were made for: demonstrations that are mostly right, with
/// systematic flaws that imitation copies and a judgement of "better" can remove.
///
/// A habit belongs to a scenario, so a model can tell when it applies: when most past replies in
/// a scenario show it, greedy decoding reproduces it (a flaw spread thinly at random over all
/// replies would be averaged away instead; see Chapter 3's data-quality study).
public struct Habit: Sendable, Equatable {
    public var flaw: Flaw
    /// For `.missingMove`: the move the habit leaves out.
    public var missing: Move?

    /// The share of past replies in a habit's scenario that show it.
    public static let share = 0.7

    /// Late deliveries: promising a date nobody can guarantee. Warranty claims: a curt opening
    /// and closing. Exchanges: stopping after the procedure, without the reassuring close.
    public static func of(_ scenario: Scenario) -> Habit? {
        switch scenario {
        case .lateDelivery: Habit(flaw: .overPromise)
        case .warrantyClaim: Habit(flaw: .coldTone)
        case .exchange: Habit(flaw: .missingMove, missing: .close)
        default: nil
        }
    }
}
