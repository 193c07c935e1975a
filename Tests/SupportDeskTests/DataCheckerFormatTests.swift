import Foundation
import Testing
@testable import SupportDesk

/// `course data check` reads every TRL format the training runs accept, in plain and in chat
/// spelling (Tests/Fixtures/datacheck/make-formats-fixture.sh writes the fixture pair).
@Suite("Data checker: TRL formats")
struct DataCheckerFormatTests {
    /// Findings with `file` renamed to FILE, so two files' findings can be compared.
    func renamed(_ findings: [DataFinding], _ file: String) -> [String] {
        findings.map { $0.description.replacingOccurrences(of: file, with: "FILE") }
    }

    @Test("The same rows spelt plain and as chat give the same findings, at the same lines")
    func plainAndChatAgree() {
        let plain = fixture("formats-plain.jsonl"), chat = fixture("formats-chat.jsonl"), eval = fixture("formats-eval.jsonl")
        let fromPlain = DataChecker().check(paths: [plain, eval]), fromChat = DataChecker().check(paths: [chat, eval])
        #expect(renamed(fromPlain, plain) == renamed(fromChat, chat),
                "plain:\n\(fromPlain.map(\.description).joined(separator: "\n"))\nchat:\n\(fromChat.map(\.description).joined(separator: "\n"))")
        // Exactly the planted problems (see the comments in the script), nothing on clean lines.
        let expected = [
            "FILE:4: error: [duplicate] exact duplicate of FILE:2",
            "FILE:5: warning: [near_duplicate] near duplicate of FILE:3",
            "FILE:8: error: [personal_data] email address \"ja…@example.com\"",
            "FILE:8: error: [personal_data] phone number \"…5678\"",
            "FILE:8: error: [personal_data] phone number \"…5678\"",
            "FILE:11: error: [malformed] chosen and rejected are the same",
            "FILE:12: error: [malformed] \"label\" should be true or false",
            "\(eval):1: error: [leakage] evaluation prompt also in training: FILE:9",
            "\(eval):2: error: [leakage] entity combination P07|plus|invoice also in training: FILE:10",
        ]
        let got = renamed(fromChat, chat).map { $0.replacingOccurrences(of: #"\(Jaccard ≈ [0-9.]+\)"#, with: "", options: .regularExpression) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(got == expected, "\(got.joined(separator: "\n"))")
    }

    @Test("Every TRL format the training runs accept passes, plain and conversational")
    func acceptedFormats() {
        let rows = [
            #"{"text":"Returns are free within 30 days."}"#,
            #"{"messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}"#,
            #"{"prompt":"Where is my parcel?","completion":"It arrives on Friday."}"#,
            #"{"prompt":[{"role":"user","content":"Can I return a lamp?"}],"completion":[{"role":"assistant","content":"Yes, within 30 days."}]}"#,
            #"{"prompt":"Is the tent waterproof?","chosen":"Yes, fully.","rejected":"Maybe."}"#,
            #"{"prompt":[{"role":"user","content":"Do you ship abroad?"}],"chosen":[{"role":"assistant","content":"Yes, to 30 countries."}],"rejected":[{"role":"assistant","content":"No idea."}],"flaw":"cold_tone"}"#,
            #"{"prompt":"How long is the warranty?","completion":"Two years.","label":true}"#,
            #"{"prompt":[{"role":"user","content":"Can I pay later?"}],"completion":[{"role":"assistant","content":"Whatever."}],"label":false}"#,
            // Spellings mixed within a row, and ids that are numbers: the loaders read both.
            #"{"id":7,"prompt":[{"role":"user","content":"Is gift wrap free?"}],"chosen":"It is free.","rejected":[{"role":"assistant","content":"Ask someone else."}]}"#,
        ]
        let findings = DataChecker().check(files: [("own.jsonl", rows.joined(separator: "\n"))])
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test("A malformed row in a TRL format gets one line with its file, line and problem", arguments: [
        (#"{"prompt":"Hi","completion":3}"#, #""completion" should be a string or a list of messages"#),
        (#"{"prompt":"Hi there"}"#, #"missing key "completion""#),
        (#"{"messages":"Hi"}"#, #""messages" should be a list of messages"#),
        (#"{"prompt":"  ","completion":"Hello."}"#, #""prompt" is empty"#),
        (#"{"prompt":"Hi","completion":[{"role":"user","content":"Hello."}]}"#, #"the last message of "completion" should be from the assistant"#),
        (#"{"prompt":"Hi","chosen":[{"role":"assistant","content":"a"},{"role":"assistant","content":"b"}],"rejected":"c"}"#,
         #""chosen" should be one assistant message (it has 2)"#),
        (#"{"prompt":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}],"chosen":"a","rejected":"b"}"#,
         #"the last message of "prompt" should not be from the assistant"#),
        (#"{"prompt":"Hi","chosen":"Same.","rejected":[{"role":"assistant","content":"Same."}]}"#, "chosen and rejected are the same"),
        (#"{"prompt":"Hi","chosen":"a","rejected":"b","flaw":""}"#, #""flaw" is empty"#),
        (#"{"prompt":"Hi","completion":"Hello.","label":1}"#, #""label" should be true or false"#),
        (#"{"question":"Hi"}"#, "unrecognised row: expected text | messages | prompt+completion"),
    ])
    func malformedRow(row: String, problem: String) throws {
        let text = #"{"text":"A clean first line."}"# + "\n" + row + "\n"
        let findings = DataChecker().check(files: [("own.jsonl", text)])
        #expect(findings.count == 1, "\(findings.map(\.description))")
        let f = try #require(findings.first)
        #expect(f.kind == .malformed && f.line == 2)
        #expect(f.description.hasPrefix("own.jsonl:2: error: [malformed] ") && f.message.hasPrefix(problem), "\(f)")
        #expect(!f.description.contains("\n"))
    }

    @Test("Personal data after an escaped line break is found, as the decoded text reads")
    func personalDataAfterNewline() {
        let findings = DataChecker().check(files: [("own.jsonl", #"{"text":"Call me back\n090-1234-5678\njo.smith@example.com"}"#)])
        #expect(findings.map(\.message) == [#"email address "jo…@example.com""#, #"phone number "…5678""#])
    }

    @Test("The built-in dialect still asks for the generator's own spelling")
    func builtInDialect() {
        let plain: [String: Any] = ["prompt": "Hi", "completion": "Hello.", "label": true]
        #expect(RowSchema.problems(plain, as: .unpaired).contains(#""prompt" should be a list of messages"#))
        #expect(RowSchema.problems(plain, as: .unpaired, dialect: .trl).isEmpty)
        #expect(RowSchema.kind(of: ["prompt": "Hi", "completion": "Hello."], dialect: .trl) == .sft)
        #expect(RowSchema.kind(of: ["prompt": "Hi", "completion": "Hello."]) == .unpaired)
    }
}
