import Core
import Foundation
import SupportDesk

/// One stage of the chain, as the scheduler sees it: a chapter's run with its own settings, the
/// earlier stages it reads, and a folder under runs/. The chapter module does the work; the
/// stage only says what it needs and how to call it.
protocol Stage {
    associatedtype Settings: Encodable
    /// The folder under runs/ (`rlhf/ppo`, `dpo/sigmoid-lora`, ...).
    var folder: String { get }
    /// The stages whose outputs this one reads; the scheduler builds them first when missing.
    var dependencies: [any Stage] { get }
    /// What this stage trains with. Its fingerprint is recorded in done.json: a folder built with
    /// other settings (or from an older data generator) is built again.
    func settings(_ s: Schedule) -> Settings
    /// Other settings a finished folder may carry and still serve (a study the chain runs
    /// smaller than its chapter does).
    func accepted(_ s: Schedule) -> [Settings]
    /// Reads the learner's own inputs (a data file) before anything is built: a bad file fails
    /// before any work is done.
    func check() throws
    /// Runs the chapter into `spec.dir`; dependencies are already built (`s.folder(of:)`).
    func run(_ spec: RunSpec, settings: Settings, schedule s: Schedule) throws
}

extension Stage {
    var dependencies: [any Stage] { [] }
    func accepted(_ s: Schedule) -> [Settings] { [settings(s)] }
    func check() throws {}
}

/// Where runs go, with which preset and seed, and whether to resume; builds stages in order of
/// their dependencies and records each finished one with a `done.json` marker, written last.
/// A stage killed midway has no marker and runs again (resuming from its checkpoint where it
/// keeps one, with `--resume`).
struct Schedule {
    let runs: URL
    let preset: Preset
    let seed: UInt64
    var resume = false
    /// A Hugging Face GPT-2 folder (`--base DIR`) that replaces the pretrained model.
    var base: URL? = nil
    /// The built-in data world: its seed (fixed while the training seed varies) and language.
    var dataSeed: UInt64 = 1
    var language = "en"
    /// `--policy-change`: the world every stage after pretraining trains and measures on (the
    /// pretrained model is kept, as a team keeps its base model when a policy changes).
    var policyChange = ""
    /// With `--seeds`, every seed fine-tunes the same pretrained model: the first seed's
    /// `transformer` folder (and its seed), as a team fine-tunes one released checkpoint.
    var sharedPretraining: (runs: URL, seed: UInt64)? = nil

    static let pretrainingFolders: Set<String> = ["autograd", "transformer"]

    func url(_ folder: String) -> URL {
        if let shared = sharedPretraining, Self.pretrainingFolders.contains(folder) { return shared.runs.appendingPathComponent(folder) }
        return runs.appendingPathComponent(folder)
    }

    /// The training seed of a stage's folder (the shared pretraining keeps its own).
    func seed(of folder: String) -> UInt64 {
        if let shared = sharedPretraining, Self.pretrainingFolders.contains(folder) { return shared.seed }
        return seed
    }

    /// The folder of a dependency (built by `build` before the stage that reads it runs).
    func folder(of stage: any Stage) -> URL { url(stage.folder) }

    /// Builds `stage` unless (`force` false) its folder already holds a finished run with
    /// accepted settings; its dependencies are built first when they are missing.
    @discardableResult
    func build<S: Stage>(_ stage: S, force: Bool) throws -> URL {
        let dir = url(stage.folder)
        if stage.accepted(self).contains(where: { isDone(dir, settings: $0, folder: stage.folder) }) {
            if !force { return dir }
        }
        try stage.check()
        for d in stage.dependencies { try ensure(d) }
        let settings = stage.settings(self)
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("done.json"))
        let cost = try StageCost.measure(stage.folder, preset: preset) {
            try stage.run(try RunSpec(dir: dir, preset: preset, seed: seed(of: stage.folder), dataSeed: dataSeed, language: language, resume: resume,
                                      policyChange: policy(of: stage.folder) ?? ""),
                          settings: settings, schedule: self)
        }
        try cost.write(to: dir)
        try writeJSON(marker(settings, folder: stage.folder), to: dir.appendingPathComponent("done.json"))
        return dir
    }

    /// A dependency: built when missing, reused otherwise.
    @discardableResult
    func ensure(_ stage: any Stage) throws -> URL {
        try build(stage, force: false)
    }

    /// In `course run all`, a stage already built is reused, and says so.
    func reuseOrBuild<S: Stage>(_ stage: S) throws {
        let dir = url(stage.folder)
        if stage.accepted(self).contains(where: { isDone(dir, settings: $0, folder: stage.folder) }) {
            print("\(stage.folder): already built with these settings, reused (delete \(dir.path) to rebuild)")
            return
        }
        try build(stage, force: true)
    }

    // MARK: done.json

    struct Marker: Codable, Equatable {
        var preset: Preset
        var seed: UInt64
        var dataSeed: UInt64
        var language: String
        /// The stage's settings as JSON: a stage built with other settings is rebuilt.
        var settings: String
        /// The policy change of its data world (absent for the world as generated).
        var policyChange: String? = nil
    }

    /// The policy change a stage's folder is built with (nil: the world as generated).
    func policy(of folder: String) -> String? {
        policyChange.isEmpty || Self.pretrainingFolders.contains(folder) ? nil : policyChange
    }

    /// With `--base`, every stage's marker names the base: a stage built on another model is built again.
    func marker<S: Encodable>(_ settings: S, folder: String) -> Marker {
        Marker(preset: preset, seed: seed(of: folder), dataSeed: dataSeed, language: language,
               settings: Self.fingerprint(settings) + (base.map { " base " + $0.standardizedFileURL.path } ?? ""),
               policyChange: policy(of: folder))
    }

    func isDone<S: Encodable>(_ dir: URL, settings: S, folder: String) -> Bool {
        (try? readJSON(Marker.self, from: dir.appendingPathComponent("done.json").path)) == marker(settings, folder: folder)
    }

    /// The settings as sorted JSON, after the built-in data's version: when the generator
    /// changes what it writes, every stage built from the old data is rebuilt, not only the
    /// first one that reads it.
    static func fingerprint<S: Encodable>(_ s: S) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return "data \(Dataset.version) " + ((try? String(decoding: enc.encode(s), as: UTF8.self)) ?? "")
    }
}
