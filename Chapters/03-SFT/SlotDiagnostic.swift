import Autograd
import Core
import Foundation
import SupportDesk
import Transformer

// MARK: book slot-diagnostic
/// Why does a model invent a date? Look at the moment it writes one. Feed the model a prompt
/// and its reference reply (teacher forcing), find each fact's *slot* — the tokens of the reply
/// where a value from the facts block must be copied ("...returned until |September 13|") — and
/// read what the model predicted there:
///   - P(value): the probability of the whole correct value, token after token, given the
///     correct text before it;
///   - copied: whether every token of the value is the model's top choice, i.e. whether greedy
///     decoding, having written the reply so far, would copy the value right;
///   - rank: the worst rank of a correct token inside the value (1 = top choice).
/// One forward pass per reply, no sampling, so it is cheap and exact.
public enum SlotDiagnostic {
    public enum FactKind: String, CaseIterable, Codable, Sendable {
        case orderID = "order id", product, date, amount, policy = "policy number"
    }

    /// The kind of a required fact, from its name and value.
    public static func kind(of f: Fact) -> FactKind {
        if f.isPolicy { return .policy }
        switch f.name {
        case "order_id": return .orderID
        case "product", "received": return .product
        case "amount": return .amount
        default: return .date        // delivered, until, return_received, new_estimate, lost_by, ...
        }
    }

    public struct Slot: Codable, Sendable {
        public var item: String
        public var kind: FactKind
        public var value: String
        /// Reply tokens the value covers (the first may start with the space before it).
        public var tokens: Int
        public var valueProbability: Double
        public var copied: Bool
        public var worstRank: Int
        /// The model's top choice at each of the value's tokens (given the correct ones before it).
        public var predicted: String
    }

    public struct Summary: Codable, Sendable {
        public var kind: FactKind
        public var slots: Int
        /// Share of slots greedy decoding copies right.
        public var copied: Double
        public var meanValueProbability: Double
        public var medianWorstRank: Double
    }

    /// Slots of every required fact of `items` whose value appears in the reference reply.
    public static func measure(_ model: GPT, _ template: ChatTemplate, items: [EvalItem]) -> [Slot] {
        var out: [Slot] = []
        let v = model.config.vocabSize
        for item in items {
            guard let located = locate(item, template), located.ids.count <= model.config.contextLength else { continue }
            let ids = located.ids
            let logProbs = noGrad { model.logits(Array(ids.dropLast()), batch: 1).value.logSoftmax() }   // [1, T-1, V]
            for (fact, range) in located.slots {
                var logP = 0.0, worst = 1, copied = true, top: [Int] = []
                for k in range {
                    let row = (k - 1) * v                 // position k-1 predicts token k
                    let target = logProbs.data[row + ids[k]]
                    var rank = 1
                    var best = 0
                    for j in 0..<v {
                        if logProbs.data[row + j] > target { rank += 1 }
                        if logProbs.data[row + j] > logProbs.data[row + best] { best = j }
                    }
                    top.append(best)
                    logP += Double(target)
                    worst = max(worst, rank)
                    if rank > 1 { copied = false }
                }
                out.append(Slot(item: item.id, kind: kind(of: fact), value: fact.value, tokens: range.count,
                                valueProbability: exp(logP), copied: copied, worstRank: worst,
                                predicted: template.tokenizer.decode(top)))
            }
        }
        return out
    }

    /// The conversation's token ids, and for each required fact found in the reference reply
    /// the token positions of its first occurrence there.
    static func locate(_ item: EvalItem, _ template: ChatTemplate) -> (ids: [Int], slots: [(Fact, Range<Int>)])? {
        guard let reply = item.reference.last?.content else { return nil }
        let e = template.encode(item.prompt + item.reference)
        guard let replyStart = e.trainable.firstIndex(of: true) else { return nil }
        // Byte offset where each reply token ends: token i covers bytes ends[i-1]..<ends[i].
        let replyIDs = template.tokenizer.encode(reply, allowSpecial: false)
        var ends: [Int] = [], offset = 0
        for id in replyIDs { offset += template.tokenizer.decodeBytes([id]).count; ends.append(offset) }
        let bytes = Array(reply.utf8)
        var slots: [(Fact, Range<Int>)] = []
        for fact in item.truth.required {
            guard let start = firstOccurrence(of: Array(fact.value.utf8), in: bytes) else { continue }
            let end = start + fact.value.utf8.count
            // Tokens whose byte span overlaps start..<end.
            let first = ends.firstIndex { $0 > start }!, last = ends.firstIndex { $0 >= end }!
            slots.append((fact, (replyStart + first)..<(replyStart + last + 1)))
        }
        return (e.ids, slots)
    }

    static func firstOccurrence(of needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= hay.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    public static func summarise(_ slots: [Slot]) -> [Summary] {
        FactKind.allCases.compactMap { k in
            let s = slots.filter { $0.kind == k }
            guard !s.isEmpty else { return nil }
            let ranks = s.map { Double($0.worstRank) }.sorted()
            return Summary(kind: k, slots: s.count, copied: Double(s.filter(\.copied).count) / Double(s.count),
                           meanValueProbability: s.map(\.valueProbability).reduce(0, +) / Double(s.count),
                           medianWorstRank: ranks[ranks.count / 2])
        }
    }
}
// MARK: end
