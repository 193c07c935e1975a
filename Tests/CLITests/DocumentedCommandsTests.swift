import ArgumentParser
import Foundation
import Testing
@testable import course

/// Every `course …` command the README and the book show a learner must be one the CLI takes:
/// the same options, the same chapter and variant names.
@Suite("Commands in the README and the book")
struct DocumentedCommandsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The argument lists of every command in code spans and code blocks, e.g.
    /// `swift run -c release course run dpo --lora  # comment` -> ["run", "dpo", "--lora"].
    static func commands(in text: String) -> [(line: Int, args: [String])] {
        let prefix = #"(?:swift run (?:-c release )?|\.build/release/|\./)?course"#
        let span = try! Regex("`" + prefix + #" ([^`]+)`"#)
        let block = try! Regex(#"^\s*"# + prefix + #" (.+)$"#)
        var out: [(Int, [String])] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var found = line.matches(of: span).map { String($0.output[1].substring!) }
            if let m = line.firstMatch(of: block) { found.append(String(m.output[1].substring!)) }
            for cmd in found {
                let words = shellWords(String(cmd.split(separator: "#")[0]))
                // "course ..." and placeholders in capitals (CHAPTER, N.M) stand for any command.
                if words.isEmpty || words.contains("...") || words.contains(where: { $0.first!.isUppercase && $0 == $0.uppercased() }) { continue }
                out.append((i + 1, words))
            }
        }
        return out
    }

    /// Words as a shell splits them: spaces separate, double quotes keep a phrase as one word.
    static func shellWords(_ s: String) -> [String] {
        var words: [String] = [], word = "", quoted = false, started = false
        for c in s {
            if c == "\"" { quoted.toggle(); started = true }
            else if c == " " && !quoted { if started { words.append(word) }; word = ""; started = false }
            else { word.append(c); started = true }
        }
        if started { words.append(word) }
        return words
    }

    static let pages: [URL] = [root.appendingPathComponent("README.md")]
        + ((try? FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("book"), includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "md" }.sorted { $0.path < $1.path }

    @Test("Every course command written in the README and the book parses, and names a chapter and variant that exist")
    func documentedCommandsParse() throws {
        var checked = 0
        for page in Self.pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for (line, args) in Self.commands(in: text) {
                let place = "\(page.lastPathComponent):\(line): course \(args.joined(separator: " "))"
                do {
                    let command = try Course.parseAsRoot(args)
                    if let run = command as? RunCommand, run.chapter != "all" { _ = try run.stage() }
                    checked += 1
                } catch {
                    Issue.record("\(place): \(Course.message(for: error))")
                }
            }
        }
        #expect(checked > 40, "only \(checked) commands found: the extraction is broken")
    }

    @Test("The extraction finds commands in code spans and blocks, drops comments and skips placeholders")
    func extraction() {
        let text = "Run `course run dpo --lora` first.\n  swift run -c release course run sft   # a comment\n`course run CHAPTER`\n"
            + "course logprobs --text \"May 7, and May\" --json"
        let found = Self.commands(in: text).map(\.args)
        #expect(found == [["run", "dpo", "--lora"], ["run", "sft"], ["logprobs", "--text", "May 7, and May", "--json"]])
    }

    @Test("course run --help names every chapter and every variant the book uses")
    func helpListsVariants() {
        let help = RunCommand.helpMessage()
        for word in ["all", "sft-study", "copying-study", "ppo-rm", "grpo-rm", "dr-grpo", "overoptimisation", "mended", "kto"] {
            #expect(help.contains(word), "course run --help does not mention \(word)")
        }
    }
}
