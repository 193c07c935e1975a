import Autograd
import Core
import SupportDesk
import Transformer

/// One tokenised training example: ids and the per-token "train on this" flags.
public struct TokenizedExample: Sendable {
    public var ids: [Int]
    public var trainable: [Bool]
    public init(ids: [Int], trainable: [Bool]) { (self.ids, self.trainable) = (ids, trainable) }
    public var count: Int { ids.count }
}

/// A batch ready for the model: [B, T] inputs and next-token targets (`CrossEntropy.ignoreIndex`
/// = no loss), plus positions and segment ids when several examples share a row (packing).
public struct SFTBatch: Sendable {
    public var inputs: [Int]
    public var targets: [Int]
    public var positions: [Int]?
    public var segments: [Int]?
    public var rows: Int
    public var length: Int
    /// Number of target tokens that carry loss.
    public var lossTokens: Int { targets.filter { $0 != CrossEntropy.ignoreIndex }.count }
}

public enum SFTBatching {
    // MARK: book padded-batch
    /// Targets for next-token prediction with a loss mask: position t predicts token t+1, and
    /// only where token t+1 is trainable (the reply); elsewhere the target is
    /// `CrossEntropy.ignoreIndex` (−100), which the cross-entropy skips. The last position has
    /// nothing to predict.
    public static func targets(_ e: TokenizedExample) -> [Int] {
        KitAnswer.used("SFTBatching.targets", answers: "3.1")
        return (0..<e.count).map { t in t + 1 < e.count && e.trainable[t + 1] ? e.ids[t + 1] : CrossEntropy.ignoreIndex }
    }

    /// Padding: one example per row, filled to `length` with `pad` (targets ignored there).
    /// Examples longer than `length` must be filtered out beforehand (see `fits`).
    public static func padded(_ examples: [TokenizedExample], length: Int, pad: Int) -> SFTBatch {
        KitAnswer.used("SFTBatching.padded", answers: "3.1")
        for (k, e) in examples.enumerated() {
            precondition(e.count <= length, "example \(k) has \(e.count) tokens, more than the row of \(length)")
        }
        if let mine = LearnerCode.function("paddedBatch", as: PaddedBatchFunction.self) { return learnerPadded(examples, length, pad, mine) }
        var inputs: [Int] = [], targets: [Int] = []
        for e in examples {
            let t = Self.targets(e)
            inputs += e.ids + Array(repeating: pad, count: length - e.count)
            targets += t + Array(repeating: CrossEntropy.ignoreIndex, count: length - e.count)
        }
        return SFTBatch(inputs: inputs, targets: targets, positions: nil, segments: nil, rows: examples.count, length: length)
    }
    // MARK: end

    // MARK: book packing
    /// Packing: examples placed one after another in rows of `length` tokens, so no compute is
    /// spent on padding. Each example restarts its positions at 0 and gets its own segment id;
    /// the attention mask keeps examples apart, and an example's first token is never a target
    /// of the previous example's last token (no loss across the boundary).
    public static func packed(_ examples: [TokenizedExample], length: Int, pad: Int) -> SFTBatch {
        KitAnswer.used("SFTBatching.packed", answers: "3.4")
        var rows: [[(TokenizedExample, Int)]] = [[]]
        var used = 0
        for e in examples {
            precondition(e.count <= length, "example of \(e.count) tokens exceeds the context \(length)")
            if used + e.count > length { rows.append([]); used = 0 }
            rows[rows.count - 1].append((e, rows[rows.count - 1].count))
            used += e.count
        }
        var inputs: [Int] = [], targets: [Int] = [], positions: [Int] = [], segments: [Int] = []
        if let mine = LearnerCode.function("packExamples", as: PackExamplesFunction.self) { return learnerPacked(rows.map { $0.map(\.0) }, length, pad, mine) }
        for row in rows {
            var n = 0
            for (e, k) in row {
                inputs += e.ids
                targets += Self.targets(e)      // its last target is ignored: the boundary
                positions += Array(0..<e.count)
                segments += Array(repeating: k, count: e.count)
                n += e.count
            }
            inputs += Array(repeating: pad, count: length - n)
            targets += Array(repeating: CrossEntropy.ignoreIndex, count: length - n)
            positions += Array(repeating: 0, count: length - n)
            segments += Array(repeating: -1, count: length - n)
        }
        return SFTBatch(inputs: inputs, targets: targets, positions: positions, segments: segments, rows: rows.count, length: length)
    }
    // MARK: end
}

extension SFTBatching {
    /// The padded rows laid out by the learner's function (exercise 3.1).
    static func learnerPadded(_ examples: [TokenizedExample], _ length: Int, _ pad: Int, _ mine: PaddedBatchFunction) -> SFTBatch {
        let r = mine(examples.map { ($0.ids, $0.trainable) }, length, pad)
        precondition(r.inputs.count == examples.count * length && r.targets.count == examples.count * length,
                     "paddedBatch returned \(r.inputs.count) inputs and \(r.targets.count) targets for \(examples.count) rows of \(length)")
        return SFTBatch(inputs: r.inputs, targets: r.targets, positions: nil, segments: nil, rows: examples.count, length: length)
    }

    /// The rows `packed` chose, each laid out by the learner's function (exercise 3.4).
    static func learnerPacked(_ rows: [[TokenizedExample]], _ length: Int, _ pad: Int, _ mine: PackExamplesFunction) -> SFTBatch {
        var inputs: [Int] = [], targets: [Int] = [], positions: [Int] = [], segments: [Int] = []
        for row in rows {
            let r = mine(row.map { ($0.ids, $0.trainable) }, length, pad)
            precondition([r.inputs.count, r.targets.count, r.positions.count, r.segments.count].allSatisfy { $0 == length },
                         "packExamples returned a row that is not \(length) long")
            inputs += r.inputs; targets += r.targets; positions += r.positions; segments += r.segments
        }
        return SFTBatch(inputs: inputs, targets: targets, positions: positions, segments: segments, rows: rows.count, length: length)
    }
}

extension GPT {
    /// Mean cross-entropy over the batch's trainable target tokens.
    public func loss(_ b: SFTBatch) -> Variable {
        if let mine = LearnerCode.function("maskedCrossEntropy", as: MaskedCrossEntropyFunction.self) {
            let logits = self.logits(b.inputs, batch: b.rows, positions: b.positions, segments: b.segments)
                .reshaped([b.inputs.count, config.vocabSize])
            return logits.learnerCrossEntropy(targets: b.targets, mine)
        }
        return loss(b.inputs, targets: b.targets, batch: b.rows, positions: b.positions, segments: b.segments)
    }
}

extension Variable {
    /// The SFT loss and its gradient computed by the learner's function (exercise 3.3): the
    /// loss value is checked against the kit's cross-entropy (forward only, no graph), and the
    /// backward pass hands the learner's d(loss)/d(logits), times the upstream gradient, to the
    /// logits, so under `course run sft --mine` the model trains on the learner's gradient.
    /// The kit's own cross-entropy is one fused op on the logits (nothing else is fused into
    /// it), so this node replaces exactly that op. self: logits [N, V] → a scalar.
    func learnerCrossEntropy(targets: [Int], _ mine: MaskedCrossEntropyFunction) -> Variable {
        let out = mine(value, targets)
        precondition(out.gradient.shape == shape,
                     "maskedCrossEntropy returned a gradient of shape \(out.gradient.shape) for logits \(shape)")
        let kit = noGrad { Variable(value).crossEntropy(targets: targets) }
        LearnerCode.requireAgreement([out.loss], [kit.scalar], exercise: "3.3", what: "the SFT loss", tolerance: 1e-4)
        return Variable(Tensor(scalar: out.loss), parents: [self], name: "cross_entropy_mine") { [self] g in
            let d = out.gradient.copy()                   // the closure keeps the learner's tensor as it was
            if g.scalar != 1 { d.scale(by: g.scalar) }    // d(out)/d(logits) = upstream · d(loss)/d(logits)
            self.accumulate(d)
        }
    }
}

// The shapes of the functions a learner plugs in with `course run sft --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias PaddedBatchFunction = ([(ids: [Int], trainable: [Bool])], Int, Int) -> (inputs: [Int], targets: [Int])
public typealias PackExamplesFunction = ([(ids: [Int], trainable: [Bool])], Int, Int)
    -> (inputs: [Int], targets: [Int], positions: [Int], segments: [Int])
public typealias MaskedCrossEntropyFunction = (Tensor, [Int]) -> (loss: Float, gradient: Tensor)
