/// What a Chapter 8 run trains with: a loss, and the pairs it needs.
public enum DPOVariant: String, Codable, CaseIterable, Sendable {
    case sigmoid, ipo, hinge, robust, simpo, orpo
    /// DPO (sigmoid) plus an SFT term on the chosen replies (TRL's `rpo_alpha`).
    case rpo
    /// KTO, on unpaired replies labelled good or bad.
    case kto
    /// DPO (sigmoid) on pairs of the SFT model's own sampled replies, ranked by the grader
    /// (see `SelfGeneratedPairs`).
    case `self`
    /// DPO (sigmoid) on the offline pairs plus the SFT model's greedy replies against their
    /// mended copies (see `CorrectionPairs`).
    case mended

    /// The pairwise loss (nil for KTO, which has no pairs).
    public var pairLoss: PreferenceLoss? {
        switch self {
        case .rpo, .self, .mended: .sigmoid
        case .kto: nil
        default: PreferenceLoss(rawValue: rawValue)
        }
    }

    /// The data it trains on.
    public enum Pairs: Sendable { case offline, unpaired, selfGenerated, offlineAndMended }
    public var pairs: Pairs {
        switch self {
        case .kto: .unpaired
        case .self: .selfGenerated
        case .mended: .offlineAndMended
        default: .offline
        }
    }

    /// Whether the learner's own data file can stand in for the built-in pairs (self and mended
    /// make theirs from the SFT model's replies to the built-in prompts).
    public var takesDataFile: Bool { self != .self && self != .mended }

    /// TRL's defaults (β 0.1), except where a loss needs its own: robust DPO needs ε > 0 to
    /// differ from sigmoid; SimPO's β multiplies per-token averages, and with TRL's 0.1 the
    /// loss barely moves, so it gets the SimPO paper's scale (β 2, γ = β/2).
    public var lossSettings: LossSettings {
        var ls = LossSettings()
        if self == .robust { ls.labelSmoothing = 0.1 }
        if self == .simpo { ls.beta = 2; ls.simpoGamma = 1 }
        if self == .rpo { ls.rpoAlpha = 1 }   // the RPO paper's α, which TRL's documentation suggests
        return ls
    }
}
