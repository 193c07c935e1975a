import Core
import Foundation
import SupportDesk

/// A finished stage leaves `done.json` in its folder, written last, naming the preset and seed
/// it was built with. Later chapters reuse a finished stage with the same preset and seed and
/// rebuild it otherwise; a stage killed midway has no `done.json` and is run again (resuming
/// from its checkpoint where it keeps one).
struct StageMarker: Codable, Equatable {
    var preset: Preset
    var seed: UInt64
    /// The stage's settings as JSON: a stage built with other settings is rebuilt.
    var settings: String

    static func isDone<S: Encodable>(_ dir: URL, _ ctx: RunContext, settings: S) -> Bool {
        let url = dir.appendingPathComponent("done.json")
        guard let m = try? readJSON(StageMarker.self, from: url.path) else { return false }
        return m == StageMarker(preset: ctx.preset, seed: ctx.seed, settings: fingerprint(settings))
    }

    static func markDone<S: Encodable>(_ dir: URL, _ ctx: RunContext, settings: S) throws {
        try writeJSON(StageMarker(preset: ctx.preset, seed: ctx.seed, settings: fingerprint(settings)),
                      to: dir.appendingPathComponent("done.json"))
    }

    /// The settings as sorted JSON, after the built-in data's version: when the generator
    /// changes what it writes, every stage built from the old data is rebuilt, not only the
    /// first one that reads it.
    static func fingerprint<S: Encodable>(_ s: S) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return "data \(Dataset.version) " + ((try? String(decoding: enc.encode(s), as: UTF8.self)) ?? "")
    }

    /// In `course run all`, a stage already built with the same settings is skipped.
    static func skip<S: Encodable>(_ dir: URL, _ ctx: RunContext, settings: S) -> Bool {
        skip(dir, ctx, anyOf: [settings])
    }

    /// The same, for a stage the chain runs smaller than its chapter does: either result serves.
    static func skip<S: Encodable>(_ dir: URL, _ ctx: RunContext, anyOf settings: [S]) -> Bool {
        guard !ctx.force, settings.contains(where: { isDone(dir, ctx, settings: $0) }) else { return false }
        print("\(dir.lastPathComponent): already built with these settings, reused (delete \(dir.path) to rebuild)")
        return true
    }

    static func clear(_ dir: URL) {
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("done.json"))
    }
}
