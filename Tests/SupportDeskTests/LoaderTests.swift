import Core
import Foundation
import Testing
@testable import SupportDesk

/// Writes the first `good` rows of a real file followed by `bad`, and returns the path.
func fileWithBadRow(_ name: String, good: [String], bad: String) throws -> String {
    let dir = temporaryDirectory("loader")
    let path = dir.appendingPathComponent(name).path
    try (good + [bad]).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// A JSON line with a change made to its object.
func mutate(_ line: String, _ change: (inout [String: Any]) -> Void) throws -> String {
    var obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    change(&obj)
    return String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self)
}

func sftLines() throws -> [String] {
    let text = try JSONL.encode(Array(Small.en.sft.prefix(2)))
    return text.split(separator: "\n").map(String.init)
}

@Test("A malformed row makes the loader throw with its file and line, and return nothing", arguments: [
    ("not json", "malformed JSON"),
    (#"{"id": "x", "scenario": "return"}"#, "missing key \"messages\""),
    (#"{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]}"#, "messages[1].content is empty"),
    (#"{"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "ok"}]}"#, "messages[0].content should be a string"),
    (#"{"messages": [{"role": "robot", "content": "hi"}, {"role": "assistant", "content": "ok"}]}"#, "messages[0].role \"robot\" is not system, user or assistant"),
    (#"{"messages": [{"role": "user", "content": "hi"}]}"#, "the last message of \"messages\" should be from the assistant"),
    (#"["a list"]"#, "expected a JSON object"),
])
func loaderRejectsBadRows(row: String, message: String) throws {
    let path = try fileWithBadRow("sft.jsonl", good: try sftLines(), bad: row)
    do {
        _ = try Dataset.loadSFT(path: path)
        Issue.record("loaded a file with a bad line 3")
    } catch let e as CourseError {
        #expect(e.message == "\(path):3: \(message)")
    }
}

@Test("A row whose truth is missing or unusable is rejected too")
func loaderChecksTruth() throws {
    let lines = try sftLines()
    let withoutTruth = lines[0].replacingOccurrences(of: #""truth":"#, with: #""fact":"#)
    let path = try fileWithBadRow("sft.jsonl", good: [lines[1]], bad: withoutTruth)
    #expect(throws: CourseError.self) { try Dataset.loadSFT(path: path) }
    do { _ = try Dataset.loadSFT(path: path) } catch let e as CourseError { #expect(e.message.hasPrefix("\(path):2: missing key \"truth\"")) }
    let p2 = try fileWithBadRow("sft.jsonl", good: [], bad: try mutate(lines[0]) { $0["scenario"] = "teleport" })
    do { _ = try Dataset.loadSFT(path: p2); Issue.record("loaded") } catch let e as CourseError {
        #expect(e.message.hasPrefix("\(p2):1: \"scenario\""))
    }
    let p3 = try fileWithBadRow("sft.jsonl", good: [], bad: try mutate(lines[0]) {
        var truth = $0["truth"] as! [String: Any]
        truth["order_id"] = ""
        $0["truth"] = truth
    })
    do { _ = try Dataset.loadSFT(path: p3); Issue.record("loaded") } catch let e as CourseError {
        #expect(e.message == "\(p3):1: truth.order_id is empty")
    }
}

@Test("Each loader checks its own format: preferences, unpaired, eval")
func otherLoaders() throws {
    let pref = try JSONL.encode(Array(Small.en.preferences.prefix(1))).trimmingCharacters(in: .newlines)
    let same = try mutate(pref) { $0["rejected"] = $0["chosen"] }
    let p1 = try fileWithBadRow("p.jsonl", good: [pref], bad: #"{"prompt": [{"role": "user", "content": "hi"}], "chosen": [{"role": "assistant", "content": "a"}]}"#)
    do { _ = try Dataset.loadPreferences(path: p1); Issue.record("loaded") } catch let e as CourseError {
        #expect(e.message == "\(p1):2: missing key \"rejected\"")
    }
    let p0 = try fileWithBadRow("p.jsonl", good: [], bad: same)
    do { _ = try Dataset.loadPreferences(path: p0); Issue.record("loaded") } catch let e as CourseError {
        #expect(e.message == "\(p0):1: chosen and rejected are the same")
    }
    let unp = try JSONL.encode(Array(Small.en.unpaired.prefix(1))).trimmingCharacters(in: .newlines)
    let p2 = try fileWithBadRow("u.jsonl", good: [unp], bad: unp.replacingOccurrences(of: #""label":true"#, with: #""label":1"#)
                                                            .replacingOccurrences(of: #""label":false"#, with: #""label":1"#))
    do { _ = try Dataset.loadUnpaired(path: p2); Issue.record("loaded") } catch let e as CourseError {
        #expect(e.message == "\(p2):2: \"label\" should be true or false")
    }
    let ev = try JSONL.encode(Array(Small.en.dev.prefix(1))).trimmingCharacters(in: .newlines)
    let p3 = try fileWithBadRow("e.jsonl", good: [ev, ""], bad: #"{"id": "e", "prompt": [{"role": "user", "content": "hi"}]}"#)
    do { _ = try Dataset.loadEval(path: p3); Issue.record("loaded") } catch let e as CourseError {
        #expect(e.message == "\(p3):3: missing key \"truth\"")
    }
    #expect(throws: CourseError.self) { try Dataset.loadCorpus(path: "/nonexistent/corpus.jsonl") }
}
