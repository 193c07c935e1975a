import Autograd
import Core
import Foundation
import Transformer

/// Reward-model files in Hugging Face's `GPT2ForSequenceClassification` layout:
/// `model.safetensors` with the backbone's tensors under `transformer.` and `score.weight`
/// [1, n_embd]; `config.json` = the GPT-2 config with `architectures:
/// ["GPT2ForSequenceClassification"]`, `num_labels: 1` and `pad_token_id` (which Hugging Face
/// needs to find the last real token). `AutoModelForSequenceClassification.from_pretrained`
/// reads the folder; the tokenizer files are saved beside it by the run.
extension RewardModel {
    public func save(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Safetensors.write(namedParameters.map { (name: $0.0, tensor: $0.1.value) }, metadata: ["format": "pt"],
                              to: directory.appendingPathComponent(GPT.weightsFile).path)
        let base = try JSONEncoder().encode(backbone.config)
        guard var config = try JSONSerialization.jsonObject(with: base) as? [String: Any] else {
            throw CourseError("RewardModel.save: the GPT config did not encode as a JSON object")
        }
        config["architectures"] = ["GPT2ForSequenceClassification"]
        config["num_labels"] = 1
        config["id2label"] = ["0": "LABEL_0"]
        config["label2id"] = ["LABEL_0": 0]
        config["pad_token_id"] = pad
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data + Data("\n".utf8), to: directory.appendingPathComponent(GPT.configFile))
    }

    /// Loads a folder written by `save(directory:)` (or by Hugging Face for a one-label GPT-2
    /// classifier). Errors name the file and the tensor.
    public static func load(directory: URL) throws -> RewardModel {
        let configPath = directory.appendingPathComponent(GPT.configFile).path
        let config = try GPTConfig.load(path: configPath)
        struct Extra: Decodable { var pad_token_id: Int?; var num_labels: Int?; var id2label: [String: String]? }
        let extra = try readJSON(Extra.self, from: configPath)
        let labels = extra.num_labels ?? extra.id2label?.count ?? 1
        guard labels == 1 else { throw CourseError(file: configPath, "num_labels is \(labels); a reward model has one") }
        guard let pad = extra.pad_token_id else {
            throw CourseError(file: configPath, "no pad_token_id: the last real token of a padded batch cannot be found")
        }
        let path = directory.appendingPathComponent(GPT.weightsFile).path
        let file = try SafetensorsFile.open(path: path)
        let names = Set(file.entries.map(\.name))
        let backbone = GPT(config, seed: 0)
        for (name, p) in backbone.namedParameters {
            guard let stored = ["transformer." + name, name].first(where: names.contains) else {
                throw CourseError(file: path, "missing tensor \"transformer.\(name)\"")
            }
            let t = try file.tensor(stored)
            guard t.shape == p.shape else {
                throw CourseError(file: path, "tensor \"\(stored)\" has shape \(t.shape), the config needs \(p.shape)")
            }
            p.value.data.update(from: t.data, count: t.count)
        }
        guard names.contains("score.weight") else {
            throw CourseError(file: path, "missing tensor \"score.weight\" (a language model, not a reward model?)")
        }
        let head = try file.tensor("score.weight")
        guard head.shape == [1, config.embeddingSize] else {
            throw CourseError(file: path, "tensor \"score.weight\" has shape \(head.shape), expected [1, \(config.embeddingSize)]")
        }
        return RewardModel(backbone: backbone, score: head, pad: pad)
    }
}
