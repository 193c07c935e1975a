import Foundation
import Testing
import Core
import SupportDesk
import Transformer
import SFT
import RewardModel
@testable import RLHF
@testable import course

/// `course label`: choices are saved one fsynced line at a time, sessions resume where they
/// stopped, and a session killed mid-way keeps every confirmed label.
@Suite("course label", .serialized)
struct LabelCommandTests {
    static let dir = ScratchFolder.root.appendingPathComponent("label-tests-\(getpid())")

    /// A tiny random model with a tokenizer, saved as a model folder.
    static let modelDir: URL = {
        let tok = BPETokenizer.train(corpus: Dataset.generate(seed: 1, lang: .en, size: .small).corpus.prefix(60).map { $0 },
                                     vocabSize: 320, specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"])
        let model = GPT(GPTConfig(vocabSize: tok.vocabSize, contextLength: 512, embeddingSize: 16, layers: 1, heads: 2), seed: 2)
        let url = dir.appendingPathComponent("model")
        try! SFTRun.saveModel(model, try! ChatTemplate(tokenizer: tok), to: url)
        return url
    }()

    static func session(_ out: String) throws -> LabelSession {
        let (model, template) = try SFTRun.loadModel(modelDir)
        return LabelSession(model: model, template: template, prompts: Array(Dataset.generate(seed: 3, lang: .en, size: .small).dev.prefix(8)),
                            outPath: out, maxNewTokens: 12, temperature: 1, seed: 4)
    }

    /// Feeds `text` to the session through a real pipe, as a shell would on standard input.
    static func feed(_ text: String, to s: LabelSession, pairs: Int = 5) throws -> (saved: Int, shown: [String]) {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(text.utf8))
        try pipe.fileHandleForWriting.close()
        var shown: [String] = []
        let saved = try s.run(pairs: pairs, input: LineReader(fd: pipe.fileHandleForReading.fileDescriptor)) { line in
            if let r = line.range(of: "· prompt ") { shown.append(String(line[r.upperBound...].prefix { $0 != " " })) }
        }
        return (saved, shown)
    }

    static func rows(_ path: String) throws -> [[String: Any]] {
        try JSONL.objects(path: path).map(\.object)
    }

    @Test("Choices fed through a pipe are appended in TRL's preference format; ties go to the side file")
    func pipedSession() throws {
        let out = Self.dir.appendingPathComponent("piped.jsonl").path
        let s = try Self.session(out)
        let (saved, shown) = try Self.feed("1\nnot a choice\n2\nt\ns\nq\n", to: s)
        #expect(saved == 2)
        #expect(shown.count == 5, "shown: \(shown)")    // 1, 2, tie, skip, then q at the fifth
        let rows = try Self.rows(out)
        #expect(rows.count == 2)
        for r in rows {
            #expect(RowSchema.problems(r, as: .preference).isEmpty, "\(RowSchema.problems(r, as: .preference))")
            #expect(RowSchema.kind(of: r) == .preference)
        }
        #expect(try Self.rows(s.tiesPath).count == 1)

        // The next session asks neither the labelled nor the tied prompts again, but does ask the skipped one.
        let (again, shownAgain) = try Self.feed("2\n", to: s)
        #expect(again == 1)
        #expect(shownAgain.first == shown[3], "resumed at \(shownAgain), skipped was \(shown[3])")
        #expect(Set(shownAgain).isDisjoint(with: shown.prefix(3)))
        let ids = try Self.rows(out).map { $0["id"] as! String }
        #expect(ids.count == 3 && Set(ids).count == 3)
    }

    @Test("A cut-off last line from elsewhere does not swallow the next label")
    func cutOffLine() throws {
        let out = Self.dir.appendingPathComponent("cut.jsonl").path
        try AtomicFile.write("{\"prompt\": [{\"role\": \"user\", \"content\": \"hi\"}], \"chosen\": [{\"ro", to: URL(fileURLWithPath: out))
        _ = try Self.feed("1\nq\n", to: try Self.session(out))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect((try? JSONSerialization.jsonObject(with: Data(lines[1].utf8))) != nil)
    }

    /// The built `course` executable next to the test bundle, when there is one.
    static var binary: URL? {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL,
                          Bundle.main.bundleURL.deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("course") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @Test("A labelling process killed mid-session keeps every confirmed label", .enabled(if: binary != nil))
    func killedMidSession() throws {
        let out = Self.dir.appendingPathComponent("killed.jsonl").path
        let p = Process()
        p.executableURL = Self.binary!
        p.arguments = ["label", "--pairs", "5", "--model", Self.modelDir.path, "--out", out, "--max-new-tokens", "8"]
        let stdin = Pipe(), stdout = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        stdin.fileHandleForWriting.write(Data("1\n2\n".utf8))
        // Wait until both choices are on disk, then kill the process while it waits for the third.
        let deadline = Date().addingTimeInterval(120)
        while (try? Self.rows(out).count) ?? 0 < 2 && Date() < deadline && p.isRunning { usleep(100_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        let rows = try Self.rows(out)
        #expect(rows.count == 2)
        for r in rows { #expect(RowSchema.problems(r, as: .preference).isEmpty) }
    }
}

extension LabelCommandTests {
    @Test("The label file loads as preference data for the reward model (chapter 6's loader)")
    func loadsAsPreferences() throws {
        let out = Self.dir.appendingPathComponent("forrm.jsonl").path
        _ = try Self.feed("1\n2\nq\n", to: try Self.session(out))
        let pairs = try PreferenceData.load(path: out)
        #expect(pairs.count == 2)
        #expect(pairs.allSatisfy { $0.prompt.last?.role == "user" && $0.chosen != $0.rejected })
    }
}
