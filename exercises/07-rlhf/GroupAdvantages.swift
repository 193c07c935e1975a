import Core
import Foundation

/// Exercise 7.4 — GRPO's per-token advantages and loss weights.
///
/// A GRPO batch of B = rewards.count replies: `rewards` holds consecutive groups of
/// `groupSize` replies to the same prompt, and reply i has `lengths[i]` tokens (possibly 0).
/// There is no value model: a reply's advantage is how much better it scored than its own
/// group, and every one of its tokens gets that advantage. The loss is PPO's clipped objective
/// (exercise 7.2) with each token's term multiplied by the token's weight, so the weights
/// decide how much each reply counts.
///
/// - GRPO (`drGRPO` false): the advantage is in units of the group's spread, its sample
///   standard deviation (n − 1, as `torch.std`; a group of one reply has none) with TRL's 1e-4
///   added before dividing. The loss averages each reply's tokens, then the replies, so a token
///   of reply i weighs 1/(B·lengths[i]).
/// - Dr. GRPO (`drGRPO` true): the advantage is not scaled, and every token weighs the same
///   1/(B·maxNewTokens).
///
/// The group statistics are Double, as the rewards; an advantage becomes Float only when it is
/// handed to the tokens, and a weight is computed in Float (B·length first, then 1 over it).
/// Return both flattened, reply after reply: lengths.reduce(0, +) values each. Refuse (throw a
/// `CourseError` that says what is wrong) rewards that do not split into whole groups, or
/// lengths that are not one per reward. The book's "GRPO: no value model" works an example.
public func groupAdvantages(rewards: [Double], groupSize: Int, lengths: [Int], maxNewTokens: Int, drGRPO: Bool) throws
    -> (advantages: [Float], weights: [Float]) {
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.4")
}
