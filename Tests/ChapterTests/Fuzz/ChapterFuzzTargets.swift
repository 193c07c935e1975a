import Autograd
import Core
import DPO
import Foundation
import FuzzSupport
import LoRA
import RewardModel
import SFT
import SupportDesk
import Transformer

// The chapters' and SupportDesk's loaders of outside input as fuzz targets. This file imports
// no test framework: scripts/fuzz.sh compiles it into the libFuzzer harnesses too.

enum ChapterFuzzTargets {
    static let jsonTokens = ["{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "\\u0000", "\\ud800", "0", "-1", " ", "\n"]
    static let rowTokens = jsonTokens + ["\"role\"", "\"content\"", "\"system\"", "\"user\"", "\"assistant\"", "\"messages\"",
                                         "\"prompt\"", "\"completion\"", "\"chosen\"", "\"rejected\"", "\"label\"", "\"truth\"",
                                         "\"id\"", "\"text\"", "\"combo\"", "\"flaw\"", "\"kind\"", "\"expected\"", "\"\"", "[]", "{}", "\r\n"]
    static let configKeys = ["\"vocab_size\"", "\"n_positions\"", "\"n_embd\"", "\"n_layer\"", "\"n_head\"", "\"n_inner\"",
                             "\"layer_norm_epsilon\"", "\"resid_pdrop\"", "\"bos_token_id\"", "\"eos_token_id\"", "\"model_type\"",
                             "\"activation_function\"", "\"tie_word_embeddings\"", "1048576", "1048577", "\"gpt2\"", "\"gelu_new\""]

    /// `GPTConfig.load` (Hugging Face config.json, validated).
    static let config = LoaderFuzzTarget(name: "gpt-config", files: ["config.json"], dictionary: jsonTokens + configKeys) { dir in
        let c = try GPTConfig.load(path: dir.appendingPathComponent("config.json").path)
        _ = c
        return 0
    }

    /// `BPETokenizer.load` (vocab.json + merges.txt), then encode and decode a mixed text.
    static let tokenizer = LoaderFuzzTarget(
        name: "tokenizer", files: ["vocab.json", "merges.txt"],
        dictionary: jsonTokens + ["#version: 0.2", "<|endoftext|>", "<|im_start|>", "<|", "|>", "Ġ", "Ċ", "Ġt", "he", " ", "  ", "\r\n", "\u{0}"]
    ) { dir in
        let tok = try BPETokenizer.load(directory: dir.path)
        let ids = tok.encode("Hello world, the café 日本語 <|endoftext|> <|im_start|>\n\t  done")
        _ = tok.decode(ids + [-1, tok.vocabSize])
        return tok.tokenBytes.reduce(0) { $0 + $1.count + 16 }
    }

    /// `SFTData.load` (TRL conversational and prompt-completion JSONL).
    static let sftData = LoaderFuzzTarget(name: "sft-data", files: ["sft.jsonl"], dictionary: rowTokens) { dir in
        let conversations = try SFTData.load(path: dir.appendingPathComponent("sft.jsonl").path)
        return conversations.reduce(0) { $0 + $1.reduce(0) { $0 + $1.content.utf8.count } }
    }

    /// `PreferenceData.load` (TRL preference pairs: prompt, chosen, rejected), read by the
    /// reward model, DPO and `--data` of chapters 6 and 8.
    static let preferenceData = LoaderFuzzTarget(name: "preference-data", files: ["preferences.jsonl"], dictionary: rowTokens) { dir in
        let pairs = try PreferenceData.load(path: dir.appendingPathComponent("preferences.jsonl").path)
        return pairs.reduce(0) { $0 + $1.chosen.utf8.count + $1.rejected.utf8.count + $1.prompt.reduce(0) { $0 + $1.content.utf8.count } }
    }

    /// `UnpairedPreference.load` (KTO's prompt, completion, label rows).
    static let unpairedPreference = LoaderFuzzTarget(name: "unpaired-preference", files: ["unpaired.jsonl"], dictionary: rowTokens) { dir in
        let rows = try UnpairedPreference.load(path: dir.appendingPathComponent("unpaired.jsonl").path)
        return rows.reduce(0) { $0 + $1.completion.utf8.count + $1.prompt.reduce(0) { $0 + $1.content.utf8.count } }
    }

    /// SupportDesk's six JSONL loaders, one target each.
    static func supportDesk(_ name: String, _ load: @escaping @Sendable (String) throws -> Int) -> LoaderFuzzTarget {
        LoaderFuzzTarget(name: "supportdesk-\(name)", files: ["\(name).jsonl"], dictionary: rowTokens + ["\"scenario\"", "\"lang\"", "\"ja\"",
                                                                                                           "\"order_id\"", "\"required\"", "\"steps\"", "\"cues\""]) { dir in
            try load(dir.appendingPathComponent("\(name).jsonl").path)
        }
    }
    static let supportDeskTargets = [
        supportDesk("sft") { try Dataset.loadSFT(path: $0).count },
        supportDesk("preferences") { try Dataset.loadPreferences(path: $0).count },
        supportDesk("unpaired") { try Dataset.loadUnpaired(path: $0).count },
        supportDesk("eval") { try Dataset.loadEval(path: $0).count },
        supportDesk("adversarial") { try Dataset.loadAdversarial(path: $0).count },
        supportDesk("corpus") { try Dataset.loadCorpus(path: $0).count },
    ]

    static let safetensorsTokens = ["\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"F16\"", "\"BF16\"", "\"transformer.", "h.0.",
                                    "wte.weight", "lm_head.weight", ".attn.bias"]

    /// `GPT.load(directory:)`: config.json + model.safetensors (names and shapes checked), then
    /// one forward pass. Builds the model (4 bytes a parameter), so at most ~4x the file.
    static let checkpoint = LoaderFuzzTarget(
        name: "gpt-checkpoint", files: ["config.json", "model.safetensors"],
        dictionary: jsonTokens + configKeys + safetensorsTokens, factor: 8
    ) { dir in
        let model = try GPT.load(directory: dir)
        _ = noGrad { model.logits([0], batch: 1) }
        return model.config.parameterCount * 4
    }

    /// The tiny model every training-checkpoint seed is saved from (see FuzzCorpusWriter).
    static let tinyConfig = GPTConfig(vocabSize: 8, contextLength: 4, embeddingSize: 4, layers: 1, heads: 2)

    /// `TrainingCheckpoint.load` into a fresh tiny model and AdamW, then what `Pretraining.resume`
    /// does with the state (restores the random generator).
    static let trainingCheckpoint = LoaderFuzzTarget(
        name: "training-checkpoint",
        files: ["latest.json", "step-2/config.json", "step-2/model.safetensors", "step-2/optimizer.safetensors", "step-2/state.json"],
        dictionary: jsonTokens + configKeys + safetensorsTokens + ["\"latest\"", "\"step-2\"", "\"../\"", "\"step\"", "\"rng\"", "\"adamStep\"", "adam.m.", "adam.v."]
    ) { dir in
        let model = GPT(tinyConfig, seed: 0)
        let optimizer = AdamW(model.parameters)
        if let state = try TrainingCheckpoint.load(into: model, optimizer: optimizer, from: dir) {
            _ = SeededRandom(stateWords: state.rng)
        }
        return 0
    }

    /// `LoRA.load(into:from:)`: PEFT's adapter_config.json + adapter_model.safetensors, loaded
    /// into a fresh tiny model (what it builds: the adapter weights, 4 bytes a value).
    static let loraAdapter = LoaderFuzzTarget(
        name: "lora-adapter", files: ["adapter_config.json", "adapter_model.safetensors"],
        dictionary: jsonTokens + safetensorsTokens + ["\"r\"", "\"lora_alpha\"", "\"lora_dropout\"", "\"target_modules\"", "\"peft_type\"",
                                                      "\"LORA\"", "\"use_dora\"", "\"use_rslora\"", "\"bias\"", "\"rank_pattern\"", "\"c_attn\"",
                                                      "\"c_fc\"", "lora_A.weight", "lora_B.weight", "lora_magnitude_vector", "base_model.model.transformer."],
        factor: 8
    ) { dir in
        let model = GPT(tinyConfig, seed: 0)
        let params = try LoRA.load(into: model, from: dir)
        _ = noGrad { model.logits([0], batch: 1) }
        return params.reduce(0) { $0 + $1.value.count * 4 }
    }

    static let all = [config, tokenizer, sftData, preferenceData, unpairedPreference] + supportDeskTargets + [checkpoint, trainingCheckpoint, loraAdapter]
}
