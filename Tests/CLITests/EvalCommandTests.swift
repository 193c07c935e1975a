import ArgumentParser
import Core
import Foundation
import SupportDesk
import Testing
@testable import course

/// `course eval`: finished model folders graded on the world before and after a policy change.
@Suite("course eval", .serialized)
struct EvalCommandTests {
    static let dir = ScratchFolder.root.appendingPathComponent("eval-tests-\(getpid())")

    @Test("Model names come from their run folders")
    func names() {
        #expect(EvalCommand.name("runs/dpo/sigmoid/model") == "dpo/sigmoid")
        #expect(EvalCommand.name("runs/sft/model/") == "sft")
        #expect(EvalCommand.name("/tmp/elsewhere/my-model") == "my-model")
    }

    @Test("With a policy change, each model is graded on the same touched prompts before and after it")
    func policyChange() throws {
        let out = Self.dir.appendingPathComponent("drift.md")
        try FileManager.default.createDirectory(at: Self.dir, withIntermediateDirectories: true)
        var command = try Course.parseAsRoot(["eval", "--model", LabelCommandTests.modelDir.path, "--policy-change", "return-window=45",
                                             "--size", "small", "--prompts", "3", "--out", out.path])
        try command.run()
        let table = try String(contentsOf: out, encoding: .utf8)
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| model ") == false && $0.hasPrefix("| ") }
        #expect(rows.count == 2, "\(table)")
        #expect(rows[0].contains("| current policies | 3 |") && rows[0].contains("| – |"))
        #expect(rows[1].contains("| return-window=45 | 3 |") && !rows[1].contains("| – |"))
        #expect(table.contains("Electronics 30 → 45"))
    }

    @Test("Bad input gets a one-line error, not a crash")
    func badInput() throws {
        #expect(throws: (any Error).self) { try Course.parseAsRoot(["eval"]) }
        #expect(throws: (any Error).self) {
            try Course.parseAsRoot(["eval", "--model", "x", "--policy-change", "return-window=45", "--data", "y.jsonl"])
        }
        var missing = try Course.parseAsRoot(["eval", "--model", Self.dir.appendingPathComponent("none").path])
        #expect(throws: CourseError.self) { try missing.run() }
        var bad = try Course.parseAsRoot(["eval", "--model", LabelCommandTests.modelDir.path, "--policy-change", "return-window=2"])
        #expect(throws: CourseError.self) { try bad.run() }
    }
}
