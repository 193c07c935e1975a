import Core
import Foundation
import LoRA
import QLoRA
import Testing
@testable import course

@Suite("course run lora / qlora")
struct LoRARunTests {
    @Test("The quick QLoRA run writes the comparison of full FT, LoRA r1-r64 (and r16 with the embeddings) and QLoRA, adapters and NF4 figures")
    func quickStudy() throws {
        let runs = ScratchFolder.root.appendingPathComponent("lora-run-\(UUID().uuidString)")
        try Schedule(runs: runs, preset: .quick, seed: 1).build(QLoRAStage(), force: true)
        let qlora = runs.appendingPathComponent("qlora")
        let text = try String(contentsOf: qlora.appendingPathComponent("comparison.csv"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 8)   // header + seven configurations
        for name in ["full", "lora-r1", "lora-r4", "lora-r16", "lora-r64", "lora-r16-wte", "qlora-r16"] { #expect(text.contains("\n\(name),")) }
        let results = try readJSON([FineTuneStudy.Result].self, from: qlora.appendingPathComponent("results.json").path)
        let byName = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0) })
        // Trainable parameters grow linearly with the rank; the base stays whole for full FT.
        #expect(byName["lora-r4"]!.trainable == 4 * byName["lora-r1"]!.trainable)
        #expect(byName["full"]!.trainable == byName["full"]!.total)
        #expect(byName["qlora-r16"]!.trainable == byName["lora-r16"]!.trainable)
        // Modules to save add the whole embedding table [V, C] to the adapters' count.
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: runs.appendingPathComponent("transformer/model/config.json"))) as! [String: Any]
        let table = (model["vocab_size"] as! Int) * (model["n_embd"] as! Int)
        #expect(byName["lora-r16-wte"]!.trainable == byName["lora-r16"]!.trainable + table)
        #expect(byName["qlora-r16"]!.baseBitsPerParameter < 4.2 && byName["lora-r16"]!.baseBitsPerParameter == 32)
        #expect(results.allSatisfy { $0.peakMB > 0 && $0.evalLoss.isFinite })
        for file in ["comparison.md", "grader.png", "memory.png", "loss.png", "nf4_histogram.png", "quantization_error.png",
                     "memory_at_scale.csv", "qlora-r16/quantization.csv", "qlora-r16/adapter/adapter_model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: qlora.appendingPathComponent(file).path), "\(file)")
        }
        let adapter = runs.appendingPathComponent("lora/lora-r16/adapter")
        #expect(FileManager.default.fileExists(atPath: adapter.appendingPathComponent("adapter_config.json").path))
        #expect(FileManager.default.fileExists(atPath: adapter.appendingPathComponent("logits_check.json").path))
        try? FileManager.default.removeItem(at: runs)
    }
}
