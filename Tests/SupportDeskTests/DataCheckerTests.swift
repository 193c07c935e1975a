import Foundation
import Testing
@testable import SupportDesk

/// The committed fixture with one planted problem per line (Tests/Fixtures/datacheck/make-fixture.sh).
let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/datacheck")

func fixture(_ name: String) -> String { fixtureDir.appendingPathComponent(name).path }

@Test("The checker finds every planted problem of the fixture, at its file and line")
func checkerFindsPlantedProblems() {
    let train = fixture("train.jsonl"), corpus = fixture("corpus.jsonl"), eval = fixture("eval.jsonl")
    let findings = DataChecker().check(paths: [train, corpus, eval])
    func has(_ file: String, _ line: Int, _ kind: DataFinding.Kind, _ text: String) -> Bool {
        findings.contains { $0.file == file && $0.line == line && $0.kind == kind && $0.message.contains(text) }
    }
    #expect(has(train, 3, .duplicate, "exact duplicate of \(train):1"))
    #expect(has(train, 4, .nearDuplicate, "near duplicate of \(train):2"))
    #expect(has(train, 5, .malformed, "malformed JSON"))
    #expect(has(train, 6, .malformed, "messages[0]: missing key \"content\""))
    #expect(has(train, 7, .malformed, "messages[1].content is empty"))
    #expect(has(train, 8, .malformed, "\"label\" should be true or false"))
    #expect(has(train, 9, .personalData, "email address"))
    #expect(has(train, 10, .personalData, "phone number"))
    #expect(has(train, 11, .personalData, "card number"))
    #expect(has(eval, 1, .leakage, "also in training: \(train):12"))
    #expect(has(eval, 2, .leakage, "contained in training text: \(corpus):2"))
    #expect(has(eval, 3, .leakage, "nearly equal to training prompt \(train):13"))
    #expect(has(eval, 4, .leakage, "entity combination P02|plus|late_delivery also in training: \(train):2"))
    // Nothing else: the clean lines stay clean.
    #expect(findings.count == 13, "\(findings.map(\.description).joined(separator: "\n"))")
    #expect(findings.filter { $0.severity == .warning }.map(\.kind) == [.nearDuplicate])
    // Findings print as FILE:LINE: severity: [kind] message.
    #expect(findings.contains { $0.description == "\(train):5: error: [malformed] malformed JSON" })
}

@Test("The loader reports the fixture's malformed line with its number instead of crashing")
func loaderReportsFixtureLine() {
    let train = fixture("train.jsonl")
    do {
        _ = try Dataset.loadSFT(path: train)
        Issue.record("loaded a malformed file")
    } catch {
        #expect("\(error)".hasPrefix("\(train):"), "\(error)")
    }
}

@Test("Generated data passes the checker: no errors, no near duplicates", arguments: Language.allCases)
func generatedDataIsClean(lang: Language) throws {
    let dir = temporaryDirectory("check")
    defer { try? FileManager.default.removeItem(at: dir) }
    try Small.data(lang).write(to: dir)
    let files = ["corpus", "sft", "preferences", "unpaired", "dev", "test", "adversarial"].map { dir.appendingPathComponent("\($0).jsonl").path }
    let findings = DataChecker().check(paths: files)
    #expect(findings.isEmpty, "\(findings.prefix(10).map(\.description).joined(separator: "\n"))")
}

@Test("Personal data patterns: emails, phones and Luhn-valid cards, but not order ids, dates or amounts")
func personalData() {
    #expect(PersonalData.find(in: "write to a.b@mail.example.co.jp").map(\.kind) == [.email])
    #expect(PersonalData.find(in: "call (555) 123-4567 or +1 555 123 4567 or 03-1234-5678").map(\.kind) == [.phone, .phone, .phone])
    #expect(PersonalData.find(in: "card 4242-4242-4242-4242").map(\.kind) == [.card])
    #expect(PersonalData.find(in: "card 4242 4242 4242 4241").isEmpty)  // fails the Luhn check
    #expect(PersonalData.find(in: "Order SD-48213, $1,299.00, 5-7 business days, 2027年3月6日, 8,900円, March 6, 2027").isEmpty)
}

@Test("Near-duplicate search finds close texts and leaves different ones")
func minHash() {
    let h = MinHasher()
    let a = String(repeating: "The parcel is on its way and will arrive soon. ", count: 4) + "Order SD-10001."
    let b = String(repeating: "The parcel is on its way and will arrive soon. ", count: 4) + "Order SD-10002."
    let c = "Returns are accepted within thirty days of delivery for unused items in their original box."
    let sa = h.signature(normalized: Extractor.normalize(a)), sb = h.signature(normalized: Extractor.normalize(b))
    let sc = h.signature(normalized: Extractor.normalize(c))
    #expect(MinHasher.similarity(sa, sb) > 0.85 && MinHasher.similarity(sa, sc) < 0.2)
    let near = h.nearestEarlier([sa, sc, sb], threshold: 0.85) { _, _ in true }
    #expect(near.count == 1 && near[2]?.0 == 0)
}
