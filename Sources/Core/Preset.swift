import Foundation

/// How big a run is: every chapter's settings come in these two sizes.
public enum Preset: String, Codable, CaseIterable, Sendable {
    /// A smoke run of seconds, used by tests.
    case quick
    /// Meaningful results in minutes on 2 cores (release build).
    case `default`
}

/// What a chapter's run is given by whoever schedules it: its own folder (created), the preset
/// its settings come from, the seed, and whether to continue from its last checkpoint.
public struct RunSpec: Sendable {
    public let dir: URL
    public let preset: Preset
    /// The training seed: initial weights, batch order, sampling. `--seeds 1,2,3` varies it.
    public let seed: UInt64
    /// The seed of the built-in data world (the shop, its orders and the dev/test prompts). It
    /// stays 1 when the training seed varies, so every seed is measured on the same test prompts.
    public let dataSeed: UInt64
    /// The language of the built-in data world ("en" or "ja").
    public let language: String
    public let resume: Bool
    /// A change of the shop's policies applied to the built-in data world (`--policy-change
    /// return-window=45`), empty for the world as generated.
    public var policyChange = ""

    public init(dir: URL, preset: Preset, seed: UInt64, dataSeed: UInt64 = 1, language: String = "en", resume: Bool = false,
                policyChange: String = "") throws {
        (self.dir, self.preset, self.seed, self.dataSeed, self.language, self.resume) = (dir, preset, seed, dataSeed, language, resume)
        self.policyChange = policyChange
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    public var quick: Bool { preset == .quick }

    /// A file in the run's folder.
    public func file(_ name: String) -> URL { dir.appendingPathComponent(name) }

    /// The same run in a subfolder (created).
    public func sub(_ name: String) throws -> RunSpec {
        try RunSpec(dir: file(name), preset: preset, seed: seed, dataSeed: dataSeed, language: language, resume: resume,
                    policyChange: policyChange)
    }
}
