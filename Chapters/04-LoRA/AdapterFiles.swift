import Autograd
import Core
import Foundation
import Transformer

/// The `adapter_config.json` PEFT writes and reads (the fields a LoRA on GPT-2 needs).
/// Other fields PEFT writes are ignored on load; missing ones take PEFT's defaults.
public struct PEFTAdapterConfig: Codable, Sendable {
    public var peftType = "LORA"
    public var taskType: String? = "CAUSAL_LM"
    public var r: Int
    public var loraAlpha: Float
    public var loraDropout: Float
    public var targetModules: [String]
    /// True for GPT-2: its Conv1D layers store W as [in, out], so PEFT transposes ΔW.
    public var fanInFanOut = true
    public var bias = "none"
    public var useRSLoRA = false
    public var useDoRA = false
    public var initLoraWeights = true
    public var inferenceMode = true
    public var baseModelNameOrPath: String?
    /// Modules trained in full beside the adapters (null when none, as PEFT writes it).
    public var modulesToSave: [String]?
    /// The blocks that get adapters (absent when all do; PEFT writes null).
    public var layersToTransform: [Int]?

    enum CodingKeys: String, CodingKey {
        case peftType = "peft_type", taskType = "task_type", r, loraAlpha = "lora_alpha", loraDropout = "lora_dropout"
        case targetModules = "target_modules", fanInFanOut = "fan_in_fan_out", bias, useRSLoRA = "use_rslora"
        case useDoRA = "use_dora", initLoraWeights = "init_lora_weights", inferenceMode = "inference_mode"
        case baseModelNameOrPath = "base_model_name_or_path", modulesToSave = "modules_to_save"
        case layersToTransform = "layers_to_transform"
    }
    /// PEFT options this loader does not implement; a file that uses them is refused rather
    /// than loaded into a model that would compute something else.
    enum UnsupportedKeys: String, CodingKey {
        case rankPattern = "rank_pattern", alphaPattern = "alpha_pattern", layersPattern = "layers_pattern"
        case loraBias = "lora_bias"
    }

    public init(_ c: LoRAConfig, baseModel: String? = nil) {
        (r, loraAlpha, loraDropout, targetModules) = (c.rank, c.alpha, c.dropout, c.targets)
        (useRSLoRA, useDoRA, baseModelNameOrPath) = (c.useRSLoRA, c.useDoRA, baseModel)
        // PEFT trains copies of the modules it saves, and `lm_head` is a module of its own
        // there: the tied output layer must be listed too, or PEFT would train only the input
        // side of the table we trained.
        let modules = c.modulesToSave + (c.modulesToSave.contains("wte") ? ["lm_head"] : [])
        modulesToSave = modules.isEmpty ? nil : modules
        layersToTransform = c.layersToTransform
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        peftType = try c.decodeIfPresent(String.self, forKey: .peftType) ?? "LORA"
        taskType = try c.decodeIfPresent(String.self, forKey: .taskType)
        r = try c.decodeIfPresent(Int.self, forKey: .r) ?? 8
        loraAlpha = try c.decodeIfPresent(Float.self, forKey: .loraAlpha) ?? 8
        loraDropout = try c.decodeIfPresent(Float.self, forKey: .loraDropout) ?? 0
        if let list = try? c.decode([String].self, forKey: .targetModules) {
            targetModules = list
        } else if let regex = try? c.decode(String.self, forKey: .targetModules) {
            throw CourseError("target_modules is the regular expression \"\(CourseError.escape(regex, limit: 80))\"; only a list of module names is supported")
        } else {
            targetModules = ["c_attn"]   // PEFT's default for GPT-2
        }
        fanInFanOut = try c.decodeIfPresent(Bool.self, forKey: .fanInFanOut) ?? true
        bias = try c.decodeIfPresent(String.self, forKey: .bias) ?? "none"
        useRSLoRA = try c.decodeIfPresent(Bool.self, forKey: .useRSLoRA) ?? false
        useDoRA = try c.decodeIfPresent(Bool.self, forKey: .useDoRA) ?? false
        initLoraWeights = (try? c.decodeIfPresent(Bool.self, forKey: .initLoraWeights)) ?? true
        inferenceMode = try c.decodeIfPresent(Bool.self, forKey: .inferenceMode) ?? true
        baseModelNameOrPath = try c.decodeIfPresent(String.self, forKey: .baseModelNameOrPath)
        modulesToSave = try c.decodeIfPresent([String].self, forKey: .modulesToSave)
        // PEFT takes one block index or a list of them.
        if let one = try? c.decodeIfPresent(Int.self, forKey: .layersToTransform) {
            layersToTransform = [one]
        } else {
            layersToTransform = try c.decodeIfPresent([Int].self, forKey: .layersToTransform)
        }
        let u = try decoder.container(keyedBy: UnsupportedKeys.self)
        for key in [UnsupportedKeys.rankPattern, .alphaPattern] {
            if let m = try? u.decodeIfPresent([String: Double].self, forKey: key), !m.isEmpty {
                throw CourseError("\(key.rawValue) is not supported (one rank and alpha for every layer)")
            }
        }
        // GPT-2's blocks are "h.<i>"; PEFT finds them without a pattern, or with "h".
        if u.contains(.layersPattern), !(try u.decodeNil(forKey: .layersPattern)) {
            let pattern = (try? u.decode([String].self, forKey: .layersPattern)) ?? (try? u.decode(String.self, forKey: .layersPattern)).map { [$0] }
            guard let pattern, pattern.allSatisfy({ $0 == "h" }) else { throw CourseError("layers_pattern is not supported (GPT-2's blocks are \"h\")") }
        }
        if (try? u.decodeIfPresent(Bool.self, forKey: .loraBias)) == true { throw CourseError("lora_bias is not supported") }
    }

    public var loraConfig: LoRAConfig {
        LoRAConfig(rank: r, alpha: loraAlpha, dropout: loraDropout, targets: targetModules, useRSLoRA: useRSLoRA, useDoRA: useDoRA,
                   modulesToSave: (modulesToSave ?? []).filter { $0 != "lm_head" }, layersToTransform: layersToTransform)
    }
}

extension LoRA {
    public static let configFile = "adapter_config.json"
    public static let weightsFile = "adapter_model.safetensors"

    // MARK: book adapter-save
    /// Writes `adapter_config.json` + `adapter_model.safetensors` exactly as PEFT's
    /// `save_pretrained` does for GPT2LMHeadModel: keys such as
    /// "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight" (no adapter name),
    /// A [r, in], B [out, r], DoRA's "…lora_magnitude_vector" [out], metadata {"format": "pt"}.
    public static func save(_ model: GPT, config: LoRAConfig, to dir: URL, baseModel: String? = nil) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tensors = namedParameters(of: model, config: config).map { (name: $0.0, tensor: $0.1.value) }
        try Safetensors.write(tensors, metadata: ["format": "pt"], to: dir.appendingPathComponent(weightsFile).path)
        try writeJSON(PEFTAdapterConfig(config, baseModel: baseModel), to: dir.appendingPathComponent(configFile))
    }
    // MARK: end

    /// Reads an adapter folder written by `save` or by PEFT, attaches adapters with its
    /// config to `model` (which must have none yet) and copies the weights in. Returns the
    /// trainable adapter parameters. Every expected tensor must be present with its shape,
    /// and no other tensor may be in the file; errors name the file and the tensor.
    @discardableResult
    public static func load(into model: GPT, from dir: URL) throws -> [Variable] {
        let configPath = dir.appendingPathComponent(configFile).path
        let peft: PEFTAdapterConfig
        do { peft = try readJSON(PEFTAdapterConfig.self, from: configPath) } catch let e as CourseError where !e.message.hasPrefix(configPath) {
            throw CourseError(file: configPath, e.message)
        }
        guard peft.peftType == "LORA" else { throw CourseError(file: configPath, "peft_type is \"\(CourseError.escape(peft.peftType, limit: 40))\", expected \"LORA\"") }
        guard peft.r > 0 else { throw CourseError(file: configPath, "r must be positive, got \(peft.r)") }
        guard peft.bias == "none" else { throw CourseError(file: configPath, "bias \"\(CourseError.escape(peft.bias, limit: 40))\" is not supported (only \"none\")") }
        guard peft.loraAlpha.isFinite, peft.loraDropout >= 0, peft.loraDropout < 1 else {
            throw CourseError(file: configPath, "lora_alpha must be finite and lora_dropout in [0, 1) (got \(peft.loraAlpha), \(peft.loraDropout))")
        }
        let config = peft.loraConfig
        if let m = peft.modulesToSave, m.contains("wte") != m.contains("lm_head") {
            throw CourseError(file: configPath, "modules_to_save \(m) lists only one of wte and lm_head; this model ties them (list both)")
        }
        let targets = model.linearLayers.filter { config.isTarget($0.0) }
        guard !targets.isEmpty else {
            let blocks = config.layersToTransform.map { " in the blocks \($0)" } ?? ""
            throw CourseError(file: configPath, "target_modules \(config.targets)\(blocks) match no layer of this model")
        }
        if let busy = targets.first(where: { $0.1.adapter != nil }) {
            throw CourseError("\(busy.0) already has an adapter; load into a fresh model")
        }
        let path = dir.appendingPathComponent(weightsFile).path
        let file = try SafetensorsFile.open(path: path)
        // r comes from a small JSON file: the rank-bearing tensors' shapes are checked before
        // attaching (which allocates r · (in + out) values per layer), so what a load allocates
        // stays bounded by the weights file's size.
        for (name, layer) in targets {
            for (suffix, shape) in [("lora_A.weight", [config.rank, layer.inFeatures]), ("lora_B.weight", [layer.outFeatures, config.rank])] {
                let key = "base_model.model.transformer.\(name).\(suffix)"
                guard let e = file.entry(key) else { throw CourseError(file: path, "missing tensor \"\(key)\"") }
                guard e.shape == shape else { throw CourseError(file: path, "tensor \"\(key)\" has shape \(e.shape), this model needs \(shape)") }
            }
        }
        let trainableBefore = model.namedParameters.map { $0.1.requiresGrad }
        let params = attach(to: model, config: config, seed: 0)
        let expected = namedParameters(of: model, config: config)
        do {
            if let m = config.modulesToSave.first(where: { m in !model.namedParameters.contains { $0.0.hasPrefix(m + ".") } }) {
                throw CourseError(file: configPath, "modules_to_save \"\(CourseError.escape(m, limit: 40))\" matches no module of this model")
            }
            // Check every tensor before copying any: a module to save is a base parameter,
            // which a failed load must leave untouched.
            for (name, p) in expected {
                guard let e = file.entry(name) else { throw CourseError(file: path, "missing tensor \"\(name)\"") }
                guard e.shape == p.shape else {
                    throw CourseError(file: path, "tensor \"\(name)\" has shape \(e.shape), this model needs \(p.shape)")
                }
            }
            if file.entry(tiedOutputName) != nil, try file.tensor(tiedOutputName).array != file.tensor("base_model.model.transformer.wte.weight").array {
                throw CourseError(file: path, "\"\(tiedOutputName)\" differs from the wte table; this model ties its output layer to wte")
            }
            let unknown = Set(file.names).subtracting(expected.map(\.0))
            if let u = unknown.sorted().first {
                throw CourseError(file: path, "unexpected tensor \"\(CourseError.escape(u))\" (not an adapter of the targets \(config.targets))")
            }
            for (name, p) in expected {
                let t = try file.tensor(name)
                p.value.data.update(from: t.data, count: t.count)
            }
        } catch {
            // Leave the model as it was: no adapters, the same parameters trainable.
            for (_, layer) in targets { layer.adapter = nil }
            for ((_, p), t) in zip(model.namedParameters, trainableBefore) { p.requiresGrad = t }
            throw error
        }
        return params
    }
}
