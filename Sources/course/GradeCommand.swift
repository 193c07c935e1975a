import ArgumentParser
import Core
import Foundation
import SupportDesk

/// `course grade FILE.jsonl [--json]`: both graders on any file of prompt/reply rows, so anyone
/// can probe them with replies of their own; `course grade --study` the graders against replies
/// whose quality is known.
struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade replies with the rule grader and the strict grader.",
        discussion: "Each row is an evaluation row (\"prompt\": messages, \"truth\", as in dev.jsonl or test.jsonl) with a \"reply\" string.")

    @Argument(help: "A JSONL file of rows with prompt, truth and reply.") var file: String?
    @Flag(help: "One JSON line per row, with every criterion of both graders.") var json = false
    @Flag(help: "Grade the built-in labelled replies (good, flawed, gamed) and write the agreement table.") var study = false
    @Option(help: "With --study: the language of the labelled replies (en or ja).") var lang: String = "en"
    @Option(help: "With --study: where to write the table.") var out: String = "runs/grader/results.md"

    struct Row: Decodable { var prompt: [Message]; var truth: Truth; var reply: String; var id: String? }

    func run() throws {
        if study {
            guard let l = Language(rawValue: lang) else { throw CourseError("unknown --lang \"\(lang)\" (available: en, ja)") }
            let md = GraderStudy.table(lang: l)
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: out).deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(md, to: URL(fileURLWithPath: out))
            print(md, terminator: "")
            print("wrote \(out)")
            return
        }
        guard let file else { throw CourseError("give a JSONL file of rows with prompt, truth and reply (or --study)") }
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw CourseError(file: file, "cannot read the file as UTF-8 text") }
        let grader = Grader(), strict = StrictGrader()
        var n = 0, passed = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let row: Row
            do { row = try JSONDecoder().decode(Row.self, from: Data(line.utf8)) } catch {
                throw CourseError("\(file):\(i + 1): not a row with \"prompt\" (messages), \"truth\" and \"reply\"")
            }
            let g = grader.grade(reply: row.reply, truth: row.truth)
            let s = strict.grade(reply: row.reply, truth: row.truth, prompt: row.prompt)
            n += 1; if s.pass { passed += 1 }
            let id = row.id ?? "line \(i + 1)"
            if json {
                let o: [String: Any] = ["id": id, "rule": ["overall": g.overall, "structure": g.structure, "facts": g.facts, "tone": g.tone,
                                                          "grounded": g.grounded, "no_over_promise": g.noOverPromise],
                                        "strict": ["pass": s.pass, "overall": s.overall, "structure": s.structure, "facts": s.facts, "roles": s.roles,
                                                   "tone": s.tone, "no_over_promise": s.noOverPromise, "fluent": s.fluent],
                                        "findings": s.findings]
                print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "%@  rule %.2f  strict %@ %.2f  %@", id, g.overall, s.pass ? "pass" : "FAIL", s.overall, s.findings.joined(separator: "; ")))
            }
        }
        if !json { print("\(passed) of \(n) replies pass the strict grader") }
    }
}
