import Foundation
import Testing
import Core
@testable import course

@Suite("course inspect") struct InspectCommandTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ChapterTests/Fixtures/hf-tiny-gpt2/model.safetensors").standardized.path

    @Test("the table lists every tensor with dtype, shape and bytes, the parameter count and the metadata")
    func table() throws {
        let out = InspectCommand.table(try SafetensorsFile.open(path: Self.fixture))
        #expect(out.contains("28 tensors, 28,544 parameters"))
        #expect(out.contains("transformer.wte.weight"))
        #expect(out.contains("[64, 32]"))
        #expect(out.contains("8,192"))
        #expect(out.contains("format: pt"))
    }

    @Test("--json output parses and carries the same figures")
    func json() throws {
        let text = InspectCommand.json(try SafetensorsFile.open(path: Self.fixture))
        guard case .object(let top) = try StrictJSON.parse(text) else { Issue.record("not an object"); return }
        #expect(top.first { $0.key == "parameters" }?.value == .int(28544))
        guard case .array(let tensors)? = top.first(where: { $0.key == "tensors" })?.value else { Issue.record("no tensors"); return }
        #expect(tensors.count == 28)
    }

    @Test("a malformed file is a one-line CourseError, not a crash")
    func malformed() throws {
        let path = ScratchFolder.root.path + "/inspect-bad-\(getpid()).safetensors"
        _ = FileManager.default.createFile(atPath: path, contents: Data([9, 0, 0, 0, 0, 0, 0, 0, 0x7B]))
        let cmd = try InspectCommand.parse([path, "--json"])
        #expect(throws: CourseError.self) { try cmd.run() }
    }
}
