import ArgumentParser
import Core
import Evaluation
import Foundation
import SFT
import SupportDesk
import Testing
import Transformer
@testable import course

/// `course label --ab` (a blind A/B evaluation by a person) and `course label --agreement`
/// (two passes, and the grader, compared with Cohen's κ).
@Suite("Blind A/B evaluation and agreement", .serialized)
struct BlindComparisonTests {
    static let dir = ScratchFolder.root.appendingPathComponent("ab-tests-\(getpid())")

    /// A second tiny random model beside chapter 7's label-test model (another seed, so the two write different replies).
    static let modelB: URL = {
        let (_, template) = try! SFTRun.loadModel(LabelCommandTests.modelDir)
        let model = GPT(GPTConfig(vocabSize: template.tokenizer.vocabSize, contextLength: 512, embeddingSize: 16, layers: 1, heads: 2), seed: 9)
        let url = dir.appendingPathComponent("model-b")
        try! SFTRun.saveModel(model, template, to: url)
        return url
    }()

    static func session(_ out: String, sidesSeed: UInt64 = 1) throws -> BlindComparison {
        let (ma, ta) = try SFTRun.loadModel(LabelCommandTests.modelDir)
        let (mb, tb) = try SFTRun.loadModel(modelB)
        return BlindComparison(a: ModelUnderTest(name: "A", model: ma, template: ta), b: ModelUnderTest(name: "B", model: mb, template: tb),
                               modelA: "a-model", modelB: "b-model", items: Array(Dataset.generate(seed: 3, lang: .en, size: .small).test.prefix(8)),
                               outPath: out, sidesSeed: sidesSeed, maxNewTokens: 10)
    }

    static func feed(_ text: String, to s: BlindComparison, pairs: Int = 5) throws -> (saved: Int, shown: [String]) {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(text.utf8))
        try pipe.fileHandleForWriting.close()
        var shown: [String] = []
        let saved = try s.run(pairs: pairs, input: LineReader(fd: pipe.fileHandleForReading.fileDescriptor)) { line in
            if let r = line.range(of: "· prompt ") { shown.append(String(line[r.upperBound...].prefix { $0 != " " })) }
        }
        return (saved, shown)
    }

    @Test("Cohen's κ matches a hand computation; chance-level and degenerate cases")
    func kappa() {
        let x: [Agreement.Verdict] = [.a, .a, .b, .b, .tie, .a], y: [Agreement.Verdict] = [.a, .b, .b, .b, .tie, .a]
        let k = Agreement.cohensKappa(x, y)
        // p_o = 5/6; p_e = (3·2 + 2·3 + 1·1)/36 = 13/36; κ = (30 − 13)/(36 − 13) = 17/23.
        #expect(abs(k.observed - 5.0 / 6) < 1e-12 && abs(k.chance - 13.0 / 36) < 1e-12)
        #expect(abs(k.kappa! - 17.0 / 23) < 1e-12)
        #expect(Agreement.cohensKappa([.a, .b], [.b, .a]).kappa == -1)
        #expect(Agreement.cohensKappa([.tie, .tie], [.tie, .tie]).kappa == nil)
    }

    @Test("Sides are a fair, seeded coin per prompt")
    func sides() {
        let ids = (1...400).map { String(format: "test-%04d", $0) }
        let first = ids.filter { BlindComparison.aFirst(id: $0, seed: 1) }.count
        #expect((160...240).contains(first))
        #expect(ids.map { BlindComparison.aFirst(id: $0, seed: 1) } == ids.map { BlindComparison.aFirst(id: $0, seed: 1) })
        let flipped = ids.filter { BlindComparison.aFirst(id: $0, seed: 1) != BlindComparison.aFirst(id: $0, seed: 2) }.count
        #expect((140...260).contains(flipped))
    }

    @Test("Verdicts typed through a pipe name the model, not the side; a second session resumes")
    func session() throws {
        let out = Self.dir.appendingPathComponent("ab.jsonl").path
        try? FileManager.default.removeItem(atPath: out)
        let s = try Self.session(out)
        let (saved, shown) = try Self.feed("1\n2\nt\ns\nq\n", to: s)
        let rows = try BlindComparison.load(out)
        #expect(saved == rows.count)
        // The answers go, in order, to the pairs that were asked (identical replies are not asked).
        let asked = rows.filter { !$0.identical }
        let typed = ["1", "2", "t"]
        #expect(asked.count == 3 && shown.count == 5, "asked \(asked.count), shown \(shown)")
        for (row, answer) in zip(asked, typed) {
            let expected: Agreement.Verdict = answer == "t" ? .tie : ((answer == "1") == (row.shownFirst == "a") ? .a : .b)
            #expect(row.verdict == expected, "\(row.id): typed \(answer), shown first \(row.shownFirst)")
            #expect(row.modelA == "a-model" && row.modelB == "b-model" && row.graderA >= 0 && row.graderB >= 0)
        }
        let skipped = shown.count > 3 ? shown[3] : nil
        let (_, again) = try Self.feed("t\nq\n", to: s)
        #expect(Set(again).isDisjoint(with: rows.map(\.id)))
        if let skipped { #expect(again.first == skipped) }
        // Another pair of models may not be added to the same file.
        var other = try Self.session(out)
        other = BlindComparison(a: other.a, b: other.b, modelA: "x", modelB: "y", items: other.items, outPath: out)
        #expect(throws: CourseError.self) { try Self.feed("q\n", to: other) }
    }

    static func row(_ id: String, _ verdict: Agreement.Verdict, grader: (Double, Double), identical: Bool = false, models: (String, String) = ("A", "B")) -> BlindComparison.Row {
        BlindComparison.Row(id: id, modelA: models.0, modelB: models.1, prompt: [Message(role: "user", content: id)], replyA: "x", replyB: identical ? "x" : "y",
                            shownFirst: "a", verdict: verdict, identical: identical, graderA: grader.0, graderB: grader.1)
    }

    static func write(_ rows: [BlindComparison.Row], _ name: String) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let url = dir.appendingPathComponent(name)
        try AtomicFile.write(try rows.map { String(decoding: try enc.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n", to: url)
        return url.path
    }

    @Test("course label --agreement reports each pass, the passes against each other and against the grader")
    func agreementReport() throws {
        try FileManager.default.createDirectory(at: Self.dir, withIntermediateDirectories: true)
        let v1: [Agreement.Verdict] = [.a, .a, .b, .b, .tie, .a], v2: [Agreement.Verdict] = [.a, .b, .b, .b, .tie, .a]
        let grader: [(Double, Double)] = [(0.9, 0.5), (0.8, 0.7), (0.2, 0.6), (0.5, 0.9), (0.5, 0.5), (0.3, 0.8)]
        let p1 = try Self.write(v1.indices.map { Self.row("p\($0)", v1[$0], grader: grader[$0]) } + [Self.row("same", .tie, grader: (0.5, 0.5), identical: true)], "pass1.jsonl")
        let p2 = try Self.write(v2.indices.map { Self.row("p\($0)", v2[$0], grader: grader[$0]) }, "pass2.jsonl")
        let md = Self.dir.appendingPathComponent("agreement.md").path
        var command = try Course.parseAsRoot(["label", "--agreement", p1, p2, "--out", md])
        try command.run()
        let text = try String(contentsOfFile: md, encoding: .utf8)
        #expect(text.contains("| \(p1) vs \(p2) | 6 | 83% | 36% | 0.74 |"), "\(text)")
        // Pass 1 against the grader: the grader says a, a, b, b, tie, b: 5 of 6 agree.
        #expect(text.contains("| \(p1) vs grader | 6 | 83% |"), "\(text)")
        #expect(text.contains("| \(p1) | 6 | 3 | 2 | 1 | 0.58 ["))
        #expect(text.contains("identical (1 in"))

        // Passes over other models, and a broken line, are refused with the file named.
        let p3 = try Self.write([Self.row("p0", .a, grader: (1, 0), models: ("C", "D"))], "pass3.jsonl")
        var mismatch = try Course.parseAsRoot(["label", "--agreement", p1, p3])
        #expect(throws: CourseError.self) { try mismatch.run() }
        let broken = Self.dir.appendingPathComponent("broken.jsonl")
        try AtomicFile.write("{\"id\": \"x\"}\n", to: broken)
        var bad = try Course.parseAsRoot(["label", "--agreement", broken.path])
        do { try bad.run(); Issue.record("a broken file was accepted") } catch let e as CourseError { #expect(e.description.contains("broken.jsonl:1")) }
        #expect(throws: (any Error).self) { try Course.parseAsRoot(["label", "--ab", "only-one"]) }
    }
}
