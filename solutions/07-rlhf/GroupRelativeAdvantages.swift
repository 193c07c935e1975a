import Core
import Foundation

/// Exercise 7.5 — GRPO's group-relative advantages.
///
/// `rewards` holds consecutive groups of `groupSize` replies to the same prompt. Within each
/// group, with its mean m and its sample standard deviation s (divide by n − 1):
///
///     A_i = (r_i − m) / (s + 1e-4)      when scaleByStd (GRPO)
///     A_i =  r_i − m                    otherwise (Dr. GRPO)
///
/// A group of one reply has s = 0. Return one advantage per reward, in the same order.
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
