import Core
import Foundation
import Testing
@testable import SupportDesk

func temporaryDirectory(_ name: String) -> URL {
    let dir = ScratchFolder.root.appendingPathComponent("supportdesk-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

func filesIn(_ dir: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
        out[name] = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path)
    }
    return out
}

func writeAll(_ d: Dataset, seed: UInt64, to dir: URL) throws {
    try d.write(to: dir)
    try DataCard(dataset: d, seed: seed, size: .small).write(to: dir)
}

@Test("The same seed writes byte-identical files; a different seed writes different data", arguments: Language.allCases)
func determinism(lang: Language) throws {
    let a = temporaryDirectory("a"), b = temporaryDirectory("b"), c = temporaryDirectory("c")
    defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
    try writeAll(Dataset.generate(seed: 11, lang: lang, size: .small), seed: 11, to: a)
    try writeAll(Dataset.generate(seed: 11, lang: lang, size: .small), seed: 11, to: b)
    try writeAll(Dataset.generate(seed: 12, lang: lang, size: .small), seed: 12, to: c)
    let fa = try filesIn(a), fb = try filesIn(b), fc = try filesIn(c)
    #expect(fa.keys.sorted() == ["adversarial.jsonl", "corpus.jsonl", "datacard.md", "dev.jsonl", "lengths.csv",
                                 "preferences.jsonl", "safety.jsonl", "sft.jsonl", "test.jsonl", "unpaired.jsonl"])
    for name in fa.keys.sorted() {
        #expect(fa[name] == fb[name], "\(name) differs between two runs with the same seed")
        if name.hasSuffix(".jsonl") { #expect(fa[name] != fc[name], "\(name) is the same for seeds 11 and 12") }
    }
}

@Test("Written files load back equal, in the TRL shapes", arguments: Language.allCases)
func roundTrip(lang: Language) throws {
    let d = Small.data(lang)
    let dir = temporaryDirectory("rt")
    defer { try? FileManager.default.removeItem(at: dir) }
    try d.write(to: dir)
    let back = try Dataset.load(from: dir)
    #expect(back.sft == d.sft && back.preferences == d.preferences && back.unpaired == d.unpaired)
    #expect(back.dev == d.dev && back.test == d.test && back.adversarial == d.adversarial && back.corpus == d.corpus)
    // The TRL keys are there, with the roles in order.
    let line = try #require(String(decoding: FileManager.default.contents(atPath: dir.appendingPathComponent("sft.jsonl").path)!, as: UTF8.self)
        .split(separator: "\n").first)
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    let roles = (obj["messages"] as? [[String: Any]])?.compactMap { $0["role"] as? String }
    #expect(roles == ["system", "user", "assistant"])
    #expect(obj["id"] as? String == "sft-00001" && obj["scenario"] != nil)
    let pref = try #require(String(decoding: FileManager.default.contents(atPath: dir.appendingPathComponent("preferences.jsonl").path)!, as: UTF8.self)
        .split(separator: "\n").first)
    let p = try #require(try JSONSerialization.jsonObject(with: Data(pref.utf8)) as? [String: Any])
    for key in ["prompt", "chosen", "rejected", "flaw", "id", "truth"] { #expect(p[key] != nil, "preferences.jsonl lacks \(key)") }
}

@Test("Counts follow the size preset and the flaw mix is balanced", arguments: Language.allCases)
func counts(lang: Language) {
    let d = Small.data(lang)
    let c = SizePreset.small.counts
    #expect(d.sft.count == c.sft && d.preferences.count == c.preferences && d.unpaired.count == c.unpaired)
    #expect(d.dev.count == c.dev && d.test.count == c.test && d.adversarial.count == c.adversarial)
    #expect(d.corpus.count == c.corpusTickets + c.corpusPages)
    for f in Flaw.allCases { #expect(d.preferences.filter { $0.flaw == f }.count == c.preferences / Flaw.allCases.count) }
    #expect(d.unpaired.filter(\.label).count == c.unpaired / 2)
    #expect(d.unpaired.allSatisfy { $0.label == ($0.flaw == nil) })
    #expect(Set(d.sft.map(\.scenario)) == Set(Scenario.allCases))
    let bytes = d.corpus.reduce(0) { $0 + $1.utf8.count }
    #expect(bytes > 100_000 && bytes < 300_000, "small corpus is \(bytes) bytes")
}

@Test("Every text is filled in: no placeholder is left and every required fact is in the prompt", arguments: Language.allCases)
func textsAreComplete(lang: Language) {
    let d = Small.data(lang)
    var texts = d.corpus
    for e in d.sft { texts += e.messages.map(\.content) }
    for p in d.preferences { texts += (p.prompt + p.chosen + p.rejected).map(\.content) }
    for e in d.dev { texts += (e.prompt + e.reference).map(\.content) }
    for a in d.adversarial { texts += (a.prompt + a.reference).map(\.content) }
    for t in texts { #expect(!t.contains("{") && !t.contains("}"), "unfilled placeholder in: \(t.prefix(80))") }
    for e in d.sft {
        let facts = e.messages[0].content
        for f in e.truth.required {
            #expect(facts.contains(f.value), "\(e.id): \(f.name) \"\(f.value)\" is not in the facts block")
        }
        #expect(facts.contains(e.truth.product))
    }
}

@Test("SFT examples are about 700 characters in English and 360 in Japanese (the token count is checked with a tokenizer in ChapterTests)", arguments: Language.allCases)
func lengths(lang: Language) {
    let card = DataCard(dataset: Small.data(lang), seed: Small.seed, size: .small)
    let sft = card.rows.filter { $0.file == "sft" }.map(\.totalChars)
    let mean = Double(sft.reduce(0, +)) / Double(sft.count)
    let target = lang == .en ? 700.0 : 360.0
    #expect(abs(mean - target) < target * 0.1, "mean SFT length \(mean)")
    #expect(card.histogram().reduce(0) { $0 + $1.count } == sft.count)
    #expect(card.lengthsCSV.split(separator: "\n").count == card.rows.count + 1)
    #expect(card.markdown.contains("shared between training and held-out: 0") && card.markdown.contains("between dev and test: 0"))
}

@Test("Past tickets show each scenario's habit in about 70% of its replies, and only there")
func habits() {
    let d = Dataset.generate(seed: 1, lang: .en, size: .default)
    let g = Grader()
    for s in Scenario.allCases {
        let replies = d.sft.filter { $0.scenario == s }
        let showing = replies.filter { $0.habit != nil }
        guard let h = Habit.of(s) else { #expect(showing.isEmpty); continue }
        let share = Double(showing.count) / Double(replies.count)
        #expect(abs(share - Habit.share) < 0.08, "\(s.rawValue): \(share)")
        // Each habit costs the reply on the criterion of its flaw, and only there.
        for e in showing {
            let grade = g.grade(reply: e.reply, truth: e.truth)
            #expect(e.habit == h.flaw && grade.score(criterion(of: h.flaw)) < 1, "\(e.id): \(grade.findings)")
            #expect(grade.facts == 1 && grade.grounded == 1, "\(e.id): \(grade.findings)")
        }
    }
    #expect(Dataset.generate(seed: 1, lang: .en, size: .small, habitShare: 0).sft.allSatisfy { $0.habit == nil })
}

@Test("Difficulty adds distractor lines to the facts block")
func difficulty() {
    let w = World.generate(seed: 2, lang: .en, size: .small)
    let easy = Dataset.generate(world: w, difficulty: .easy), hard = Dataset.generate(world: w, difficulty: .hard)
    let lines = { (d: Dataset) in d.sft.map { $0.messages[0].content.split(separator: "\n").count } }
    for (e, h) in zip(lines(easy), lines(hard)) { #expect(h == e + 3) }
    // A hard prompt still grades its good (habit-free) reply at the top.
    let g = Grader()
    #expect(hard.sft.filter { $0.habit == nil }.allSatisfy { g.grade(reply: $0.reply, truth: $0.truth).overall >= 0.95 })
}

@Test("Japanese texts use Japanese punctuation and polite forms")
func japaneseStyle() {
    let d = Small.ja
    for e in d.sft.filter({ $0.habit == nil }).prefix(50) {
        let reply = e.reply
        #expect(reply.contains("様、このたびは") && (reply.hasSuffix("ください。") || reply.hasSuffix("いたします。")))
        #expect(!e.messages[0].content.contains(":") && e.messages[0].content.contains("注文番号\u{FF1A}"))
        #expect(!reply.contains("(") && !reply.contains("?"))
    }
}
