import Autograd
import Core
import Foundation

/// The pairwise preference losses, as TRL defines them (`DPOTrainer` loss types "sigmoid",
/// "ipo", "hinge", "robust"; `CPOTrainer` with "simpo"; `ORPOTrainer`). KTO, which learns from
/// unpaired examples, is in `KTOLoss.swift`.
public enum PreferenceLoss: String, CaseIterable, Codable, Sendable {
    case sigmoid, ipo, hinge, robust, simpo, orpo

    /// SimPO and ORPO need no reference model: their "rewards" are the policy's own average
    /// log-probabilities.
    public var needsReference: Bool { self != .simpo && self != .orpo }
}

/// The hyperparameters, with TRL's defaults.
public struct LossSettings: Codable, Sendable, Equatable {
    /// β: the strength of the KL-style anchor (DPO family), the scale of SimPO's reward, and
    /// ORPO's λ (TRL's `ORPOConfig.beta`).
    public var beta: Float = 0.1
    /// ε: the assumed share of flipped labels, for cDPO (`sigmoid` with ε > 0) and `robust`.
    public var labelSmoothing: Float = 0
    /// γ: SimPO's target margin, inside the sigmoid: −log σ(β·Δavg − γ).
    public var simpoGamma: Float = 0.5
    /// α: weight of an SFT term on the chosen replies added to the DPO-family losses (TRL's
    /// `rpo_alpha`, from RPO, Pang et al. 2024): loss + α · NLL(chosen), the NLL averaged over
    /// chosen tokens. It keeps the chosen replies likely while the margin grows; 0 turns it off.
    public var rpoAlpha: Float = 0
    /// λ of DPOP (Pal et al. 2024, "Smaug"): the sigmoid, hinge and robust losses' margin loses
    /// λ · max(0, log π_ref(c) − log π(c)), so a step that lowers the chosen reply below the
    /// reference costs more than the gap it wins. nil or 0: off. (Optional so that settings
    /// written before it existed keep their fingerprint.)
    public var dpopLambda: Float? = nil
    /// A control, not a preference loss: train only the SFT loss on the chosen replies (the
    /// rejected ones are still read, so the logged rewards show what plain SFT does to the gap).
    public var sftOnly: Bool? = nil
    public init(beta: Float = 0.1, labelSmoothing: Float = 0, simpoGamma: Float = 0.5, rpoAlpha: Float = 0) {
        (self.beta, self.labelSmoothing, self.simpoGamma, self.rpoAlpha) = (beta, labelSmoothing, simpoGamma, rpoAlpha)
    }
}

/// Sequence log-probabilities of a batch of B pairs: the policy's (with a graph) and the
/// frozen reference model's (plain numbers, computed once), plus the number of completion
/// tokens of each reply (for per-token averages).
public struct PairLogProbs {
    public var policyChosen: Variable      // [B] Σ log π(chosen tokens)
    public var policyRejected: Variable    // [B]
    public var referenceChosen: [Float]    // [B] Σ log π_ref(chosen tokens); empty if not needed
    public var referenceRejected: [Float]
    public var chosenCounts: [Int]
    public var rejectedCounts: [Int]
    public init(policyChosen: Variable, policyRejected: Variable, referenceChosen: [Float], referenceRejected: [Float],
                chosenCounts: [Int], rejectedCounts: [Int]) {
        (self.policyChosen, self.policyRejected, self.referenceChosen) = (policyChosen, policyRejected, referenceChosen)
        (self.referenceRejected, self.chosenCounts, self.rejectedCounts) = (referenceRejected, chosenCounts, rejectedCounts)
    }
}

/// The loss (mean over the batch) and the implicit rewards TRL logs (rewards/chosen,
/// rewards/rejected: one per pair, detached).
public struct LossOutput {
    public var loss: Variable
    public var chosenRewards: [Float]
    public var rejectedRewards: [Float]
}

func constant(_ x: [Float]) -> Variable { Variable(Tensor([x.count], x)) }

extension PairLogProbs {
    /// The SFT loss on the chosen replies: −Σ log π(chosen tokens) / (chosen tokens in the
    /// batch), a scalar. ORPO's first term and RPO's extra one.
    var chosenNLL: Variable {
        -policyChosen.sum() * (1 / Float(max(chosenCounts.reduce(0, +), 1)))
    }
}

extension PreferenceLoss {
    public func callAsFunction(_ x: PairLogProbs, _ s: LossSettings = .init()) -> LossOutput {
        var out = pairwise(x, s)
        if s.sftOnly == true { out.loss = x.chosenNLL; return out }   // the same-budget SFT control
        // MARK: book rpo-term
        // RPO (α > 0, the losses with a reference): plus α times the SFT loss on the chosen
        // replies, which holds their likelihood up while the margin grows.
        if s.rpoAlpha > 0 && needsReference { out.loss = out.loss + s.rpoAlpha * x.chosenNLL }
        // MARK: end
        return out
    }

    func pairwise(_ x: PairLogProbs, _ s: LossSettings) -> LossOutput {
        KitAnswer.used("PreferenceLoss", answers: "8.2 8.3")
        let beta = s.beta, eps = s.labelSmoothing
        let dpop = s.dpopLambda ?? 0
        if self == .sigmoid || self == .robust, dpop == 0, let mine = LearnerCode.function("dpoLoss", as: DPOLossFunction.self) {
            // Robust DPO is the smoothed loss with a negative ε (see `robustAsSmoothing`).
            return Self.learnerSigmoid(x, beta: beta, labelSmoothing: self == .sigmoid ? eps : LossSettings.robustAsSmoothing(eps), mine)
        }
        if self == .ipo, let mine = LearnerCode.function("ipoLoss", as: IPOLossFunction.self) {
            return Self.learnerLengthNormalised(x, s, ipo: mine, simpo: nil)
        }
        if self == .simpo, eps == 0, let mine = LearnerCode.function("simpoLoss", as: SimPOLossFunction.self) {
            return Self.learnerLengthNormalised(x, s, ipo: nil, simpo: mine)
        }
        // Per-token averages (IPO, SimPO, ORPO): divide each sum by its completion length.
        let invC = constant(x.chosenCounts.map { 1 / Float(max($0, 1)) })
        let invR = constant(x.rejectedCounts.map { 1 / Float(max($0, 1)) })
        switch self {
        // MARK: book dpo-loss
        case .sigmoid, .hinge, .robust:
            // Δ = (log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r)): how much more the policy
            // has raised the chosen reply than the rejected one, relative to the reference.
            let chosenRatio = x.policyChosen - constant(x.referenceChosen)        // [B]
            let rejectedRatio = x.policyRejected - constant(x.referenceRejected)  // [B]
            var logits = beta * (chosenRatio - rejectedRatio)                   // β·Δ
            // DPOP: minus βλ·max(0, log π_ref(c) − log π(c)) when the chosen reply fell below the reference.
            if dpop > 0 { logits = logits - (beta * dpop) * (-chosenRatio).relu() }
            let losses: Variable
            switch self {
            case .sigmoid:   // −log σ(βΔ); with ε > 0: cDPO, −(1−ε) log σ(βΔ) − ε log σ(−βΔ)
                losses = -(1 - eps) * logits.logSigmoid() - eps * (-logits).logSigmoid()
            case .hinge:     // relu(1 − βΔ): SLiC's hinge, zero once the margin reaches 1/β
                losses = (-logits + 1).relu()
            default:         // robust DPO: unbiased under label noise ε
                losses = (-(1 - eps) * logits.logSigmoid() + eps * (-logits).logSigmoid()) * (1 / (1 - 2 * eps))
            }
            // Implicit rewards r = β (log π − log π_ref), logged as TRL does.
            return LossOutput(loss: losses.mean(), chosenRewards: (beta * chosenRatio).value.array,
                              rejectedRewards: (beta * rejectedRatio).value.array)
        // MARK: end
        // MARK: book ipo-loss
        case .ipo:
            // IPO regresses the per-token averaged log-ratio gap onto 1/(2β) instead of pushing
            // it to infinity: (Δavg − 1/(2β))².
            let chosenRatio = (x.policyChosen - constant(x.referenceChosen)) * invC
            let rejectedRatio = (x.policyRejected - constant(x.referenceRejected)) * invR
            let losses = (chosenRatio - rejectedRatio - 1 / (2 * beta)).square()
            return LossOutput(loss: losses.mean(), chosenRewards: (beta * chosenRatio).value.array,
                              rejectedRewards: (beta * rejectedRatio).value.array)
        // MARK: end
        // MARK: book simpo-loss
        case .simpo:
            // SimPO: no reference; the reward is the average log-probability, and chosen must
            // beat rejected by a margin γ: −log σ(β (avg_c − avg_r) − γ).
            let avgC = x.policyChosen * invC, avgR = x.policyRejected * invR
            let logits = beta * (avgC - avgR) - s.simpoGamma
            let losses = -(1 - eps) * logits.logSigmoid() - eps * (-logits).logSigmoid()
            return LossOutput(loss: losses.mean(), chosenRewards: (beta * avgC).value.array,
                              rejectedRewards: (beta * avgR).value.array)
        // MARK: end
        // MARK: book orpo-loss
        case .orpo:
            // ORPO: the SFT loss on chosen, plus λ times a log-odds-ratio penalty, with average
            // log-probs p: odds = p / (1 − p), log odds = log p − log(1 − p).
            let avgC = x.policyChosen * invC, avgR = x.policyRejected * invR
            let logOdds = (avgC - avgR) - (avgC.log1mexp() - avgR.log1mexp())
            let ratio = logOdds.logSigmoid()                                     // [B]
            return LossOutput(loss: x.chosenNLL - beta * ratio.mean(), chosenRewards: (beta * avgC).value.array,
                              rejectedRewards: (beta * avgR).value.array)
        // MARK: end
        }
    }
}

extension Variable {
    /// Where `log1mexp` switches form: x ≈ ln ½ = −ln 2 (Mächler, "Accurately computing
    /// log(1 − exp(−|a|))", 2012). Above it eˣ > ½ and 1 − eˣ cancels, so log(−expm1(x)) is the
    /// accurate form; below it log1p(−eˣ) is. (The rounded −0.693 the kit has always used.)
    static let log1mexpSwitch: Float = -0.693

    /// log(1 − eˣ) for x < 0 (the log-probability of "not this"), computed without cancellation:
    /// log(−expm1(x)) near 0, log1p(−eˣ) further out. d/dx = −eˣ / (1 − eˣ).
    public func log1mexp() -> Variable {
        let x = value
        let y = x.map { v in
            v > Self.log1mexpSwitch ? Foundation.log(-Foundation.expm1(v)) : Foundation.log1p(-Foundation.exp(v))
        }
        return Variable(y, parents: [self], name: "log1mexp") { [self] g in
            let d = Tensor(zeros: x.shape)
            for i in 0..<x.count { d[i] = g[i] * (-1 / Foundation.expm1(-x[i])) }
            self.accumulate(d)
        }
    }
}
