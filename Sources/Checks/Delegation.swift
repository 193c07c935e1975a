import Autograd
import Core
import DPO
import Evaluation
import Foundation
import LoRA
import QLoRA
import RewardModel
import RLHF
import SFT
import SupportDesk
import Transformer

/// The delegating variants: for each exercise, the reference with that one function replaced
/// by a call to the kit's own implementation of the same idea, as a learner might write it.
/// Every check must fail on them (`KitAnswer` sees the call), which proves that the kit cannot
/// stand in for the learner. Exercises listed in `Catalogue.withoutKitCounterpart` have no
/// public kit function that computes their answer, so there is nothing to delegate to.
extension Catalogue {
    public static let withoutKitCounterpart: Set<String> = [
        "2.4",  // the KV cache's append is internal and tied to the model's fused qkv layout
    ]
}

/// Copies `source`'s values into the kit-owned tensor `target` (same count).
func fill(_ target: Tensor, from source: Tensor) {
    for i in 0..<source.count { target[i] = source[i] }
}

extension Chapter2Functions {
    static func delegate(_ id: String) -> Chapter2Functions {
        var f = reference
        switch id {
        case "2.1": f.trainingRound = { words, newID in
            var corpus = BPEWordCounts(words)
            guard let pair = corpus.mergeMostFrequentPair(into: newID) else { return nil }
            return (pair.left, pair.right, corpus.wordCounts)
        }
        case "2.2": f.causalMask = { Variable($0).causalMask(segments: $1).value }
        case "2.3": f.attentionHead = { q, k, v in
            let scores = Variable.matmul(Variable(q), Variable(k), transposeB: true, alpha: 1 / Float(q.shape[1]).squareRoot())
            return Variable.matmul(scores.causalMask().softmax(), Variable(v)).value
        }
        case "2.5": f.sampleNextToken = { logits, t, k, p, u in  // the kit's distribution, then the draw by hand
            guard t != 0 else { return try reference.sampleNextToken(logits, t, k, p, u) }
            let probs = logits.withUnsafeBufferPointer { Sampler.distribution($0, SamplingOptions(temperature: t, topK: k, topP: p)) }
            let target = Double(u) * probs.reduce(0.0) { $0 + Double($1) }
            var total: Double = 0
            for (i, q) in probs.enumerated() where q > 0 {
                total += Double(q)
                if target < total { return i }
            }
            return probs.lastIndex { $0 > 0 }!
        }
        case "2.6": f.loadPlan = { try GPT.loadPlan(checkpoint: $0, parameters: $1) }
        default: break
        }
        return f
    }
}

extension Chapter3Functions {
    static func delegate(_ id: String) -> Chapter3Functions {
        var f = reference
        switch id {
        case "3.1": f.paddedBatch = { ex, length, pad in   // refuses as the exercise asks (the kit's stops the program)
            if let k = ex.firstIndex(where: { $0.ids.count > length }) { throw CourseError("example \(k) has \(ex[k].ids.count) tokens") }
            let b = SFTBatching.padded(ex.map { TokenizedExample(ids: $0.ids, trainable: $0.trainable) }, length: length, pad: pad)
            return (b.inputs, b.targets)
        }
        case "3.2": f.encodeChat = { m, _, _, _, prompt in   // the check's tokenizer is trained again from its sentence
            guard m.allSatisfy({ ChatTemplate.roles.contains($0.role) }) else { throw CourseError("unknown role") }
            let t = try ChatTemplate(tokenizer: chatTokenizer()), messages = m.map { Message(role: $0.role, content: $0.content) }
            let e = t.encode(messages)
            guard prompt else { return e }
            let ids = t.generationPrompt(messages)
            return (ids, e.trainable + [Bool](repeating: false, count: ids.count - e.ids.count))
        }
        case "3.3": f.maskedCrossEntropy = { logits, targets in
            let x = Variable(logits.copy(), requiresGrad: true)
            let loss = x.crossEntropy(targets: targets)
            loss.backward()
            return (loss.scalar, x.grad ?? Tensor(zeros: logits.shape))
        }
        case "3.4": f.packExamples = { ex, length, pad in
            let b = SFTBatching.packed(ex.map { TokenizedExample(ids: $0.ids, trainable: $0.trainable) }, length: length, pad: pad)
            return (b.inputs, b.targets, b.positions ?? [], b.segments ?? [])
        }
        case "3.5": f.leakedPrompts = { train, eval, n, threshold in
            Leakage.check(train: train, eval: eval, n: n, threshold: threshold).map { ($0.eval, $0.train, $0.similarity) }
        }
        default: break
        }
        return f
    }
}

extension Chapter4Functions {
    /// A kit layer holding the given weights, with a LoRA (or DoRA) adapter holding A and B.
    static func kitLayer(_ w: Tensor, _ bias: Tensor, _ a: Tensor, _ b: Tensor, _ s: Float, magnitude: Tensor? = nil) -> (Linear, LoRALinear) {
        var rng = SeededRandom(seed: 0)
        let (inF, outF, r) = (w.shape[0], w.shape[1], a.shape[0])
        let layer = Linear(inF, outF, std: 0, rng: &rng)
        fill(layer.weight.value, from: w)
        fill(layer.bias.value, from: bias)
        let adapter = LoRALinear(inFeatures: inF, outFeatures: outF, config: LoRAConfig(rank: r, alpha: s * Float(r)), rng: &rng)
        fill(adapter.A.value, from: a)
        fill(adapter.B.value, from: b)
        if let magnitude {
            adapter.enableDoRA(weight: w)
            fill(adapter.magnitude!.value, from: magnitude)
        }
        layer.adapter = adapter
        return (layer, adapter)
    }

    static func delegate(_ id: String) -> Chapter4Functions {
        var f = reference
        switch id {
        case "4.1": f.forward = { x, w, bias, a, b, s in kitLayer(w, bias, a, b, s).0(Variable(x)).value }
        case "4.2": f.gradients = { x, a, b, s, g in   // autograd does the calculus
            let va = Variable(a.copy(), requiresGrad: true), vb = Variable(b.copy(), requiresGrad: true)
            let y = Variable.matmul(Variable.matmul(Variable(x), va, transposeB: true), vb, transposeB: true, alpha: s)
            y.backward(seed: g)
            return (va.grad!, vb.grad!)
        }
        case "4.3": f.merge = { w, a, b, s, m in
            let (layer, adapter) = kitLayer(w, Tensor(zeros: [w.shape[1]]), a, b, s, magnitude: m)
            adapter.merge(into: layer)
            return layer.weight.value
        }
        case "4.4": f.dora = { x, w, bias, a, b, m, s in kitLayer(w, bias, a, b, s, magnitude: m).0(Variable(x)).value }
        case "4.5": f.plan = { layers, targets, blocks, r in
            let hit = layers.filter { LoRAConfig(targets: targets, layersToTransform: blocks).isTarget($0.name) }
            return (hit.map(\.name), hit.reduce(0) { $0 + r * ($1.inFeatures + $1.outFeatures) })
        }
        default: break
        }
        return f
    }
}

extension Chapter5Functions {
    static func delegate(_ id: String) -> Chapter5Functions {
        var f = reference
        switch id {
        case "5.1": f.quantize = { v, _, size in
            guard size >= 1 else { throw CourseError("blockSize \(size)") }
            return NF4.quantize(v, blockSize: size)
        }
        case "5.2": f.dequantize = { packed, count, codes, scales, offset, _, _ in
            NF4.dequantize(packed: packed, absmax: QuantizedScales(codes: codes, blockScales: scales, offset: offset).dequantized(), count: count)
        }
        case "5.3": f.doubleQuantize = { absmax, _ in
            let q = QuantizedScales(quantizing: absmax)
            return (q.codes, q.blockScales, q.offset)
        }
        case "5.4":
            f.storageBits = { n, dq in NF4Tensor(Tensor(zeros: [n]), doubleQuantization: dq).storageBits }
            f.plan = { config, rank, targets in TrainingMemory.plan(config, rank: rank, targets: targets).totals }
        default: break
        }
        return f
    }
}

extension Chapter6Functions {
    static func delegate(_ id: String) -> Chapter6Functions {
        var f = reference
        switch id {
        case "6.1": f.bradleyTerry = { c, r, m, k in
            let vc = Variable(Tensor([c.count], c), requiresGrad: true), vr = Variable(Tensor([r.count], r), requiresGrad: true)
            let loss = BradleyTerry.loss(chosen: vc, rejected: vr, margin: m, centering: k)
            loss.backward()
            return (loss.scalar, vc.grad!.array, vr.grad!.array)
        }
        case "6.2": f.pairBatch = { Padding.pairBatch($0, pad: $1) }
        case "6.3":  // the kit's gather and product, and autograd for the gradients
            let readout = { (h: Variable, last: [Int], w: Variable) -> Variable in
                let (b, t, c) = (h.shape[0], h.shape[1], h.shape[2])
                let flat = last.enumerated().map { $0.offset * t + $0.element }
                return Variable.matmul(h.reshaped([b * t, c]).rows(flat), w, transposeB: true).reshaped([b])
            }
            f.rewardsFromHidden = { h, last, w in readout(Variable(h), last, Variable(w)).value.array }
            f.rewardHeadBackward = { h, last, w, g in
                let vh = Variable(h, requiresGrad: true), vw = Variable(w, requiresGrad: true)
                (readout(vh, last, vw) * Variable(Tensor([g.count], g))).sum().backward()
                return (vw.grad!, vh.grad!)
            }
        case "6.4": f.evaluatePairs = { PairEvaluation.metrics(chosen: $0, rejected: $1, chosenFirst: $2, bins: $3) }
        default: break
        }
        return f
    }
}

extension Chapter7Functions {
    static func delegate(_ id: String) -> Chapter7Functions {
        var f = reference
        switch id {
        case "7.1": f.gae = { r, v, g, l in   // the kit's GAE per response, then the kit's whitening
            let each = zip(r, v).map { GAE.compute(rewards: $0, values: $1, gamma: g, lambda: l) }
            return (Whitening.whiten(each.map(\.advantages)), each.map(\.returns))
        }
        case "7.2": f.policyLoss = { lp, old, a, w, c in   // the kit's losses, differentiated by its autograd
            let x = Variable(Tensor([lp.count], lp), requiresGrad: true)
            let loss = PPOLoss.policy(logProbs: x, oldLogProbs: old, advantages: a, weights: w, clip: c).loss
            loss.backward()
            return (loss.scalar, x.grad?.array ?? [])
        }
            f.valueLoss = { v, old, r, w, c in
                let x = Variable(Tensor([v.count], v), requiresGrad: true)
                let loss = PPOLoss.value(values: x, oldValues: old, returns: r, weights: w, clip: c).loss
                loss.backward()
                return (loss.scalar, x.grad?.array ?? [])
            }
        case "7.3": f.klRewards = { lp, ref, s, b, k3 in
            KLPenalty.rewards(logProbs: lp, refLogProbs: ref, score: s, beta: b, estimator: k3 ? .k3 : .k1)
        }
            f.adaptiveKL = { beta, kl, target, horizon, steps in
                var c = AdaptiveKLController(initial: beta, target: target, horizon: horizon)
                c.update(observedKL: kl, steps: steps)
                return c.value
            }
        case "7.4": f.groupAdvantages = { r, g, lengths, m, dr in   // the kit's per-token advantages and weights
            guard g > 0, r.count % g == 0, lengths.count == r.count else { throw CourseError("the batch does not split") }
            return GroupAdvantages.perToken(rewards: r, groupSize: g, lengths: lengths, variant: dr ? .drGRPO : .grpo, maxNewTokens: m)
        }
        default: break
        }
        return f
    }
}

extension Chapter8Functions {
    /// The kit's pairwise loss of each pair on its own (the kit returns the batch mean).
    static func perPair(_ loss: PreferenceLoss, _ pc: [Float], _ pr: [Float], _ rc: [Float], _ rr: [Float],
                        _ cc: [Int], _ rcn: [Int], _ s: LossSettings) -> (losses: [Float], chosen: [Float], rejected: [Float]) {
        var out: (losses: [Float], chosen: [Float], rejected: [Float]) = ([], [], [])
        for i in pc.indices {
            let x = PairLogProbs(policyChosen: Variable(Tensor([1], [pc[i]])), policyRejected: Variable(Tensor([1], [pr[i]])),
                                 referenceChosen: rc.isEmpty ? [] : [rc[i]], referenceRejected: rr.isEmpty ? [] : [rr[i]],
                                 chosenCounts: [cc[i]], rejectedCounts: [rcn[i]])
            let o = loss(x, s)
            out.losses.append(o.loss.scalar)
            out.chosen += o.chosenRewards
            out.rejected += o.rejectedRewards
        }
        return out
    }

    static func delegate(_ id: String) -> Chapter8Functions {
        var f = reference
        switch id {
        case "8.1":  // the kit's fused token log-probs, and autograd for the gradient
            let sums = { (logits: Variable, targets: [Int], mask: [Bool]) -> Variable in
                let (n, t) = (logits.shape[0], logits.shape[1])
                let masked = targets.indices.map { mask[$0] ? targets[$0] : CrossEntropy.ignoreIndex }
                return logits.reshaped([n * t, logits.shape[2]]).tokenLogProbs(masked).reshaped([n, t]).sum(axis: 1)
            }
            f.sequenceLogProbs = { logits, targets, mask in sums(Variable(logits), targets, mask).value.array }
            f.sequenceLogProbsBackward = { logits, targets, mask, g in
                let v = Variable(logits, requiresGrad: true)
                (sums(v, targets, mask) * Variable(Tensor([g.count], g))).sum().backward()
                return v.grad!
            }
        case "8.2": f.dpoLoss = { pc, pr, rc, rr, beta, eps in
            let ones = [Int](repeating: 1, count: pc.count)
            let o = perPair(.sigmoid, pc, pr, rc, rr, ones, ones, LossSettings(beta: beta, labelSmoothing: eps))
            var dc: [Float] = [], dr: [Float] = []
            for i in pc.indices {   // the kit's loss through autograd, one pair at a time
                let vc = Variable(Tensor([1], [pc[i]]), requiresGrad: true), vr = Variable(Tensor([1], [pr[i]]), requiresGrad: true)
                PreferenceLoss.sigmoid(PairLogProbs(policyChosen: vc, policyRejected: vr, referenceChosen: [rc[i]], referenceRejected: [rr[i]],
                                                    chosenCounts: [1], rejectedCounts: [1]), LossSettings(beta: beta, labelSmoothing: eps)).loss.backward()
                dc.append(vc.grad![0]); dr.append(vr.grad![0])
            }
            return (o.losses, o.chosen, o.rejected, dc, dr)
        }
        case "8.3":   // the kit's loss, one pair at a time, and its autograd on the batch for the gradient
            func viaKit(_ kind: PreferenceLoss, _ pc: [Float], _ pr: [Float], _ rc: [Float], _ rr: [Float], _ nc: [Int], _ nr: [Int],
                        _ s: LossSettings) throws -> PairGradients {
                guard Set([pc.count, pr.count, nc.count, nr.count]).count == 1 else { throw CourseError("lengths differ") }
                let vc = Variable(Tensor([pc.count], pc), requiresGrad: true), vr = Variable(Tensor([pr.count], pr), requiresGrad: true)
                kind(PairLogProbs(policyChosen: vc, policyRejected: vr, referenceChosen: rc, referenceRejected: rr,
                                  chosenCounts: nc, rejectedCounts: nr), s).loss.backward()
                return (perPair(kind, pc, pr, rc, rr, nc, nr, s).losses, vc.grad?.array ?? [], vr.grad?.array ?? [])
            }
            f.ipoLoss = { pc, pr, rc, rr, nc, nr, beta in try viaKit(.ipo, pc, pr, rc, rr, nc, nr, LossSettings(beta: beta)) }
            f.simpoLoss = { pc, pr, nc, nr, beta, gamma in
                try viaKit(.simpo, pc, pr, [], [], nc, nr, LossSettings(beta: beta, simpoGamma: gamma))
            }
        case "8.4": f.ktoLoss = { p, r, labels, pkl, rkl, beta, wd, wu in   // the kit's loss, one example at a time,
            guard r.count == p.count, labels.count == p.count, rkl.count == pkl.count else { throw CourseError("counts differ") }
            let s = KTOSettings(beta: beta, desirableWeight: wd, undesirableWeight: wu)   // and its autograd on the batch
            let losses = p.indices.map { i in
                KTOLoss.loss(KTOBatch(policy: Variable(Tensor([1], [p[i]])), reference: [r[i]], labels: [labels[i]],
                                      policyKL: pkl, referenceKL: rkl), s).loss.scalar
            }
            let v = Variable(Tensor([p.count], p), requiresGrad: true)
            let o = KTOLoss.loss(KTOBatch(policy: v, reference: r, labels: labels, policyKL: pkl, referenceKL: rkl), s)
            o.loss.backward()
            return (losses, o.kl, v.grad?.array ?? [])
        }
        default: break
        }
        return f
    }
}

extension Chapter9Functions {
    static func delegate(_ id: String) -> Chapter9Functions {
        var f = reference
        switch id {
        case "9.1": f.seedsAndPrompts = { x, level, resamples, seed in
            let i = Statistics.bootstrapSeedsAndPrompts(x, level: level, resamples: resamples, seed: seed)
            return (i.estimate, i.low, i.high)
        }
        // Both refuse what the kit's preconditions would trap on, as a learner's stub would.
        case "9.2": f.winRate = { model, baseline, tie, _ in
            guard model.map(\.count) == baseline.map(\.count) else { throw CourseError("the shapes differ") }
            let w = Statistics.winRateInterval(model, against: baseline, tie: tie, seed: 7)
            return (w.interval.estimate, w.interval.low, w.interval.high, w.bySeed)
        }
        case "9.3": f.passAtK = { scores, threshold, ks in
            guard Set(ks).count == ks.count, ks.allSatisfy({ k in k >= 1 && scores.allSatisfy { k <= $0.count } }) else { throw CourseError("bad k") }
            return Statistics.meanPassAtK(scores, threshold: threshold, ks: ks)
        }
        case "9.4": f.contaminated = { training, eval, n in
            let kit = ContaminationCheck(training: training, n: n)
            return eval.indices.filter { kit.isContaminated(eval[$0]) }
        }
        default: break
        }
        return f
    }
}
