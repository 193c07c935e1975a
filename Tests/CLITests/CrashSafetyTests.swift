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
        let d = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("course-\(name)-\(getpid())")
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

    @Test("A pretraining run killed at a random moment resumes to the same final weights",
          arguments: [0.0, 0.3])
    func killAndResumePretraining(delay: Double) throws {
        let whole = Self.temp("whole-\(Int(delay * 100))"), killed = Self.temp("killed-\(Int(delay * 100))")
        #expect(try Self.course(["run", "transformer", "--preset", "quick", "--runs", whole.path]) == 0)
        let latest = killed.appendingPathComponent("transformer/checkpoints/latest.json")
        try Self.course(["run", "transformer", "--preset", "quick", "--runs", killed.path], killAfter: delay,
                        when: { FileManager.default.fileExists(atPath: latest.path) })
        // The killed run left a loadable checkpoint; resuming finishes the run.
        #expect(FileManager.default.fileExists(atPath: latest.path))
        #expect(try Self.course(["run", "transformer", "--preset", "quick", "--runs", killed.path, "--resume"]) == 0)
        for f in ["transformer/model/model.safetensors", "transformer/metrics.csv"] {
            #expect(Self.file(whole.appendingPathComponent(f)) == Self.file(killed.appendingPathComponent(f)), "\(f) differs after resume")
        }
    }

    @Test("An SFT run killed at a random moment resumes to the same final weights", arguments: [0.2])
    func killAndResumeSFT(delay: Double) throws {
        let whole = Self.temp("sft-whole-\(Int(delay * 100))"), killed = Self.temp("sft-killed-\(Int(delay * 100))")
        #expect(try Self.course(["run", "sft", "--preset", "quick", "--runs", whole.path]) == 0)
        let latest = killed.appendingPathComponent("sft/checkpoints/latest.json")
        try Self.course(["run", "sft", "--preset", "quick", "--runs", killed.path], killAfter: delay,
                        when: { FileManager.default.fileExists(atPath: latest.path) })
        #expect(try Self.course(["run", "sft", "--preset", "quick", "--runs", killed.path, "--resume"]) == 0)
        for f in ["sft/model/model.safetensors", "sft/metrics.csv"] {
            #expect(Self.file(whole.appendingPathComponent(f)) == Self.file(killed.appendingPathComponent(f)), "\(f) differs after resume")
        }
    }

    @Test("A DPO run killed during training resumes to the same final weights")
    func killAndResumeDPO() throws {
        let whole = Self.temp("dpo-whole"), killed = Self.temp("dpo-killed")
        #expect(try Self.course(["run", "dpo", "--preset", "quick", "--runs", whole.path]) == 0)
        let latest = killed.appendingPathComponent("dpo/sigmoid/checkpoints/latest.json")
        try Self.course(["run", "dpo", "--preset", "quick", "--runs", killed.path], killAfter: 0,
                        when: { FileManager.default.fileExists(atPath: latest.path) })
        #expect(FileManager.default.fileExists(atPath: latest.path))
        #expect(try Self.course(["run", "dpo", "--preset", "quick", "--runs", killed.path, "--resume"]) == 0)
        for f in ["dpo/sigmoid/model/model.safetensors", "dpo/sigmoid/metrics.csv"] {
            let x = Self.file(whole.appendingPathComponent(f))
            #expect(!x.isEmpty && x == Self.file(killed.appendingPathComponent(f)), "\(f) differs after resume")
        }
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
