import Core

/// Each chapter's table with every function watched by `KitAnswer`: a call to the kit's answer
/// made while the graded function runs is recorded; the check's own calls are not.
extension Chapter1Functions {
    func watched() -> Chapter1Functions {
        let f = self
        return Chapter1Functions(
            topologicalOrder: { a0 in try KitAnswer.watch { try f.topologicalOrder(a0) } },
            backward: { a0 in try KitAnswer.watch { try f.backward(a0) } },
            tanhNode: { a0 in try KitAnswer.watch { try f.tanhNode(a0) } },
            broadcastBackward: { a0, a1, a2, a3 in try KitAnswer.watch { try f.broadcastBackward(a0, a1, a2, a3) } },
            layerNorm: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.layerNorm(a0, a1, a2, a3, a4) } },
            clippedAdamWStep: { a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 in
                try KitAnswer.watch { try f.clippedAdamWStep(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10) } },
            gradientCheck: { a0, a1, a2, a3, a4, a5 in try KitAnswer.watch { try f.gradientCheck(a0, a1, a2, a3, a4, a5) } })
    }
}

extension Chapter2Functions {
    func watched() -> Chapter2Functions {
        let f = self
        return Chapter2Functions(
            trainingRound: { a0, a1 in try KitAnswer.watch { try f.trainingRound(a0, a1) } },
            causalMask: { a0, a1 in try KitAnswer.watch { try f.causalMask(a0, a1) } },
            attentionHead: { a0, a1, a2 in try KitAnswer.watch { try f.attentionHead(a0, a1, a2) } },
            kvCacheStep: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.kvCacheStep(a0, a1, a2, &a3, &a4) } },
            sampleNextToken: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.sampleNextToken(a0, a1, a2, a3, a4) } },
            loadPlan: { a0, a1 in try KitAnswer.watch { try f.loadPlan(a0, a1) } })
    }
}

extension Chapter3Functions {
    func watched() -> Chapter3Functions {
        let f = self
        return Chapter3Functions(
            paddedBatch: { a0, a1, a2 in try KitAnswer.watch { try f.paddedBatch(a0, a1, a2) } },
            encodeChat: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.encodeChat(a0, a1, a2, a3, a4) } },
            maskedCrossEntropy: { a0, a1 in try KitAnswer.watch { try f.maskedCrossEntropy(a0, a1) } },
            packExamples: { a0, a1, a2 in try KitAnswer.watch { try f.packExamples(a0, a1, a2) } },
            leakedPrompts: { a0, a1, a2, a3 in try KitAnswer.watch { try f.leakedPrompts(a0, a1, a2, a3) } })
    }
}

extension Chapter4Functions {
    func watched() -> Chapter4Functions {
        let f = self
        return Chapter4Functions(
            forward: { a0, a1, a2, a3, a4, a5 in try KitAnswer.watch { try f.forward(a0, a1, a2, a3, a4, a5) } },
            gradients: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.gradients(a0, a1, a2, a3, a4) } },
            merge: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.merge(a0, a1, a2, a3, a4) } },
            dora: { a0, a1, a2, a3, a4, a5, a6 in try KitAnswer.watch { try f.dora(a0, a1, a2, a3, a4, a5, a6) } },
            plan: { a0, a1, a2, a3 in try KitAnswer.watch { try f.plan(a0, a1, a2, a3) } })
    }
}

extension Chapter5Functions {
    func watched() -> Chapter5Functions {
        let f = self
        return Chapter5Functions(
            quantize: { a0, a1, a2 in try KitAnswer.watch { try f.quantize(a0, a1, a2) } },
            dequantize: { a0, a1, a2, a3, a4, a5, a6 in try KitAnswer.watch { try f.dequantize(a0, a1, a2, a3, a4, a5, a6) } },
            doubleQuantize: { a0, a1 in try KitAnswer.watch { try f.doubleQuantize(a0, a1) } },
            storageBits: { a0, a1 in try KitAnswer.watch { try f.storageBits(a0, a1) } },
            plan: { a0, a1, a2 in try KitAnswer.watch { try f.plan(a0, a1, a2) } })
    }
}

extension Chapter6Functions {
    func watched() -> Chapter6Functions {
        let f = self
        return Chapter6Functions(
            bradleyTerry: { a0, a1, a2, a3 in try KitAnswer.watch { try f.bradleyTerry(a0, a1, a2, a3) } },
            pairBatch: { a0, a1 in try KitAnswer.watch { try f.pairBatch(a0, a1) } },
            rewardsFromHidden: { a0, a1, a2 in try KitAnswer.watch { try f.rewardsFromHidden(a0, a1, a2) } },
            rewardHeadBackward: { a0, a1, a2, a3 in try KitAnswer.watch { try f.rewardHeadBackward(a0, a1, a2, a3) } },
            evaluatePairs: { a0, a1, a2, a3 in try KitAnswer.watch { try f.evaluatePairs(a0, a1, a2, a3) } })
    }
}

extension Chapter7Functions {
    func watched() -> Chapter7Functions {
        let f = self
        return Chapter7Functions(
            gae: { a0, a1, a2, a3 in try KitAnswer.watch { try f.gae(a0, a1, a2, a3) } },
            policyLoss: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.policyLoss(a0, a1, a2, a3, a4) } },
            valueLoss: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.valueLoss(a0, a1, a2, a3, a4) } },
            klRewards: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.klRewards(a0, a1, a2, a3, a4) } },
            adaptiveKL: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.adaptiveKL(a0, a1, a2, a3, a4) } },
            groupAdvantages: { a0, a1, a2, a3, a4 in try KitAnswer.watch { try f.groupAdvantages(a0, a1, a2, a3, a4) } })
    }
}

extension Chapter8Functions {
    func watched() -> Chapter8Functions {
        let f = self
        return Chapter8Functions(
            sequenceLogProbs: { a0, a1, a2 in try KitAnswer.watch { try f.sequenceLogProbs(a0, a1, a2) } },
            sequenceLogProbsBackward: { a0, a1, a2, a3 in try KitAnswer.watch { try f.sequenceLogProbsBackward(a0, a1, a2, a3) } },
            dpoLoss: { a0, a1, a2, a3, a4, a5 in try KitAnswer.watch { try f.dpoLoss(a0, a1, a2, a3, a4, a5) } },
            ipoLoss: { a0, a1, a2, a3, a4, a5, a6 in try KitAnswer.watch { try f.ipoLoss(a0, a1, a2, a3, a4, a5, a6) } },
            simpoLoss: { a0, a1, a2, a3, a4, a5 in try KitAnswer.watch { try f.simpoLoss(a0, a1, a2, a3, a4, a5) } },
            ktoLoss: { a0, a1, a2, a3, a4, a5, a6, a7 in try KitAnswer.watch { try f.ktoLoss(a0, a1, a2, a3, a4, a5, a6, a7) } })
    }
}

extension Chapter9Functions {
    func watched() -> Chapter9Functions {
        let f = self
        return Chapter9Functions(
            seedsAndPrompts: { a0, a1, a2, a3 in try KitAnswer.watch { try f.seedsAndPrompts(a0, a1, a2, a3) } },
            winRate: { a0, a1, a2, a3 in try KitAnswer.watch { try f.winRate(a0, a1, a2, a3) } },
            passAtK: { a0, a1, a2 in try KitAnswer.watch { try f.passAtK(a0, a1, a2) } },
            contaminated: { a0, a1, a2 in try KitAnswer.watch { try f.contaminated(a0, a1, a2) } })
    }
}
