import Core
import Foundation

/// A GPT-2 model's shape, stored as Hugging Face's `config.json` (same keys), so a checkpoint
/// written here loads in `transformers` and a downloaded GPT-2 loads here.
public struct GPTConfig: Codable, Equatable, Sendable {
    public var vocabSize: Int
    public var contextLength: Int    // n_positions
    public var embeddingSize: Int    // n_embd
    public var layers: Int           // n_layer
    public var heads: Int            // n_head
    public var innerSize: Int?       // n_inner (nil: 4 * n_embd)
    public var layerNormEpsilon: Float = 1e-5
    public var bosTokenID: Int = 0
    public var eosTokenID: Int = 0

    public init(vocabSize: Int, contextLength: Int, embeddingSize: Int, layers: Int, heads: Int,
                innerSize: Int? = nil, eosTokenID: Int? = nil) {
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.embeddingSize = embeddingSize
        self.layers = layers
        self.heads = heads
        self.innerSize = innerSize
        self.eosTokenID = eosTokenID ?? vocabSize - 1
        self.bosTokenID = self.eosTokenID
    }

    public var mlpSize: Int { innerSize ?? 4 * embeddingSize }
    public var headSize: Int { embeddingSize / heads }

    /// Parameter count (the tied lm_head counted once).
    public var parameterCount: Int {
        let c = embeddingSize, f = mlpSize
        let block = 2 * 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * f + f) + (f * c + c)
        return vocabSize * c + contextLength * c + layers * block + 2 * c
    }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", contextLength = "n_positions", embeddingSize = "n_embd"
        case layers = "n_layer", heads = "n_head", innerSize = "n_inner"
        case layerNormEpsilon = "layer_norm_epsilon"
        case residDropout = "resid_pdrop", embdDropout = "embd_pdrop", attnDropout = "attn_pdrop"
        case bosTokenID = "bos_token_id", eosTokenID = "eos_token_id"
        case modelType = "model_type", activation = "activation_function", tie = "tie_word_embeddings"
        case architectures, nCtx = "n_ctx"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        contextLength = try c.decode(Int.self, forKey: .contextLength)
        embeddingSize = try c.decode(Int.self, forKey: .embeddingSize)
        layers = try c.decode(Int.self, forKey: .layers)
        heads = try c.decode(Int.self, forKey: .heads)
        innerSize = try c.decodeIfPresent(Int.self, forKey: .innerSize)
        layerNormEpsilon = try c.decodeIfPresent(Float.self, forKey: .layerNormEpsilon) ?? 1e-5
        bosTokenID = try c.decodeIfPresent(Int.self, forKey: .bosTokenID) ?? vocabSize - 1
        eosTokenID = try c.decodeIfPresent(Int.self, forKey: .eosTokenID) ?? vocabSize - 1
        if let t = try c.decodeIfPresent(String.self, forKey: .modelType), t != "gpt2" {
            throw DecodingError.dataCorruptedError(forKey: .modelType, in: c, debugDescription: "model_type \"\(t)\" is not gpt2")
        }
        if let a = try c.decodeIfPresent(String.self, forKey: .activation), !["gelu_new", "gelu_pytorch_tanh"].contains(a) {
            throw DecodingError.dataCorruptedError(forKey: .activation, in: c, debugDescription: "activation \"\(a)\" is not supported (gelu_new)")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .tie) == false {
            throw DecodingError.dataCorruptedError(forKey: .tie, in: c, debugDescription: "untied lm_head is not supported")
        }
        try validate()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(contextLength, forKey: .contextLength)
        try c.encode(contextLength, forKey: .nCtx)
        try c.encode(embeddingSize, forKey: .embeddingSize)
        try c.encode(layers, forKey: .layers)
        try c.encode(heads, forKey: .heads)
        try c.encode(innerSize, forKey: .innerSize)   // null means 4 * n_embd
        try c.encode(layerNormEpsilon, forKey: .layerNormEpsilon)
        // The kit trains without dropout (the data are small and clean, the runs short); the
        // three keys say so, since transformers would otherwise assume 0.1 when training on.
        for key in [CodingKeys.residDropout, .embdDropout, .attnDropout] { try c.encode(Float(0), forKey: key) }
        try c.encode(bosTokenID, forKey: .bosTokenID)
        try c.encode(eosTokenID, forKey: .eosTokenID)
        try c.encode("gpt2", forKey: .modelType)
        try c.encode("gelu_new", forKey: .activation)
        try c.encode(true, forKey: .tie)
        try c.encode(["GPT2LMHeadModel"], forKey: .architectures)
    }

    /// Rejects shapes that cannot form a model (and sizes a hostile config could use to make
    /// us allocate without bound). Sizes are checked before any product of them is formed, and
    /// the parameter count is estimated in floating point, so no value traps on overflow.
    public func validate() throws {
        for (name, v) in [("vocab_size", vocabSize), ("n_positions", contextLength), ("n_embd", embeddingSize),
                          ("n_layer", layers), ("n_head", heads), ("n_inner", innerSize ?? 1)] where v <= 0 || v > 1 << 20 {
            throw CourseError("config.json: \(name) = \(v) is out of range")
        }
        if mlpSize > 1 << 20 { throw CourseError("config.json: n_inner = 4 * n_embd = \(mlpSize) is out of range") }
        if embeddingSize % heads != 0 { throw CourseError("config.json: n_embd \(embeddingSize) is not divisible by n_head \(heads)") }
        let c = Double(embeddingSize), f = Double(mlpSize)
        let estimate = Double(vocabSize + contextLength) * c + Double(layers) * (4 * c * c + 2 * c * f + 9 * c + f) + 2 * c
        if estimate > 4e9 {
            throw CourseError("config.json: the model would have too many parameters (\(Int(estimate)), the limit is 4000000000)")
        }
        // Hugging Face's own small configs keep GPT-2's 50256 with a smaller vocabulary: an id
        // past the vocabulary is never sampled, so only a negative id is an error.
        for (name, id) in [("bos_token_id", bosTokenID), ("eos_token_id", eosTokenID)] where id < 0 {
            throw CourseError("config.json: \(name) = \(id) is negative")
        }
        if !(layerNormEpsilon.isFinite && layerNormEpsilon > 0) {
            throw CourseError("config.json: layer_norm_epsilon = \(layerNormEpsilon) must be a positive number")
        }
    }

    public static func load(path: String) throws -> GPTConfig {
        do {
            let c = try readJSON(GPTConfig.self, from: path)
            try c.validate()
            return c
        } catch let e as CourseError where e.message.hasPrefix("config.json: ") {
            // `validate` cannot know the path; name the real file (a run has several configs).
            throw CourseError(file: path, String(e.message.dropFirst("config.json: ".count)))
        }
    }
}
