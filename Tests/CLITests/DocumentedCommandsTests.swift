import ArgumentParser
import Foundation
import Testing
import DPO
import RLHF
@testable import course

/// Every `course …` command the README and the book show a learner must be one the CLI takes:
/// the same options, the same chapter and variant names.
@Suite("Commands in the README and the book")
struct DocumentedCommandsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The argument lists of every command in code spans and code blocks, e.g.
    /// `swift run -c release course run dpo --lora  # comment` -> ["run", "dpo", "--lora"].
    /// A code span may wrap onto the next line (Markdown reads the line break as a space); it
    /// counts at the line where it starts.
    static func commands(in text: String) -> [(line: Int, args: [String])] {
        let prefix = #"(?:swift run (?:-c release )?|\.build/release/|\./)?course"#
        let span = try! Regex("`" + prefix + #" ([^`]+)`"#)
        let block = try! Regex(#"^\s*"# + prefix + #" (.+)$"#)
        var found: [(line: Int, offset: Int, command: String)] = []
        for m in text.matches(of: span) {
            let before = text[..<m.range.lowerBound]
            let command = String(m.output[1].substring!).replacingOccurrences(of: "\n", with: " ")
            found.append((before.filter { $0 == "\n" }.count + 1, before.count, command))
        }
        var offset = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let m = line.firstMatch(of: block) { found.append((i + 1, offset, String(m.output[1].substring!))) }
            offset += line.count + 1
        }
        var out: [(Int, [String])] = []
        for (line, _, cmd) in found.sorted(by: { $0.offset < $1.offset }) {
            let words = shellWords(String(cmd.split(separator: "#", omittingEmptySubsequences: false)[0]))
            // "course ..." and placeholders in capitals (CHAPTER, N.M) stand for any command.
            if words.isEmpty || words.contains("...") || words.contains(where: { $0.first!.isUppercase && $0 == $0.uppercased() }) { continue }
            out.append((line, words))
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

    /// Every page a learner reads: the book's chapters (and the result tables they include) and
    /// every README in the repository (the top one, interop/, test fixtures).
    static let pages: [URL] = {
        var out: [URL] = []
        let skip: Set<String> = [".build", ".git", ".swiftpm", "runs", "node_modules"]
        var stack = [root]
        while let dir = stack.popLast() {
            let items = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: [.isDirectoryKey])) ?? []
            for url in items where !url.lastPathComponent.hasPrefix(".") && !skip.contains(url.lastPathComponent) {
                if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true { stack.append(url); continue }
                let inBook = url.path.hasPrefix(root.appendingPathComponent("book").path + "/")
                if url.pathExtension == "md" && (inBook || url.lastPathComponent == "README.md") { out.append(url) }
            }
        }
        return out.sorted { $0.path < $1.path }
    }()

    @Test("Every course command written in the README and the book parses, and names a chapter and variant that exist")
    func documentedCommandsParse() throws {
        var checked = 0
        for page in Self.pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for (line, args) in Self.commands(in: text) {
                let place = "\(page.path.dropFirst(Self.root.path.count + 1)):\(line): course \(args.joined(separator: " "))"
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
            + "course logprobs --text \"May 7, and May\" --json\nOn data without habits (`course data\ngenerate --habits 0`), ...\n"
        let found = Self.commands(in: text)
        #expect(found.map(\.args) == [["run", "dpo", "--lora"], ["run", "sft"], ["logprobs", "--text", "May 7, and May", "--json"],
                                       ["data", "generate", "--habits", "0"]])
        #expect(found.map(\.line) == [1, 2, 4, 5])
    }

    @Test("The pages checked are every book page of both editions and every README")
    func pagesCovered() {
        let names = Set(Self.pages.map { String($0.path.dropFirst(Self.root.path.count + 1)) })
        for page in ["README.md", "interop/README.md", "book/00-introduction.md", "book/07-rlhf.md", "book/scale.md", "book/faq.md"] {
            #expect(names.contains(page), "\(page) is not checked")
        }
        // The Japanese edition (book/ja/) shows the same commands; a typo there misleads as much.
        for folder in ["book", "book/ja"] {
            let pages = (try? FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(folder).path)) ?? []
            #expect(folder == "book" || !pages.isEmpty, "\(folder)/ has no page")
            for page in pages where page.hasSuffix(".md") { #expect(names.contains("\(folder)/" + page), "\(folder)/\(page) is not checked") }
        }
    }

    @Test("course run --help names every stage and variant there is, and every one the book runs")
    func helpListsVariants() throws {
        let help = RunCommand.helpMessage(columns: 80)
        var words = ["all", "overoptimisation"] + RunCommand.chapters
        words += RLHFRun.Algo.allCases.filter { $0 != .ppo }.map(\.rawValue) + DPOVariant.allCases.filter { $0 != .sigmoid }.map(\.rawValue)
        for page in Self.pages {
            for (_, args) in Self.commands(in: try String(contentsOf: page, encoding: .utf8)) where args.first == "run" && args.count > 1 {
                words.append(args[1])
                for (i, a) in args.enumerated() where ["--algo", "--loss", "--variant"].contains(a) && i + 1 < args.count { words.append(args[i + 1]) }
            }
        }
        let listed = Set(help.split(whereSeparator: { " ,()\n".contains($0) }).map(String.init))
        for word in Set(words).sorted() where !["ppo", "sigmoid"].contains(word) {
            #expect(listed.contains(word), "course run --help does not list \(word)")
        }
        // The stage list stays readable: no line wrapped by the parser at 80 columns.
        let stages = help.components(separatedBy: "Stages:")[1].components(separatedBy: "USAGE:")[0]
        for line in stages.split(separator: "\n") where !line.isEmpty { #expect(line.hasPrefix("  "), "wrapped help line: \(line)") }
    }
}
