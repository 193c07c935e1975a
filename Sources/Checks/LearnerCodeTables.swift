import Autograd
import Core
import DPO
import Exercises
import Foundation
import RLHF
import Solutions

/// What `course run CHAPTER --mine` plugs into the chapters: the learner's functions (or, for
/// the tests, the reference solutions), keyed by the kit function they replace, with its type.
/// Every chapter's run is listed; chapters 2–6 and 9 say beside their list which of their
/// exercises the run never calls, and so cannot plug in. Chapters 2–6 and 9 are in
/// `LearnerCodeTables+Chain.swift`.
extension Catalogue {
    /// Chapter → the exercises whose code the chapter's run uses under `--mine`.
    public static let pluggable: [Int: [String]] = [
        1: ["1.1", "1.2", "1.5"],           // the scalar engine's whole backward and its tanh; the backward of the tensor
                                            // engine's +, −, ·, ÷ (the loss's product) and of the biases; the
                                            // gradient check before training
        // 2.6 (the load plan) is not on the path: the run saves its model and loads one only with --resume.
        // 1.4 is chapter 1's: pretraining takes every optimiser step (global clipping, AdamW) with it.
        // 1.3 (layer norm) is not plugged in: the kit's kernel sums each row in eight lanes, so a plain
        // loop gives other last bits, and the run would no longer reproduce the kit's numbers exactly.
        2: ["1.4", "2.1", "2.2", "2.3", "2.4", "2.5"],   // every round of the tokenizer's training, the mask of every attention
                                                  // (the fused kernel's in training and sampling, the figure's),
                                                  // every head's attention in training, the samples' KV-cache steps
                                                  // and every sampled token
        3: ["3.1", "3.2", "3.3", "3.4", "3.5"],   // the padded rows (held-out loss) and their targets, the chat
                                                  // template's ids and flags (training examples, generation prompts),
                                                  // the SFT loss and its gradient, packed rows, the leakage check of
                                                  // the dev and test prompts
        // 4.3 (merge) is not on the path: the LoRA run never merges. Chapter 9's evaluation does, but
        // a merge in loops rounds otherwise than BLAS and moves its recorded numbers in the last bits;
        // 4.4 (DoRA): the run trains no DoRA adapter.
        4: ["4.1", "4.2", "4.5"],           // the adapted layers' forward and A, B gradients; which layers adapt
        5: ["5.1", "5.2", "5.3", "5.4"],    // NF4 quantisation, the 4-bit weight read back, double quantisation,
                                            // storage bits and the memory-at-scale table's plan
        6: ["6.1", "6.2", "6.3", "6.4"],    // the Bradley–Terry loss and gradient, every training step's pair batch and its
                                            // last tokens, the reward head's rewards and gradients, every held-out
                                            // evaluation (the eval_ columns, the probabilities, calibration)
        7: ["7.1", "7.2", "7.3", "7.4"],    // PPO's rewards, advantages (GAE and whitening), β, and its clipped
                                            // losses and their gradients; GRPO's per-token advantages and
                                            // weights, and its clipped policy loss
        8: ["8.1", "8.2", "8.3", "8.4"],    // the sequence log-probabilities and their gradient, DPO's loss and its
                                            // gradient, IPO's and SimPO's losses and their gradients (only runs that
                                            // train them), KTO's loss and its gradient (only runs that train KTO)
        9: ["9.1", "9.2", "9.3", "9.4"],    // intervals, win rates, pass@k, the contamination count
    ]

    /// Exercises that only some runs of a chapter call (exercise → those runs' folders under
    /// runs/): `--mine` asks for them only when one of those runs trains. IPO and SimPO train in
    /// `--loss ipo` and `--loss simpo`, KTO in `--loss kto`, and all three in the comparison of
    /// every loss (`--loss all`).
    public static let variantOnly: [String: [String]] = ["8.3": ["dpo/ipo", "dpo/simpo", "dpo/compare"],
                                                         "8.4": ["dpo/kto", "dpo/compare"]]

    /// The exercises whose code a run of `stage` (its folder under runs/, e.g. `dpo/kto-lora`)
    /// trains on under `--mine`, and which must pass before it starts.
    public static func pluggable(chapter: Int, stage: String) -> [String] {
        (pluggable[chapter] ?? []).filter { id in
            variantOnly[id].map { $0.contains { stage == $0 || stage.hasPrefix($0 + "-") } } ?? true
        }
    }

    /// The table for `chapter` from the learner's code (`.learner`) or the solutions
    /// (`.reference`). A function that throws during the run stops it with the exercise's id:
    /// the checks passed, so that is a case they did not cover.
    public static func learnerCode(chapter: Int, flavor: Flavor) -> LearnerCode.Table {
        let mine = flavor == .learner
        switch chapter {
        case 1:
            let backward: ScalarBackwardFunction = { root in
                must("1.1") { mine ? try Exercises.backward(from: root) : try Solutions.backward(from: root) }
            }
            let tanh: TanhNodeFunction = { x in must("1.1") { mine ? try Exercises.tanhNode(x) : try Solutions.tanhNode(x) } }
            let broadcast: BroadcastBackwardFunction = { op, a, b, g in
                must("1.2") { mine ? try Exercises.broadcastBackward(op, a: a, b: b, upstream: g) : try Solutions.broadcastBackward(op, a: a, b: b, upstream: g) }
            }
            let check: GradientCheckFunction = { f, x, a, eps, floor, tol in
                must("1.5") { mine ? try Exercises.gradientCheck(of: f, at: x, analytic: a, eps: eps, floor: floor, tolerance: tol)
                                   : try Solutions.gradientCheck(of: f, at: x, analytic: a, eps: eps, floor: floor, tolerance: tol) }
            }
            return LearnerCode.Table(["backward": backward, "tanh": tanh, "broadcastBackward": broadcast, "gradientCheck": check])
        case 7:
            let gae: GAEBatchFunction = { r, v, g, l in
                must("7.1") { mine ? try Exercises.batchAdvantages(rewards: r, values: v, gamma: g, lambda: l)
                                   : try Solutions.batchAdvantages(rewards: r, values: v, gamma: g, lambda: l) }
            }
            let rewards: KLRewardsFunction = { lp, ref, s, b, k3 in
                must("7.3") { mine ? try Exercises.klShapedRewards(logProbs: lp, refLogProbs: ref, score: s, beta: b, useK3: k3)
                                   : try Solutions.klShapedRewards(logProbs: lp, refLogProbs: ref, score: s, beta: b, useK3: k3) }
            }
            let beta: AdaptiveKLFunction = { b, kl, t, h, n in
                must("7.3") { mine ? try Exercises.adaptiveKLUpdate(beta: b, observedKL: kl, target: t, horizon: h, steps: n)
                                   : try Solutions.adaptiveKLUpdate(beta: b, observedKL: kl, target: t, horizon: h, steps: n) }
            }
            let group: GroupAdvantagesFunction = { r, g, l, m, dr in
                must("7.4") { mine ? try Exercises.groupAdvantages(rewards: r, groupSize: g, lengths: l, maxNewTokens: m, drGRPO: dr)
                                   : try Solutions.groupAdvantages(rewards: r, groupSize: g, lengths: l, maxNewTokens: m, drGRPO: dr) }
            }
            let policyLoss: PPOLossFunction = { lp, old, a, w, c in
                must("7.2") { mine ? try Exercises.clippedPolicyLoss(logProbs: lp, oldLogProbs: old, advantages: a, weights: w, clip: c)
                                   : try Solutions.clippedPolicyLoss(logProbs: lp, oldLogProbs: old, advantages: a, weights: w, clip: c) }
            }
            let valueLoss: PPOLossFunction = { v, old, r, w, c in
                must("7.2") { mine ? try Exercises.clippedValueLoss(values: v, oldValues: old, returns: r, weights: w, clip: c)
                                   : try Solutions.clippedValueLoss(values: v, oldValues: old, returns: r, weights: w, clip: c) }
            }
            return LearnerCode.Table(["gaeBatch": gae, "klRewards": rewards, "adaptiveKL": beta, "groupAdvantages": group,
                                      "ppoPolicyLoss": policyLoss, "ppoValueLoss": valueLoss])
        case 8:
            let dpo: DPOLossFunction = { pc, pr, rc, rr, beta, eps in
                must("8.2") { mine ? try Exercises.dpoLoss(policyChosen: pc, policyRejected: pr, referenceChosen: rc, referenceRejected: rr, beta: beta, labelSmoothing: eps)
                                   : try Solutions.dpoLoss(policyChosen: pc, policyRejected: pr, referenceChosen: rc, referenceRejected: rr, beta: beta, labelSmoothing: eps) }
            }
            let logProbs: SequenceLogProbsFunction = { l, t, m in
                must("8.1") { mine ? try Exercises.sequenceLogProbs(logits: l, targets: t, mask: m) : try Solutions.sequenceLogProbs(logits: l, targets: t, mask: m) }
            }
            let logProbsBackward: SequenceLogProbsBackwardFunction = { l, t, m, g in
                must("8.1") { mine ? try Exercises.sequenceLogProbsBackward(logits: l, targets: t, mask: m, upstream: g)
                                   : try Solutions.sequenceLogProbsBackward(logits: l, targets: t, mask: m, upstream: g) }
            }
            let kto: KTOLossFunction = { p, r, l, pk, rk, beta, wd, wu in
                must("8.4") { mine ? try Exercises.ktoLoss(policy: p, reference: r, labels: l, policyKL: pk, referenceKL: rk, beta: beta,
                                                           desirableWeight: wd, undesirableWeight: wu)
                                   : try Solutions.ktoLoss(policy: p, reference: r, labels: l, policyKL: pk, referenceKL: rk, beta: beta,
                                                           desirableWeight: wd, undesirableWeight: wu) }
            }
            let ipo: IPOLossFunction = { pc, pr, rc, rr, nc, nr, beta in
                must("8.3") { mine ? try Exercises.ipoLoss(policyChosen: pc, policyRejected: pr, referenceChosen: rc, referenceRejected: rr,
                                                           chosenCounts: nc, rejectedCounts: nr, beta: beta)
                                   : try Solutions.ipoLoss(policyChosen: pc, policyRejected: pr, referenceChosen: rc, referenceRejected: rr,
                                                           chosenCounts: nc, rejectedCounts: nr, beta: beta) }
            }
            let simpo: SimPOLossFunction = { pc, pr, nc, nr, beta, gamma in
                must("8.3") { mine ? try Exercises.simpoLoss(policyChosen: pc, policyRejected: pr, chosenCounts: nc, rejectedCounts: nr,
                                                             beta: beta, gamma: gamma)
                                   : try Solutions.simpoLoss(policyChosen: pc, policyRejected: pr, chosenCounts: nc, rejectedCounts: nr,
                                                             beta: beta, gamma: gamma) }
            }
            return LearnerCode.Table(["sequenceLogProbs": logProbs, "sequenceLogProbsBackward": logProbsBackward, "dpoLoss": dpo,
                                      "ipoLoss": ipo, "simpoLoss": simpo, "ktoLoss": kto])
        default:
            return chainTable(chapter: chapter, mine: mine)
        }
    }

    /// Runs an exercise's function during a run: the checks passed, so an error it throws is a
    /// case they did not cover, and the run stops naming the exercise.
    static func must<T>(_ id: String, _ body: () throws -> T) -> T {
        do { return try body() } catch { fatalError("exercise \(id) threw \(error) during the run") }
    }
}
