import Core
import Exercises
import Foundation
import RewardModel
import Solutions

/// The functions of Chapter 6's exercises, as one table, so a check can run against the
/// learner's code, the reference, or a deliberately wrong variant.
struct Chapter6Functions {
    var bradleyTerry: ([Float], [Float], [Float]?, Float) throws -> (loss: Float, dChosen: [Float], dRejected: [Float])
    var pairBatch: ([(chosen: [Int], rejected: [Int])], Int) throws -> (ids: [Int], last: [Int])
    var rewardsFromHidden: (Tensor, [Int], Tensor) throws -> [Float]
    var rewardHeadBackward: (Tensor, [Int], Tensor, [Float]) throws -> (head: Tensor, hidden: Tensor)
    var evaluatePairs: ([Float], [Float], [Bool], Int) throws -> PairMetrics

    static var learner: Chapter6Functions { Chapter6Functions(
        bradleyTerry: { try Exercises.bradleyTerryLoss(chosen: $0, rejected: $1, margin: $2, centering: $3) },
        pairBatch: { try Exercises.pairBatch($0, pad: $1) },
        rewardsFromHidden: { try Exercises.rewardsFromHidden($0, lastIndex: $1, head: $2) },
        rewardHeadBackward: { try Exercises.rewardHeadBackward(hidden: $0, lastIndex: $1, head: $2, upstream: $3) },
        evaluatePairs: { try Exercises.evaluatePairs(chosen: $0, rejected: $1, chosenFirst: $2, bins: $3) }) }

    static var reference: Chapter6Functions { Chapter6Functions(
        bradleyTerry: { try Solutions.bradleyTerryLoss(chosen: $0, rejected: $1, margin: $2, centering: $3) },
        pairBatch: { try Solutions.pairBatch($0, pad: $1) },
        rewardsFromHidden: { try Solutions.rewardsFromHidden($0, lastIndex: $1, head: $2) },
        rewardHeadBackward: { try Solutions.rewardHeadBackward(hidden: $0, lastIndex: $1, head: $2, upstream: $3) },
        evaluatePairs: { try Solutions.evaluatePairs(chosen: $0, rejected: $1, chosenFirst: $2, bins: $3) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter6Functions {
        var f = reference
        switch id {
        case "6.1": f.bradleyTerry = { c, r, m, k in  // derivative of −log σ(d) taken as −σ(d) instead of −σ(−d)
            let out = try reference.bradleyTerry(c, r, m, k)
            let n = Float(c.count)
            var dc = out.dChosen, dr = out.dRejected
            for i in c.indices {
                let d = c[i] - r[i] - (m?[i] ?? 0)
                let wrong = -1 / (1 + expf(-d)) / n, right = -1 / (1 + expf(d)) / n
                dc[i] += wrong - right; dr[i] -= wrong - right
            }
            return (out.loss, dc, dr)
        }
        case "6.2": f.pairBatch = { pairs, pad in  // the reward read at each sequence's own last token, count − 1,
            let r = try reference.pairBatch(pairs, pad)  // where the model finds the rightmost non-pad id
            let rows = pairs.map(\.chosen) + pairs.map(\.rejected), t = r.ids.count / max(rows.count, 1)
            return (r.ids, rows.enumerated().map { $0.offset * t + max($0.element.count - 1, 0) })
        }
        case "6.3": f.rewardHeadBackward = { h, last, head, g in  // the head's gradient not summed over rows: the last row's term only
            let out = try reference.rewardHeadBackward(h, last, head, g)
            let (b, t, c) = (h.shape[0], h.shape[1], h.shape[2])
            let base = ((b - 1) * t + last[b - 1]) * c
            for j in 0..<c { out.head[j] = g[b - 1] * h[base + j] }
            return out
        }
        case "6.4": f.evaluatePairs = { c, r, first, n in  // a tie counted as a pair ranked right (r_c ≥ r_r)
            var out = try reference.evaluatePairs(c, r, first, n)
            out.accuracy += Double(zip(c, r).filter { $0 == $1 }.count) / Double(c.count)
            return out
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter6Functions {
        let f: Chapter6Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}
