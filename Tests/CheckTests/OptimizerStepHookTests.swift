import Autograd
import Checks
import Core
import Testing

/// Exercise 1.4 under `course run transformer --mine`: pretraining's optimiser step
/// (`AdamW.clippedStep`, called by `Trainer.step`) is the learner's function.
@Suite("The optimiser step on the learner's code")
struct OptimizerStepHookTests {
    @Test("Chapter 2's table holds the optimiser step with the type the hook asks for")
    func tableHoldsTheStep() {
        let found = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 2, flavor: .reference)) {
            LearnerCode.function("clippedAdamWStep", as: ClippedAdamWStepFunction.self) != nil
        }
        #expect(found)
        #expect(Catalogue.pluggable[2]?.contains("1.4") == true)
    }

    @Test("With the reference installed, a clipped step gives the kit's weights, moments and norm, bit for bit")
    func referenceStepIsTheKits() {
        func run() -> (weights: [[Float]], m: [[Float]], v: [[Float]], norms: [Float]) {
            var rng = SeededRandom(seed: 3)
            let params = [[4, 3], [3], [20000]].map { s in Variable(Tensor(s, (0..<s.reduce(1, *)).map { _ in rng.normal() }), requiresGrad: true) }
            let opt = AdamW(params, learningRate: 0.01, weightDecay: 0.1, decayMatricesOnly: true)
            var norms: [Float] = []
            for scale in [Float(0.02), 0.001, 0.03] {
                for p in params { p.grad = Tensor(p.shape, (0..<p.value.count).map { _ in scale * rng.normal() }) }
                norms.append(opt.clippedStep(norm: gradNorm(params), maxNorm: 1))
            }
            return (params.map(\.value.array), opt.m.map(\.array), opt.v.map(\.array), norms)
        }
        let kit = run()
        let mine = LearnerCode.$installed.withValue(Catalogue.learnerCode(chapter: 2, flavor: .reference)) { run() }
        #expect(kit.norms.contains { $0 > 1 } && kit.norms.contains { $0 < 1 }, "clipping on some steps and not others")
        #expect(mine.weights == kit.weights && mine.m == kit.m && mine.v == kit.v && mine.norms == kit.norms)
    }

    @Test("With a function installed, the step is that function's, on the optimiser's own moments")
    func installedFunctionTakesTheStep() {
        let p = Variable(Tensor([2], [1, 2]), requiresGrad: true)
        p.grad = Tensor([2], [3, 4])
        let opt = AdamW([p], learningRate: 0.1)
        let fake: ClippedAdamWStepFunction = { params, _, m, _, t, _, _, _, _, _, _ in
            params[0][0] = 7; m[0][1] = Float(t); return 5
        }
        let norm = LearnerCode.$installed.withValue(LearnerCode.Table(["clippedAdamWStep": fake])) { opt.clippedStep(norm: 5, maxNorm: 1) }
        #expect(norm == 5 && p.value.array == [7, 2] && opt.m[0].array == [0, 1] && opt.t == 1)
    }
}
