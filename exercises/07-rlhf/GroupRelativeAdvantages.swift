import Core
import Foundation

/// Exercise 7.4 — GRPO's group-relative advantages.
///
/// `rewards` holds consecutive groups of `groupSize` replies to the same prompt. A reply's
/// advantage is how much better it scored than its own group, in units of the group's
/// spread when `scaleByStd` (GRPO; sample standard deviation, with TRL's small constant
/// added before dividing), or unscaled otherwise (Dr. GRPO). The book gives the formula.
///
/// A group of one reply has no spread. Return one advantage per reward, in the same order.
public func groupRelativeAdvantages(rewards: [Double], groupSize: Int, scaleByStd: Bool) throws -> [Double] {
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.4")
}
