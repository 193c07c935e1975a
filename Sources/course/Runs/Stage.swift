import Core
import Foundation

/// A finished stage leaves `done.json` in its folder, written last, naming the preset and seed
/// it was built with. Later chapters reuse a finished stage with the same preset and seed and
/// rebuild it otherwise; a stage killed midway has no `done.json` and is run again (resuming
/// from its checkpoint where it keeps one).
struct StageMarker: Codable, Equatable {
    var preset: Preset
    var seed: UInt64

    static func isDone(_ dir: URL, _ ctx: RunContext) -> Bool {
        let url = dir.appendingPathComponent("done.json")
        guard let m = try? readJSON(StageMarker.self, from: url.path) else { return false }
        return m == StageMarker(preset: ctx.preset, seed: ctx.seed)
    }

    static func markDone(_ dir: URL, _ ctx: RunContext) throws {
        try writeJSON(StageMarker(preset: ctx.preset, seed: ctx.seed), to: dir.appendingPathComponent("done.json"))
    }

    static func clear(_ dir: URL) {
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("done.json"))
    }
}
