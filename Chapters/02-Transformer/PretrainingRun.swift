import Autograd
import Core
import Foundation
import Plot
import SupportDesk

/// Chapter 2's run (`course run transformer`): train a BPE tokenizer and a small GPT-2 on the
/// SupportDesk corpus. Writes config.json, metrics.csv, results.md, loss.png, attention.png, samples.md,
/// checkpoints/ (resumable), model/ (config.json, model.safetensors, vocab.json, merges.txt).
public enum PretrainingRun {
    public struct Settings: Codable, Sendable {
        public var data: SizePreset
        public var vocabSize: Int
        /// Every digit a token of its own (see `BPETokenizer.train`): models copy numbers better.
        public var splitDigits = true
        public var model: GPTConfig
        public var train: TrainConfig
    }

    public static func settings(_ preset: Preset, seed: UInt64) -> Settings {
        switch preset {
        case .quick:
            let m = GPTConfig(vocabSize: 384, contextLength: 512, embeddingSize: 64, layers: 2, heads: 2)
            return Settings(data: .small, vocabSize: 384, model: m,
                            train: TrainConfig(batchSize: 4, contextLength: 256, steps: 40, learningRate: 3e-3,
                                               warmupSteps: 5, evalEvery: 20, seed: seed))
        case .default:
            // 3,600 steps of 8×384 tokens, about thirty passes over the corpus. The eval loss
            // keeps falling long after the text looks fluent, and what the late steps buy is
            // copying: after SFT, the 600-step model copies a date from the facts in a few
            // replies in a hundred, the 3,600-step one in nearly all (`course run copying-study`).
            let m = GPTConfig(vocabSize: 1024, contextLength: 384, embeddingSize: 128, layers: 4, heads: 4)
            return Settings(data: .default, vocabSize: 1024, model: m,
                            train: TrainConfig(batchSize: 8, contextLength: 384, steps: 3600, learningRate: 2e-3,
                                               warmupSteps: 40, evalEvery: 100, seed: seed))
        }
    }

    /// The chat template's tokens, added to the vocabulary before pretraining so that every
    /// later chapter shares one tokenizer.
    public static let specialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]

    /// The trained model's folder inside a finished run's folder.
    public static func modelFolder(in dir: URL) -> URL { dir.appendingPathComponent("model") }

    public static func run(_ spec: RunSpec, settings: Settings) throws {
        let dir = spec.dir
        var s = settings
        let data = spec.builtInData(s.data)

        // Tokenizer: byte-level BPE trained on the pretraining corpus.
        let tokenizer = BPETokenizer.train(corpus: data.corpus, vocabSize: s.vocabSize, specialTokens: specialTokens,
                                               splitDigits: s.splitDigits)
        s.model.vocabSize = tokenizer.vocabSize
        let eos = tokenizer.id(ofSpecial: "<|endoftext|>")!
        s.model.eosTokenID = eos; s.model.bosTokenID = eos
        try writeJSON(s, to: spec.file("config.json"))

        // Every 20th document is held out for evaluation.
        let docs = data.corpus.map { tokenizer.encode($0, allowSpecial: false) }
        let trainDocs = docs.enumerated().filter { $0.offset % 20 != 0 }.map(\.element)
        let evalDocs = docs.enumerated().filter { $0.offset % 20 == 0 }.map(\.element)
        let trainStream = TokenStream(documents: trainDocs, separator: eos)
        let evalStream = TokenStream(documents: evalDocs, separator: eos)
        let unigram = unigramBaseline(train: trainStream.tokens, eval: evalStream.tokens, vocabSize: tokenizer.vocabSize)
        print(String(format: "corpus: %d documents, %d train / %d eval tokens; unigram baseline %.3f nats/token",
                     docs.count, trainStream.tokens.count, evalStream.tokens.count, unigram))
        print("model: \(s.model.parameterCount) parameters (\(s.model.layers) layers, d=\(s.model.embeddingSize), context \(s.model.contextLength))")

        let model = GPT(s.model, seed: spec.seed)
        let trainer = Trainer(model: model, config: s.train)
        let checkpoints = spec.file("checkpoints")
        let metrics = MetricsWriter(url: spec.file("metrics.csv"), columns: ["step", "loss", "eval_loss", "lr", "grad_norm"])
        if spec.resume, try trainer.resume(from: checkpoints) != nil {
            print("resumed from step \(trainer.step)")
            metrics.restore(upToStep: trainer.step)
        } else {
            try? FileManager.default.removeItem(at: checkpoints)
        }
        let evalBatches = evalStream.evalBatches(s.train.evalBatches, batch: s.train.batchSize, length: s.train.contextLength)
        var lastEval = Double.nan
        var trainingSeconds = 0.0, stepsTimed = 0
        let loop = TrainingLoop(label: "transformer", steps: s.train.steps, evalEvery: s.train.evalEvery)
        try loop.run(from: trainer.step, metrics: metrics, step: { _ in
            var rng = trainer.rng
            let batch = trainStream.batch(s.train.batchSize, length: s.train.contextLength, rng: &rng)
            trainer.rng = rng
            var stats: (loss: Float, gradNorm: Float, lr: Float) = (0, 0, 0)
            trainingSeconds += try measure {
                stats = try trainer.step { model.loss(batch.inputs, targets: batch.targets, batch: s.train.batchSize) }
            }
            stepsTimed += 1
            // Timings stay out of metrics.csv, so the same seed gives a byte-identical file.
            return .init(["step": Double(trainer.step), "loss": Double(stats.loss), "lr": Double(stats.lr),
                          "grad_norm": Double(stats.gradNorm)], status: String(format: "loss %.3f", stats.loss))
        }, evaluate: { _ in
            lastEval = trainer.evaluate(evalBatches)
            return .init(["eval_loss": lastEval], status: String(format: "eval %.3f", lastEval))
        }, checkpoint: { _ in try trainer.saveCheckpoint(in: checkpoints) })

        // The finished model, in Hugging Face layout, with its tokenizer.
        let modelDir = modelFolder(in: dir)
        try model.save(directory: modelDir)
        try tokenizer.save(directory: modelDir.path)
        try writeSamples(model, tokenizer, data: data, to: spec.file("samples.md"), seed: spec.seed)
        try PretrainingFigures.write(dir: dir, metrics: metrics, unigram: unigram, model: model, tokenizer: tokenizer,
                                     text: data.corpus[0])
        // The run's numbers as a table the book includes (timings stay out: they vary by machine).
        let (m, t) = (s.model, s.train)
        try AtomicFile.write("""
            | run | value |
            |---|---|
            | tokenizer | \(tokenizer.vocabSize) tokens\(s.splitDigits ? ", every digit a token of its own" : "") |
            | model | \(m.layers) layers, width \(m.embeddingSize), \(m.heads) heads, context \(m.contextLength): \(m.parameterCount) parameters |
            | training | \(t.steps) steps of \(t.batchSize) × \(t.contextLength) tokens; the corpus holds \(trainStream.tokens.count) training tokens |
            | held-out loss | \(String(format: "%.3f", lastEval)) nats/token (unigram baseline \(String(format: "%.3f", unigram))) |

            """, to: spec.file("results.md"))
        print(String(format: "eval loss %.3f nats/token (unigram baseline %.3f); %.0f training tokens/s; wrote %@/", lastEval, unigram,
                     Double(stepsTimed * s.train.batchSize * s.train.contextLength) / max(trainingSeconds, 1e-9), dir.path))
    }

    /// Continuations of the first words of a few held-out documents.
    static func writeSamples(_ model: GPT, _ tok: BPETokenizer, data: Dataset, to url: URL, seed: UInt64) throws {
        var rng = SeededRandom(seed: seed &+ 99)
        var md = "# Samples from the pretrained model\n\nEach prompt is the start of a held-out document; the model continues it (temperature 0.8, top-k 40).\n\n"
        for doc in data.corpus.enumerated().filter({ $0.offset % 20 == 0 }).prefix(4).map(\.element) {
            let prompt = Array(tok.encode(doc, allowSpecial: false).prefix(12))
            let out = model.generate(prompt: prompt, maxNewTokens: 80, options: SamplingOptions(temperature: 0.8, topK: 40),
                                     stop: [model.config.eosTokenID], rng: &rng)
            md += "**Prompt:** \(tok.decode(prompt))\n\n**Continuation:** \(tok.decode(out))\n\n---\n\n"
        }
        try AtomicFile.write(md, to: url)
    }
}

/// Chapter 2's figures: the loss curves against the unigram baseline, and one head's attention.
enum PretrainingFigures {
    static func write(dir: URL, metrics: MetricsWriter, unigram: Double, model: GPT, tokenizer: BPETokenizer, text: String) throws {
        let rows = metrics.rows
        var chart = LineChart(title: "Pretraining on the SupportDesk corpus", xLabel: "step", yLabel: "cross-entropy (nats/token)", logY: true)
        chart.add(LineSeries(name: "train loss", x: rows.map { $0[0] }, y: rows.map { $0[1] }, smoothing: 0.9))
        let ev = rows.filter { !$0[2].isNaN }
        chart.add(LineSeries(name: "eval loss", x: ev.map { $0[0] }, y: ev.map { $0[2] }, marker: .circle))
        if let last = rows.last?[0] {
            chart.add(LineSeries(name: "unigram baseline", x: [0, last], y: [unigram, unigram]))
        }
        try chart.write(to: dir.appendingPathComponent("loss.png").path)

        // Attention weights of the last layer's first head on the start of one document.
        let ids = Array(tokenizer.encode(text, allowSpecial: false).prefix(24))
        let last = model.config.layers - 1
        let w = model.attentionWeights(ids, layer: last)           // [H, T, T]; head 1 is the first T×T
        let t = ids.count
        let labels = ids.map { tokenizer.decode([$0]).replacingOccurrences(of: "\n", with: "\\n") }
        let grid = (0..<t).map { i in (0..<t).map { j in Double(w.data[i * t + j]) } }
        let heat = Heatmap(title: "Attention weights, layer \(last + 1), head 1", xLabel: "key (attended to)", yLabel: "query",
                           values: grid, rowLabels: labels, columnLabels: labels, range: 0...1, colorBarLabel: "weight")
        try heat.write(to: dir.appendingPathComponent("attention.png").path, width: 900, height: 800)
    }
}
