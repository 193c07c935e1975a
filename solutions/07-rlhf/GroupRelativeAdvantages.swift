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
    var out: [Double] = []
    for start in stride(from: 0, to: rewards.count, by: groupSize) {
        let group = Array(rewards[start..<min(start + groupSize, rewards.count)])
        let mean = group.reduce(0, +) / Double(group.count)
        var s = 0.0
        if group.count > 1 {
            s = (group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(group.count - 1)).squareRoot()
        }
        out += group.map { scaleByStd ? ($0 - mean) / (s + 1e-4) : $0 - mean }
    }
    return out
}
