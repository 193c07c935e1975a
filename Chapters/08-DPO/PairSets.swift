import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// Which preference pairs a DPO run trains on (`course run dpo --pairs ...`). The held-out pairs
/// the training curves are measured on are the built-in ones in every case, so runs on different
/// pair sets are watched on the same pairs.
public enum PairSet: String, Codable, CaseIterable, Sendable {
    /// The data set's pairs: one flaw written into a good reply (and the safety pairs).
    case builtin
    /// Mirror couples only (`MirrorPairs`): wrong-policy pairs that differ by the plan.
    case mirror
    /// The SFT model's own slot errors, mended (`SlotErrorPairs`).
    case onpolicy
    /// The built-in pairs with their wrong-policy pairs replaced by as many mirror pairs, plus the
    /// on-policy slot-error pairs.
    case all

    var usesMirrors: Bool { self == .mirror || self == .all }
    var usesSlotErrors: Bool { self == .onpolicy || self == .all }
}

/// What a run's pair set holds (written to pairs.json).
public struct PairSetSummary: Codable, Sendable {
    public var pairs: PairSet
    /// Training pairs by source: built-in (by flaw), mirror, on-policy.
    public var builtIn: [String: Int] = [:]
    public var mirror = 0
    public var onPolicy = 0
    public var slotErrors: SlotErrorPairs.Stats?
    /// Whether the loss reads only the tokens where a mirror or on-policy pair's replies differ.
    public var editedTokensOnly = false
}

extension PairSet {
    // MARK: book pair-sets
    /// The training pairs of this set: `offline` are scored on every reply token; `designed`
    /// (mirror and on-policy pairs, whose replies differ only at a value) may be scored on the
    /// edited tokens alone. `builtIn` is the training part of the built-in pairs.
    func assemble(builtIn: [PreferenceExample], mirrors: () -> [PreferencePair], slotErrors: () -> [PreferenceExample])
        -> (offline: [PreferenceExample], designed: [PreferenceExample]) {
        switch self {
        case .builtin: return (builtIn, [])
        case .mirror: return ([], mirrors().map(PreferenceExample.init))
        case .onpolicy: return ([], slotErrors())
        case .all:
            // The built-in wrong-policy pairs contradict each other across plans; mirror pairs
            // take their place, as many of them, and the model's own slot errors come on top.
            let kept = builtIn.filter { $0.flaw != Flaw.wrongPolicy.rawValue }
            let mirror = mirrors().prefix((builtIn.count - kept.count) / 2 * 2).map(PreferenceExample.init)   // whole couples
            return (kept, mirror + slotErrors())
        }
    }
    // MARK: end
}

/// The token ranges where two completions differ: from the first token that differs to the last
/// one (found from the end). Nil when either range would be empty (one reply only adds tokens):
/// such a pair is scored on every token.
public func editedRanges(_ a: [Int], _ b: [Int]) -> (Range<Int>, Range<Int>)? {
    var p = 0
    while p < a.count, p < b.count, a[p] == b[p] { p += 1 }
    var q = 0
    while q < a.count - p, q < b.count - p, a[a.count - 1 - q] == b[b.count - 1 - q] { q += 1 }
    let ra = p..<(a.count - q), rb = p..<(b.count - q)
    return ra.isEmpty || rb.isEmpty ? nil : (ra, rb)
}

extension ReferenceLogProbs {
    /// Narrows each prepared pair's scored tokens to those where its two replies differ.
    static func restrictToEdits(_ pairs: [PreparedPair]) -> [PreparedPair] {
        pairs.map { p in
            var p = p
            if let (c, r) = editedRanges(p.chosen.completion, p.rejected.completion) { (p.chosen.scored, p.rejected.scored) = (c, r) }
            return p
        }
    }
}
