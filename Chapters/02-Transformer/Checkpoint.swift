import Autograd
import Core
import Foundation

/// Model files in Hugging Face GPT-2 layout: `config.json` + `model.safetensors`, tensor names
/// prefixed with `transformer.` as `save_pretrained` writes them, `lm_head` tied (not stored),
/// `{"format": "pt"}` metadata so `transformers` loads the file as its own.
extension GPT {
    public static let weightsFile = "model.safetensors"
    public static let configFile = "config.json"

    public func save(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Safetensors.write(namedParameters.map { (name: "transformer." + $0.0, tensor: $0.1.value) },
                              metadata: ["format": "pt"],
                              to: directory.appendingPathComponent(GPT.weightsFile).path)
        try writeJSON(config, to: directory.appendingPathComponent(GPT.configFile))
    }

    /// Loads a checkpoint saved by this kit or by Hugging Face (`save_pretrained` or an original
    /// hub file): names with or without the `transformer.` prefix; the attention mask buffers
    /// (`attn.bias`, `attn.masked_bias`) and a stored tied `lm_head.weight` are ignored.
    /// Every expected tensor must be present with its exact shape; errors name the tensor.
    public static func load(directory: URL) throws -> GPT {
        let config = try GPTConfig.load(path: directory.appendingPathComponent(configFile).path)
        let path = directory.appendingPathComponent(weightsFile).path
        let file = try SafetensorsFile.open(path: path)
        // Names and shapes are checked before the model is allocated: a 1 KB config.json may
        // describe billions of parameters, and only a file that holds them all may make us
        // allocate them (so memory stays bounded by the file's size).
        _ = try checkTensors(of: file, expected: parameterShapes(config))
        let model = GPT(config, seed: 0)
        try model.loadWeights(from: file)
        return model
    }

    /// Copies the weights of `file` into this model (shapes must match the config).
    public func loadWeights(from file: SafetensorsFile) throws {
        let params = namedParameters
        let byName = try Self.checkTensors(of: file, expected: params.map { ($0.0, $0.1.shape) })
        for (name, p) in params {
            let t = try file.tensor(byName[name]!.name)
            p.value.data.update(from: t.data, count: t.count)
        }
    }

    /// The name and shape of every parameter of a GPT with `config`, in `namedParameters`
    /// order, computed without building the model.
    public static func parameterShapes(_ config: GPTConfig) -> [(String, [Int])] {
        let c = config.embeddingSize, f = config.mlpSize
        var out: [(String, [Int])] = [("wte.weight", [config.vocabSize, c]), ("wpe.weight", [config.contextLength, c])]
        for i in 0..<config.layers {
            let p = "h.\(i)."
            out += [(p + "ln_1.weight", [c]), (p + "ln_1.bias", [c]), (p + "attn.c_attn.weight", [c, 3 * c]), (p + "attn.c_attn.bias", [3 * c]),
                    (p + "attn.c_proj.weight", [c, c]), (p + "attn.c_proj.bias", [c]), (p + "ln_2.weight", [c]), (p + "ln_2.bias", [c]),
                    (p + "mlp.c_fc.weight", [c, f]), (p + "mlp.c_fc.bias", [f]), (p + "mlp.c_proj.weight", [f, c]), (p + "mlp.c_proj.bias", [c])]
        }
        return out + [("ln_f.weight", [c]), ("ln_f.bias", [c])]
    }

    /// The file's entry for every expected parameter name, from `loadPlan`; its errors name
    /// the file too.
    static func checkTensors(of file: SafetensorsFile, expected: [(String, [Int])]) throws -> [String: SafetensorsEntry] {
        let plan: [String: String]
        do {
            plan = try loadPlan(checkpoint: file.entries.map { ($0.name, $0.shape) }, parameters: expected.map { ($0.0, $0.1) })
        } catch let e as CourseError {
            throw CourseError(file: file.path, e.message)
        }
        let entries = Dictionary(file.entries.map { ($0.name, $0) }) { a, _ in a }
        return plan.mapValues { entries[$0]! }
    }

    // MARK: book load-plan
    /// Which tensor of a checkpoint fills which parameter (exercise 2.6's idea): parameter name →
    /// the checkpoint's tensor name. A checkpoint saved by this kit or by Hugging Face
    /// (`save_pretrained`, or an original hub file) names the model's tensors with or without
    /// `transformer.` in front; it may also hold tensors that are not parameters: the attention
    /// mask buffers (last two name parts `attn.bias` or `attn.masked_bias`; `attn.c_attn.bias`
    /// is a parameter) and the output layer `lm_head.weight`, tied to `wte.weight`. Everything
    /// else must match one parameter exactly, shape included, and every parameter must be
    /// there: a model loaded half from the file and half from its random start would train or
    /// answer without a word of warning. Each refusal is one line naming the tensor.
    public static func loadPlan(checkpoint: [(name: String, shape: [Int])],
                                parameters: [(name: String, shape: [Int])]) throws -> [String: String] {
        KitAnswer.used("GPT.loadPlan", answers: "2.6")
        var byName: [String: (name: String, shape: [Int])] = [:]
        for t in checkpoint {
            let name = t.name.hasPrefix("transformer.") ? String(t.name.dropFirst("transformer.".count)) : t.name
            let lastTwo = name.split(separator: ".", omittingEmptySubsequences: false).suffix(2).joined(separator: ".")
            if lastTwo == "attn.bias" || lastTwo == "attn.masked_bias" || name == "lm_head.weight" { continue }
            if let first = byName[name] {
                throw CourseError("tensors \"\(CourseError.escape(first.name))\" and \"\(CourseError.escape(t.name))\" are both \"\(CourseError.escape(name))\"")
            }
            byName[name] = t
        }
        for (name, shape) in parameters {
            guard let t = byName[name] else { throw CourseError("missing tensor \"\(name)\"") }
            guard t.shape == shape else { throw CourseError("tensor \"\(name)\" has shape \(t.shape), the config needs \(shape)") }
        }
        let known = Set(parameters.map(\.name))
        if let u = byName.keys.filter({ !known.contains($0) }).sorted().first {
            throw CourseError("unexpected tensor \"\(CourseError.escape(byName[u]!.name))\" (not part of a GPT-2 with this config)")
        }
        return byName.mapValues(\.name)
    }
    // MARK: end
}

/// What a stopped run needs to continue exactly where it was: the model, the AdamW moments,
/// the step, the random generator's state. Written to a fresh `step-N/` folder, then a small
/// pointer file (`latest.json`) is replaced atomically, so a run killed at any moment leaves
/// the previous checkpoint intact.
public struct TrainingCheckpoint {
    public struct State: Codable {
        public var step: Int
        public var rng: [UInt64]
        public var adamStep: Int
        public var extra: [String: Double] = [:]
    }

    public static func save(model: GPT, optimizer: AdamW, state: State, in dir: URL, keep: Int = 1) throws {
        let name = "step-\(state.step)"
        let folder = dir.appendingPathComponent(name)
        try model.save(directory: folder)
        var tensors: [(name: String, tensor: Tensor)] = []
        for (i, (n, _)) in model.namedParameters.enumerated() where i < optimizer.m.count {
            tensors.append(("adam.m." + n, optimizer.m[i]))
            tensors.append(("adam.v." + n, optimizer.v[i]))
        }
        try Safetensors.write(tensors, to: folder.appendingPathComponent("optimizer.safetensors").path)
        try writeJSON(state, to: folder.appendingPathComponent("state.json"))
        try AtomicFile.write(Data("{\"latest\": \"\(name)\"}\n".utf8), to: dir.appendingPathComponent("latest.json"))
        // Only now that the pointer has moved, older checkpoints may go.
        let old = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let steps = old.compactMap { $0.hasPrefix("step-") ? Int($0.dropFirst(5)) : nil }.sorted()
        for s in steps.dropLast(keep) where s != state.step {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("step-\(s)"))
        }
    }

    /// Loads the latest checkpoint into `model` and `optimizer`; nil when there is none.
    public static func load(into model: GPT, optimizer: AdamW, from dir: URL) throws -> State? {
        let pointer = dir.appendingPathComponent("latest.json")
        guard FileManager.default.fileExists(atPath: pointer.path) else { return nil }
        struct Latest: Codable { var latest: String }
        let latest = try readJSON(Latest.self, from: pointer.path).latest
        // Only a "step-N" folder inside `dir`: the pointer must not lead elsewhere on the disk.
        guard latest.hasPrefix("step-"), latest.count > 5, latest.dropFirst(5).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CourseError(file: pointer.path, "\"latest\" must name a step-N folder, found \"\(CourseError.escape(latest, limit: 60))\"")
        }
        let folder = dir.appendingPathComponent(latest)
        let config = try GPTConfig.load(path: folder.appendingPathComponent(GPT.configFile).path)
        guard config == model.config else {
            throw CourseError(file: folder.path, "checkpoint config differs from this run's model (delete the folder to start over)")
        }
        try model.loadWeights(from: try SafetensorsFile.open(path: folder.appendingPathComponent(GPT.weightsFile).path))
        let opt = try SafetensorsFile.open(path: folder.appendingPathComponent("optimizer.safetensors").path)
        // Every moment tensor must match its parameter's shape before anything is restored.
        for (name, p) in model.namedParameters {
            for key in ["adam.m." + name, "adam.v." + name] {
                guard let e = opt.entry(key) else { throw CourseError(file: opt.path, "missing tensor \"\(key)\"") }
                guard e.shape == p.shape else { throw CourseError(file: opt.path, "tensor \"\(key)\" has shape \(e.shape), the model needs \(p.shape)") }
            }
        }
        let names = model.namedParameters.map(\.0)
        let m = try names.map { try opt.tensor("adam.m." + $0) }, v = try names.map { try opt.tensor("adam.v." + $0) }
        let statePath = folder.appendingPathComponent("state.json").path
        let state = try readJSON(State.self, from: statePath)
        guard state.rng.count == 4, state.rng.contains(where: { $0 != 0 }) else {
            throw CourseError(file: statePath, "\"rng\" must hold 4 numbers, not all zero (found \(state.rng.count))")
        }
        guard state.step >= 0, state.adamStep >= 0 else {
            throw CourseError(file: statePath, "\"step\" and \"adamStep\" must not be negative")
        }
        optimizer.restore(m: m, v: v, step: state.adamStep)
        return state
    }
}
