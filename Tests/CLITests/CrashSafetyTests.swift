import Core
import Foundation
import Testing

/// Runs the real `course` binary in a child process, so a run can be killed with SIGKILL at a
/// random moment and resumed, as a learner's laptop would.
@Suite("Crash safety and determinism of chapter runs", .serialized)
struct CrashSafetyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        for config in ["debug", "release"] {
            let url = root.appendingPathComponent(".build/\(config)/course")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/course")
    }

    static func temp(_ name: String) -> URL {
        let d = ScratchFolder.root.appendingPathComponent("course-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: d)
        return d
    }

    @discardableResult
    static func course(_ args: [String], killAfter seconds: Double? = nil, when condition: (() -> Bool)? = nil) throws -> Int32 {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        if let seconds, let condition {
            while p.isRunning && !condition() { usleep(10_000) }
            usleep(useconds_t(seconds * 1_000_000))
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        return p.terminationStatus
    }

    static func file(_ url: URL) -> Data { (try? Data(contentsOf: url)) ?? Data() }

    @Test("The same seed gives byte-identical metrics and weights for pretraining and SFT")
    func determinism() throws {
        let a = Self.temp("det-a"), b = Self.temp("det-b")
        for d in [a, b] { #expect(try Self.course(["run", "sft", "--preset", "quick", "--runs", d.path]) == 0) }
        for f in ["transformer/metrics.csv", "sft/metrics.csv", "transformer/model/model.safetensors", "sft/model/model.safetensors"] {
            let x = Self.file(a.appendingPathComponent(f)), y = Self.file(b.appendingPathComponent(f))
            #expect(!x.isEmpty && x == y, "\(f) differs between two runs with the same seed")
        }
    }

    /// Runs `chapter` once whole, once killed `delay` seconds after its first checkpoint
    /// appeared in `folder`/checkpoints, then resumed; the final weights and metrics must match.
    static func killAndResume(_ chapter: String, folder: String, delay: Double, tag: String) throws {
        let whole = temp("\(tag)-whole"), killed = temp("\(tag)-killed")
        #expect(try course(["run", chapter, "--preset", "quick", "--runs", whole.path]) == 0)
        let latest = killed.appendingPathComponent("\(folder)/checkpoints/latest.json")
        try course(["run", chapter, "--preset", "quick", "--runs", killed.path], killAfter: delay,
                   when: { FileManager.default.fileExists(atPath: latest.path) })
        // The killed run left a loadable checkpoint; resuming finishes the run.
        #expect(FileManager.default.fileExists(atPath: latest.path))
        #expect(try course(["run", chapter, "--preset", "quick", "--runs", killed.path, "--resume"]) == 0)
        for f in ["\(folder)/model/model.safetensors", "\(folder)/metrics.csv"] {
            let x = file(whole.appendingPathComponent(f))
            #expect(!x.isEmpty && x == file(killed.appendingPathComponent(f)), "\(f) differs after resume")
        }
    }

    @Test("A pretraining run killed at a random moment resumes to the same final weights",
          arguments: [0.0, 0.3])
    func killAndResumePretraining(delay: Double) throws {
        try Self.killAndResume("transformer", folder: "transformer", delay: delay, tag: "pretrain-\(Int(delay * 100))")
    }

    @Test("An SFT run killed at a random moment resumes to the same final weights", arguments: [0.2])
    func killAndResumeSFT(delay: Double) throws {
        try Self.killAndResume("sft", folder: "sft", delay: delay, tag: "sft-\(Int(delay * 100))")
    }

    @Test("A DPO run killed during training resumes to the same final weights")
    func killAndResumeDPO() throws {
        try Self.killAndResume("dpo", folder: "dpo/sigmoid", delay: 0, tag: "dpo")
    }

    @Test("Bad input to course gets a one-line error and a non-zero exit")
    func badInput() throws {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["run", "no-such-chapter"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus != 0)
        #expect(text.contains("unknown chapter \"no-such-chapter\""))
        #expect(text.split(separator: "\n").count == 1, "expected one line, got: \(text)")
    }
}
