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
    public let seed: UInt64
    public let resume: Bool

    public init(dir: URL, preset: Preset, seed: UInt64, resume: Bool = false) throws {
        (self.dir, self.preset, self.seed, self.resume) = (dir, preset, seed, resume)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    public var quick: Bool { preset == .quick }

    /// A file in the run's folder.
    public func file(_ name: String) -> URL { dir.appendingPathComponent(name) }

    /// The same run in a subfolder (created).
    public func sub(_ name: String) throws -> RunSpec {
        try RunSpec(dir: file(name), preset: preset, seed: seed, resume: resume)
    }
}
