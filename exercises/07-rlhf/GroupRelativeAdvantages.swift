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
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.5")
}
