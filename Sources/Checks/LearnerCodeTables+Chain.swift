import Autograd
import Core
import Evaluation
import Exercises
import LoRA
import QLoRA
import RewardModel
import SFT
import Solutions
import Transformer

/// The `--mine` tables of chapters 2–6 and 9 (see `Catalogue.learnerCode`): the learner's
/// functions (`mine`) or the reference solutions, keyed by the kit function they replace.
extension Catalogue {
    static func chainTable(chapter: Int, mine: Bool) -> LearnerCode.Table {
        switch chapter {
        case 2:
            let round: BPETrainingRoundFunction = { w, n in
                must("2.1") { mine ? try Exercises.bpeTrainingRound(words: w, newID: n) : try Solutions.bpeTrainingRound(words: w, newID: n) }
            }
            let mask: CausalMaskFunction = { s, seg in
                must("2.2") { mine ? try Exercises.applyCausalMask(s, segments: seg) : try Solutions.applyCausalMask(s, segments: seg) }
            }
            let head: AttentionHeadFunction = { q, k, v in
                must("2.3") { mine ? try Exercises.attentionHead(q: q, k: k, v: v) : try Solutions.attentionHead(q: q, k: k, v: v) }
            }
            let step: KVCacheStepFunction = { q, k, v, keys, values in
                must("2.4") { mine ? try Exercises.kvCacheStep(query: q, key: k, value: v, keys: &keys, values: &values)
                                   : try Solutions.kvCacheStep(query: q, key: k, value: v, keys: &keys, values: &values) }
            }
            let sample: SampleNextTokenFunction = { l, t, k, p, u in
                must("2.5") { mine ? try Exercises.sampleNextToken(logits: l, temperature: t, topK: k, topP: p, uniform: u)
                                   : try Solutions.sampleNextToken(logits: l, temperature: t, topK: k, topP: p, uniform: u) }
            }
            let optimizerStep: ClippedAdamWStepFunction = { p, g, m, v, t, lr, b1, b2, e, wd, maxNorm in
                must("1.4") { mine ? try Exercises.clippedAdamWStep(parameters: p, gradients: g, m: m, v: v, step: t, learningRate: lr,
                                                                    beta1: b1, beta2: b2, eps: e, weightDecay: wd, maxNorm: maxNorm)
                                   : try Solutions.clippedAdamWStep(parameters: p, gradients: g, m: m, v: v, step: t, learningRate: lr,
                                                                    beta1: b1, beta2: b2, eps: e, weightDecay: wd, maxNorm: maxNorm) }
            }
            return LearnerCode.Table(["bpeTrainingRound": round, "causalMask": mask, "attentionHead": head, "kvCacheStep": step,
                                      "sampleNextToken": sample, "clippedAdamWStep": optimizerStep])
        case 3:
            let padded: PaddedBatchFunction = { e, length, pad in
                must("3.1") { mine ? try Exercises.paddedBatch(e, length: length, pad: pad) : try Solutions.paddedBatch(e, length: length, pad: pad) }
            }
            let loss: MaskedCrossEntropyFunction = { l, t in
                must("3.3") { mine ? try Exercises.maskedCrossEntropy(logits: l, targets: t) : try Solutions.maskedCrossEntropy(logits: l, targets: t) }
            }
            let pack: PackExamplesFunction = { e, length, pad in
                must("3.4") { mine ? try Exercises.packExamples(e, length: length, pad: pad) : try Solutions.packExamples(e, length: length, pad: pad) }
            }
            let chat: EncodeChatFunction = { m, encode, start, end, prompt in
                must("3.2") { mine ? try Exercises.encodeChat(m, encode: encode, start: start, end: end, addGenerationPrompt: prompt)
                                   : try Solutions.encodeChat(m, encode: encode, start: start, end: end, addGenerationPrompt: prompt) }
            }
            let leaks: LeakedPromptsFunction = { train, eval, n, threshold in
                must("3.5") { mine ? try Exercises.leakedPrompts(train: train, eval: eval, n: n, threshold: threshold)
                                   : try Solutions.leakedPrompts(train: train, eval: eval, n: n, threshold: threshold) }
            }
            return LearnerCode.Table(["paddedBatch": padded, "encodeChat": chat, "maskedCrossEntropy": loss, "packExamples": pack,
                                      "leakedPrompts": leaks])
        case 4:
            let forward: LoRAForwardFunction = { x, w, bias, a, b, s in
                must("4.1") { mine ? try Exercises.loraForward(x: x, weight: w, bias: bias, a: a, b: b, scaling: s)
                                   : try Solutions.loraForward(x: x, weight: w, bias: bias, a: a, b: b, scaling: s) }
            }
            let gradients: LoRAGradientsFunction = { x, a, b, s, g in
                must("4.2") { mine ? try Exercises.loraGradients(x: x, a: a, b: b, scaling: s, outputGradient: g)
                                   : try Solutions.loraGradients(x: x, a: a, b: b, scaling: s, outputGradient: g) }
            }
            let plan: LoRAPlanFunction = { layers, targets, blocks, r in
                must("4.5") { mine ? try Exercises.loraPlan(layers: layers, targets: targets, layersToTransform: blocks, rank: r)
                                   : try Solutions.loraPlan(layers: layers, targets: targets, layersToTransform: blocks, rank: r) }
            }
            return LearnerCode.Table(["loraForward": forward, "loraGradients": gradients, "loraPlan": plan])
        case 5:
            let quantize: NF4QuantizeFunction = { v, code, size in
                must("5.1") { mine ? try Exercises.nf4Quantize(v, code: code, blockSize: size) : try Solutions.nf4Quantize(v, code: code, blockSize: size) }
            }
            let dequantize: NF4DequantizeFunction = { p, n, sc, gs, off, code, scode in
                must("5.2") { mine ? try Exercises.nf4Dequantize(packed: p, count: n, scaleCodes: sc, groupScales: gs, offset: off, code: code, scaleCode: scode)
                                   : try Solutions.nf4Dequantize(packed: p, count: n, scaleCodes: sc, groupScales: gs, offset: off, code: code, scaleCode: scode) }
            }
            let double: DoubleQuantizeFunction = { a, code in
                must("5.3") { mine ? try Exercises.doubleQuantize(a, code: code) : try Solutions.doubleQuantize(a, code: code) }
            }
            let bits: NF4StorageBitsFunction = { n, dq in
                must("5.4") { mine ? try Exercises.nf4StorageBits(count: n, doubleQuantization: dq) : try Solutions.nf4StorageBits(count: n, doubleQuantization: dq) }
            }
            let plan: TrainingMemoryPlanFunction = { config, r, targets in
                must("5.4") { mine ? try Exercises.trainingMemoryPlan(config, rank: r, targets: targets)
                                   : try Solutions.trainingMemoryPlan(config, rank: r, targets: targets) }
            }
            return LearnerCode.Table(["nf4Quantize": quantize, "nf4Dequantize": dequantize, "doubleQuantize": double, "nf4StorageBits": bits,
                                      "trainingMemoryPlan": plan])
        case 6:
            let bt: BradleyTerryFunction = { c, r, m, k in
                must("6.1") { mine ? try Exercises.bradleyTerryLoss(chosen: c, rejected: r, margin: m, centering: k)
                                   : try Solutions.bradleyTerryLoss(chosen: c, rejected: r, margin: m, centering: k) }
            }
            let batch: PairBatchFunction = { pairs, pad in
                must("6.2") { mine ? try Exercises.pairBatch(pairs, pad: pad) : try Solutions.pairBatch(pairs, pad: pad) }
            }
            let head: RewardHeadFunction = { h, i, w in
                must("6.3") { mine ? try Exercises.rewardsFromHidden(h, lastIndex: i, head: w) : try Solutions.rewardsFromHidden(h, lastIndex: i, head: w) }
            }
            let headBackward: RewardHeadBackwardFunction = { h, i, w, g in
                must("6.3") { mine ? try Exercises.rewardHeadBackward(hidden: h, lastIndex: i, head: w, upstream: g)
                                   : try Solutions.rewardHeadBackward(hidden: h, lastIndex: i, head: w, upstream: g) }
            }
            let evaluation: PairEvaluationFunction = { c, r, first, n in
                must("6.4") { mine ? try Exercises.evaluatePairs(chosen: c, rejected: r, chosenFirst: first, bins: n)
                                   : try Solutions.evaluatePairs(chosen: c, rejected: r, chosenFirst: first, bins: n) }
            }
            return LearnerCode.Table(["bradleyTerry": bt, "pairBatch": batch, "rewardHead": head, "rewardHeadBackward": headBackward,
                                      "pairEvaluation": evaluation])
        case 9:
            let interval: SeedsAndPromptsIntervalFunction = { x, level, n, seed in
                must("9.1") { mine ? try Exercises.bootstrapSeedsAndPrompts(x, level: level, resamples: n, seed: seed)
                                   : try Solutions.bootstrapSeedsAndPrompts(x, level: level, resamples: n, seed: seed) }
            }
            let win: WinRateIntervalFunction = { a, b, tie, interval in
                must("9.2") { mine ? try Exercises.winRateAgainstBaseline(model: a, baseline: b, tie: tie, interval: interval)
                                   : try Solutions.winRateAgainstBaseline(model: a, baseline: b, tie: tie, interval: interval) }
            }
            let pass: MeanPassAtKFunction = { scores, threshold, ks in
                must("9.3") { mine ? try Exercises.meanPassAtK(scores: scores, threshold: threshold, ks: ks)
                                   : try Solutions.meanPassAtK(scores: scores, threshold: threshold, ks: ks) }
            }
            let contaminated: ContaminatedPromptsFunction = { t, e, n in
                must("9.4") { mine ? try Exercises.contaminatedPrompts(training: t, eval: e, n: n) : try Solutions.contaminatedPrompts(training: t, eval: e, n: n) }
            }
            return LearnerCode.Table(["bootstrapSeedsAndPrompts": interval, "winRateInterval": win, "meanPassAtK": pass, "contaminatedPrompts": contaminated])
        default:
            return LearnerCode.Table([:])
        }
    }
}
