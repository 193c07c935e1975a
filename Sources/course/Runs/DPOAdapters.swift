import Autograd
import Core
import Foundation
import Transformer

/// `--lora` for Chapter 8: which parameters DPO trains, and what happens to them afterwards.
enum DPOAdapters {
    /// nil (every weight) without LoRA.
    static func trainableParameters(_ model: GPT, lora: Bool, seed: UInt64) throws -> [Variable]? {
        guard lora else { return nil }
        throw CourseError("--lora needs Chapter 4's LoRA.attach, which this build does not have yet")
    }

    static func finish(_ model: GPT, lora: Bool, dir: URL) throws {}
}
