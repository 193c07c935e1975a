import Core
import ArgumentParser
import Foundation
import Testing
@testable import course

/// The fixture with planted problems (Tests/Fixtures/datacheck).
let dataFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/datacheck")

@Test("course data check exits non-zero on the fixture with planted problems")
func dataCheckFailsOnFixture() throws {
    let files = ["train.jsonl", "corpus.jsonl", "eval.jsonl"].map { dataFixture.appendingPathComponent($0).path }
    var command = try Course.parseAsRoot(["data", "check", "--max", "0"] + files)
    #expect(throws: ExitCode.self) { try command.run() }
}

@Test("course data generate writes the files, and course data check passes them")
func dataGenerateThenCheck() throws {
    let dir = ScratchFolder.root.appendingPathComponent("course-data-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    var generate = try Course.parseAsRoot(["data", "generate", "--lang", "ja", "--size", "small", "--seed", "3", "--out", dir.path])
    try generate.run()
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(names == ["adversarial.jsonl", "corpus.jsonl", "datacard.md", "dev.jsonl", "lengths.csv",
                      "lengths.png", "preferences.jsonl", "safety.jsonl", "sft.jsonl", "test.jsonl", "unpaired.jsonl"])
    let jsonl = names.filter { $0.hasSuffix(".jsonl") }.map { dir.appendingPathComponent($0).path }
    var check = try Course.parseAsRoot(["data", "check"] + jsonl)
    try check.run()
}

@Test("Bad arguments are rejected with a message, not a crash")
func dataBadArguments() {
    #expect(throws: (any Error).self) { try Course.parseAsRoot(["data", "generate", "--lang", "fr", "--out", "/tmp/x"]) }
    #expect(throws: (any Error).self) { try Course.parseAsRoot(["data", "generate", "--size", "huge", "--out", "/tmp/x"]) }
}
