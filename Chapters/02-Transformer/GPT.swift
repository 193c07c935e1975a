import Autograd
import Core
import Foundation

/// One transformer block, pre-LayerNorm (GPT-2): h = x + attn(ln_1(x)); h = h + mlp(ln_2(h)).
public final class Block {
    public let ln1: LayerNorm, attn: CausalSelfAttention, ln2: LayerNorm
    public let mlpFC: Linear, mlpProj: Linear

    init(_ config: GPTConfig, rng: inout SeededRandom) {
        let c = config.embeddingSize
        ln1 = LayerNorm(c, eps: config.layerNormEpsilon)
        attn = CausalSelfAttention(config, rng: &rng)
        ln2 = LayerNorm(c, eps: config.layerNormEpsilon)
        mlpFC = Linear(c, config.mlpSize, std: 0.02, rng: &rng)
        mlpProj = Linear(config.mlpSize, c, std: 0.02 / (2 * Float(config.layers)).squareRoot(), rng: &rng)
    }

    // MARK: book block
    func callAsFunction(_ x: Variable, cache: LayerCache?, segments: [Int]?) -> Variable {
        let h = x + attn(ln1(x), cache: cache, segments: segments)   // tokens exchange information
        return h + mlpProj(mlpFC.gelu(ln2(h)))                 // each token is processed alone
    }
    // MARK: end
}

/// GPT-2: token + position embeddings, a stack of blocks, a final LayerNorm, and an output
/// layer that reuses the token embedding matrix (tied weights).
public final class GPT {
    public let config: GPTConfig
    public let wte: Variable   // [V, C] token embeddings (also the output layer)
    public let wpe: Variable   // [T_max, C] position embeddings
    public let blocks: [Block]
    public let lnF: LayerNorm

    public init(_ config: GPTConfig, seed: UInt64) {
        self.config = config
        var rng = SeededRandom(seed: seed)
        func normal(_ shape: [Int], _ std: Float) -> Variable {
            let t = Tensor(zeros: shape)
            for i in 0..<t.count { t.data[i] = rng.normal() * std }
            return Variable(t, requiresGrad: true)
        }
        wte = normal([config.vocabSize, config.embeddingSize], 0.02)
        wpe = normal([config.contextLength, config.embeddingSize], 0.01)
        var blocks: [Block] = []
        for _ in 0..<config.layers { blocks.append(Block(config, rng: &rng)) }
        self.blocks = blocks
        lnF = LayerNorm(config.embeddingSize, eps: config.layerNormEpsilon)
        for (name, p) in namedParameters { p.name = name }
    }

    /// Every parameter with its Hugging Face name (no `transformer.` prefix), in a fixed order.
    public var namedParameters: [(String, Variable)] {
        var out: [(String, Variable)] = [("wte.weight", wte), ("wpe.weight", wpe)]
        for (i, b) in blocks.enumerated() {
            let p = "h.\(i)."
            out += [(p + "ln_1.weight", b.ln1.weight), (p + "ln_1.bias", b.ln1.bias),
                    (p + "attn.c_attn.weight", b.attn.cAttn.weight), (p + "attn.c_attn.bias", b.attn.cAttn.bias),
                    (p + "attn.c_proj.weight", b.attn.cProj.weight), (p + "attn.c_proj.bias", b.attn.cProj.bias),
                    (p + "ln_2.weight", b.ln2.weight), (p + "ln_2.bias", b.ln2.bias),
                    (p + "mlp.c_fc.weight", b.mlpFC.weight), (p + "mlp.c_fc.bias", b.mlpFC.bias),
                    (p + "mlp.c_proj.weight", b.mlpProj.weight), (p + "mlp.c_proj.bias", b.mlpProj.bias)]
        }
        out += [("ln_f.weight", lnF.weight), ("ln_f.bias", lnF.bias)]
        return out
    }

    public var parameters: [Variable] { namedParameters.map(\.1) }

    /// Every linear layer with its Hugging Face module name ("h.0.attn.c_attn"): what LoRA targets.
    public var linearLayers: [(String, Linear)] {
        blocks.enumerated().flatMap { i, b in
            [("h.\(i).attn.c_attn", b.attn.cAttn), ("h.\(i).attn.c_proj", b.attn.cProj),
             ("h.\(i).mlp.c_fc", b.mlpFC), ("h.\(i).mlp.c_proj", b.mlpProj)]
        }
    }

    // MARK: book gpt-forward
    /// Final hidden states for token ids [B, T] (row-major in `ids`) -> [B, T, C].
    /// With a cache, `ids` are the new tokens only and positions continue after the cache.
    /// Packed batches pass each token's `positions` (restarting at 0 for every example) and
    /// `segments` (example numbers) so examples sharing a row cannot attend to each other.
    public func hidden(_ ids: [Int], batch: Int, cache: KVCache? = nil, positions: [Int]? = nil,
                       segments: [Int]? = nil) -> Variable {
        let t = ids.count / batch
        TokenMeter.add(ids.count)      // for the cost of each stage (chapter 9)
        let start = cache?.length ?? 0
        precondition(start + t <= config.contextLength,
                     "GPT: \(start + t) positions exceed the context length \(config.contextLength)")
        let positions = positions ?? (0..<batch).flatMap { _ in Array(start..<(start + t)) }
        var x = Variable.embedding(wte, ids: ids, shape: [batch, t])        // [B, T, C]
            + Variable.embedding(wpe, ids: positions, shape: [batch, t])
        for (i, block) in blocks.enumerated() {
            x = block(x, cache: cache?.layers[i], segments: segments)
        }
        cache?.length += t
        return lnF(x)
    }

    /// Next-token logits [B, T, V]: the hidden states times the token embedding matrix.
    public func logits(_ ids: [Int], batch: Int, cache: KVCache? = nil, positions: [Int]? = nil,
                       segments: [Int]? = nil) -> Variable {
        Variable.matmul(hidden(ids, batch: batch, cache: cache, positions: positions, segments: segments),
                        wte, transposeB: true)
    }

    /// Mean next-token cross-entropy: position t predicts targets[t]; positions whose target is
    /// `CrossEntropy.ignoreIndex` (−100) are skipped.
    public func loss(_ ids: [Int], targets: [Int], batch: Int, positions: [Int]? = nil, segments: [Int]? = nil) -> Variable {
        let l = logits(ids, batch: batch, positions: positions, segments: segments)
        return l.reshaped([ids.count, config.vocabSize]).crossEntropy(targets: targets)
    }
    // MARK: end

    /// The attention weights [H, T, T] of block `layer` for one sequence of token ids: the
    /// blocks before it run as usual, then that block's attention is read, not applied.
    public func attentionWeights(_ ids: [Int], layer: Int) -> Tensor {
        noGrad {
            var x = Variable.embedding(wte, ids: ids, shape: [1, ids.count])
                + Variable.embedding(wpe, ids: Array(0..<ids.count), shape: [1, ids.count])
            for block in blocks.prefix(layer) { x = block(x, cache: nil, segments: nil) }
            let w = blocks[layer].attn.weights(blocks[layer].ln1(x))       // [1, H, T, T]
            return w.reshaped([config.heads, ids.count, ids.count])
        }
    }
}
