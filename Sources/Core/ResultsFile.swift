import Foundation

/// A Markdown results table rendered from what a finished run recorded (`course results`): the
/// file name inside the stage's folder ("results.md", "results-flaws.md") and its text. The
/// book includes these files with `@results(...)`; the same recorded files always give the same
/// bytes, so a table in the book can be checked against a rerun of the renderer.
public struct ResultsFile: Equatable, Sendable {
    public var name: String
    public var markdown: String
    public init(_ name: String, _ markdown: String) { (self.name, self.markdown) = (name, markdown) }
}

/// Where a results table comes from, read from the stage's `done.json` (the marker `course run`
/// writes last, so only a finished stage has one). Printed as one line under every table.
public struct RunProvenance: Codable, Equatable, Sendable {
    public var preset: Preset
    public var seed: UInt64
    public var language: String?
    public var policyChange: String?

    public init(preset: Preset, seed: UInt64, language: String? = nil, policyChange: String? = nil) {
        (self.preset, self.seed, self.language, self.policyChange) = (preset, seed, language, policyChange)
    }

    /// The marker of the finished stage in `dir`; an unfinished stage is an error naming the folder.
    public static func read(_ dir: URL) throws -> RunProvenance {
        let url = dir.appendingPathComponent("done.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CourseError(file: dir.path, "no done.json: this stage has not finished")
        }
        return try readJSON(RunProvenance.self, from: url.path)
    }

    /// The marker the finished stages in `dirs` share; stages built with another preset, seed,
    /// language or policy change cannot share a table.
    public static func common(_ dirs: [URL]) throws -> RunProvenance {
        guard let first = dirs.first else { throw CourseError("no finished stage to render") }
        let p = try read(first)
        for d in dirs.dropFirst() where try read(d) != p {
            throw CourseError(file: d.path, "built with another preset, seed, language or policy change than \(first.path); rebuild one of them")
        }
        return p
    }

    /// "Recorded by `course run all` (default preset, seed 1; one seed)." `command` is the command
    /// that builds this folder with the settings it recorded.
    public func line(_ command: String) -> String { line(commands: [command]) }

    /// "Recorded by `a` and `b` (default preset, seed 1; one seed)." for a table over several runs.
    public func line(commands: [String]) -> String {
        let quoted = commands.map { "`\($0)`" }
        let list = quoted.count <= 2 ? quoted.joined(separator: " and ")
                                     : quoted.dropLast().joined(separator: ", ") + " and " + quoted.last!
        var parts = ["\(preset.rawValue) preset", "seed \(seed)"]
        if let language, language != "en" { parts.append("data in \(language == "ja" ? "Japanese" : language)") }
        if let policyChange, !policyChange.isEmpty { parts.append("policy change \(policyChange)") }
        return "Recorded by \(list) (" + parts.joined(separator: ", ") + "; one seed)."
    }
}

/// Table cells as text, the same on every machine (no locale, fixed decimals).
public enum Cell {
    /// "0.873" for `number(0.8731, 3)`; "–" when the value is missing or not finite.
    public static func number(_ x: Double?, _ digits: Int) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format: "%.\(digits)f", x)
    }

    /// A share as a percentage: "61.7%" for `percent(0.6166, 1)`; "–" when unknown.
    public static func percent(_ x: Double?, _ digits: Int = 0) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format: "%.\(digits)f%%", 100 * x)
    }
}
