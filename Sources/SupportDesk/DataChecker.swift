import Foundation

/// One problem `DataChecker` found, at a file and line.
public struct DataFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public enum Kind: String, Sendable, CaseIterable {
        case malformed
        case duplicate
        case nearDuplicate = "near_duplicate"
        case leakage
        case personalData = "personal_data"
    }

    public var file: String
    /// 1-based line number (0 for a problem with the whole file).
    public var line: Int
    public var severity: Severity
    public var kind: Kind
    public var message: String

    /// "data/sft.jsonl:12: error: [malformed] missing key \"messages\""
    public var description: String { "\(file)\(line > 0 ? ":\(line)" : ""): \(severity.rawValue): [\(kind.rawValue)] \(message)" }
}

/// The data-quality checker behind `course data check`: the checks the course's data-design advice
/// asks for before anything is trained.
///
/// - malformed rows (not JSON, not an object, unknown shape, missing keys, wrong types, empty
///   strings): errors, each with its line; the scan goes on after a bad line;
/// - exact duplicates (same normalised text): errors; near duplicates (MinHash Jaccard of
///   character shingles ≥ `nearDuplicateThreshold`): warnings;
/// - train/eval overlap: an evaluation prompt equal to, contained in or nearly equal to a training
///   row, or an evaluation entity combination that a training row uses: errors;
/// - personal data (emails, phone numbers, card numbers): errors.
/// Rows are told apart by their keys (`RowSchema.kind`), so files can be named anything. Every
/// row is read in the TRL dialect (`RowDialect.trl`): the formats the training runs accept, each
/// spelt with plain strings or with lists of messages, and both spellings of a row give the same
/// findings (the texts compared are the same).
public struct DataChecker: Sendable {
    public var nearDuplicateThreshold = 0.9
    public var leakageThreshold = 0.9
    var hasher = MinHasher()

    public init() {}

    struct Row {
        var file: String
        var line: Int
        var kind: RowKind
        var full: String     // every text of the row
        var prompt: String   // what a model is asked (for leakage)
        var combo: String?
        /// `full` and `prompt` normalised (computed once: normalising is the checker's main cost).
        var normFull: String
        var normPrompt: String
    }

    /// Checks files on disk (an unreadable file is one error finding).
    public func check(paths: [String]) -> [DataFinding] {
        var files: [(String, String)] = []
        var findings: [DataFinding] = []
        for p in paths {
            if let data = FileManager.default.contents(atPath: p), let text = String(data: data, encoding: .utf8) {
                files.append((p, text))
            } else {
                findings.append(DataFinding(file: p, line: 0, severity: .error, kind: .malformed, message: "cannot read the file as UTF-8 text"))
            }
        }
        return findings + check(files: files)
    }

    /// Checks in-memory files: (name, contents).
    public func check(files: [(name: String, text: String)]) -> [DataFinding] {
        var findings: [DataFinding] = []
        var rows: [Row] = []
        for (name, text) in files {
            var lineNo = 0
            for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                lineNo += 1
                let line = String(raw).trimmingCharacters(in: .whitespacesAndNewlines)
                if line.isEmpty { continue }
                let any = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
                // Decoded texts, not the raw line: a JSON escape ("\\n" before a phone number)
                // would hide a match or leak into it, and plain and chat spellings must agree.
                for text in any.map(DataChecker.texts(in:)) ?? [line] {
                    for hit in PersonalData.find(in: text) {
                        findings.append(DataFinding(file: name, line: lineNo, severity: .error, kind: .personalData,
                                                    message: "\(hit.kind.rawValue) \"\(hit.masked)\""))
                    }
                }
                func bad(_ m: String) { findings.append(DataFinding(file: name, line: lineNo, severity: .error, kind: .malformed, message: m)) }
                guard let any else { bad("malformed JSON"); continue }
                guard let obj = any as? [String: Any] else { bad("expected a JSON object"); continue }
                guard let kind = RowSchema.kind(of: obj, dialect: .trl) else {
                    bad("unrecognised row: expected \(RowSchema.shapes)")
                    continue
                }
                let problems = RowSchema.problems(obj, as: kind, dialect: .trl)
                if !problems.isEmpty {
                    bad(problems[0] + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""))
                    continue
                }
                rows.append(DataChecker.row(obj, kind: kind, file: name, line: lineNo))
            }
        }
        findings += duplicates(rows)
        findings += leakage(rows)
        // In file order, then line order (stable, so a line's findings keep their check order).
        let fileOrder = Dictionary(files.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        return findings.enumerated().sorted {
            (fileOrder[$0.element.file] ?? 0, $0.element.line, $0.offset) < (fileOrder[$1.element.file] ?? 0, $1.element.line, $1.offset)
        }.map(\.element)
    }

    static func row(_ obj: [String: Any], kind: RowKind, file: String, line: Int) -> Row {
        func turns(_ key: String, _ plainRole: String) -> [(role: String, content: String)] { RowSchema.turns(obj[key], plainRole: plainRole) }
        func texts(_ key: String, _ plainRole: String) -> [String] { turns(key, plainRole).map(\.content) }
        // A plain prompt string and the same prompt as messages give the same joined text, so
        // both spellings of a row compare alike (duplicates, leakage).
        let full: [String], prompt: [String]
        switch kind {
        case .sft:
            let conversation = obj["messages"] != nil ? turns("messages", "user") : turns("prompt", "user") + turns("completion", "assistant")
            full = conversation.map(\.content)
            prompt = conversation.filter { $0.role != "assistant" }.map(\.content)
        case .preference:
            prompt = texts("prompt", "user")
            full = prompt + texts("chosen", "assistant") + texts("rejected", "assistant")
        case .unpaired:
            prompt = texts("prompt", "user")
            full = prompt + texts("completion", "assistant")
        case .eval, .adversarial: full = texts("prompt", "user"); prompt = full
        case .corpus: full = [obj["text"] as? String ?? ""]; prompt = full
        }
        let combo = (obj["combo"] as? String) ?? ((obj["truth"] as? [String: Any])?["combo"] as? String)
        let f = full.joined(separator: "\n"), p = prompt.joined(separator: "\n")
        let nf = Extractor.normalize(f)
        return Row(file: file, line: line, kind: kind, full: f, prompt: p, combo: combo,
                   normFull: nf, normPrompt: p == f ? nf : Extractor.normalize(p))
    }

    /// Every string (and number) in a parsed row, the conversation first in reading order, then
    /// the other fields by key: where the personal-data search looks.
    static func texts(in value: Any) -> [String] {
        let reading = ["messages", "prompt", "completion", "chosen", "rejected", "text"]
        switch value {
        case let s as String: return [s]
        case let n as NSNumber: return RowSchema.isJSONBool(n) ? [] : ["\(n)"]
        case let list as [Any]: return list.flatMap(texts(in:))
        case let obj as [String: Any]:
            let keys = reading.filter { obj[$0] != nil } + obj.keys.filter { !reading.contains($0) }.sorted()
            return keys.flatMap { texts(in: obj[$0]!) }
        default: return []
        }
    }

    /// Exact duplicates (errors) and near duplicates (warnings) among rows of the same kind.
    func duplicates(_ rows: [Row]) -> [DataFinding] {
        var out: [DataFinding] = []
        var firstSeen: [String: Int] = [:]
        var exact = Set<Int>()
        for (i, r) in rows.enumerated() {
            let key = r.kind.rawValue + "\u{1}" + r.normFull
            if let j = firstSeen[key] {
                exact.insert(i)
                out.append(DataFinding(file: r.file, line: r.line, severity: .error, kind: .duplicate,
                                       message: "exact duplicate of \(rows[j].file):\(rows[j].line)"))
            } else {
                firstSeen[key] = i
            }
        }
        let sigs = rows.map { hasher.signature(normalized: $0.normFull) }
        let near = hasher.nearestEarlier(sigs, threshold: nearDuplicateThreshold) { i, j in
            rows[i].kind == rows[j].kind && !exact.contains(i) && !exact.contains(j)
        }
        for i in near.keys.sorted() {
            let (j, s) = near[i]!
            out.append(DataFinding(file: rows[i].file, line: rows[i].line, severity: .warning, kind: .nearDuplicate,
                                   message: String(format: "near duplicate of %@:%d (Jaccard ≈ %.2f)", rows[j].file, rows[j].line, s)))
        }
        return out
    }

    /// Evaluation rows whose prompt (or entity combination) also appears in training rows.
    func leakage(_ rows: [Row]) -> [DataFinding] {
        let evalRows = rows.indices.filter { rows[$0].kind.isEvaluation }
        let trainRows = rows.indices.filter { !rows[$0].kind.isEvaluation }
        guard !evalRows.isEmpty, !trainRows.isEmpty else { return [] }
        var out: [DataFinding] = []
        func leak(_ e: Int, _ message: String) {
            out.append(DataFinding(file: rows[e].file, line: rows[e].line, severity: .error, kind: .leakage, message: message))
        }
        // Exact: the normalised eval prompt equals a training prompt, or every line of it occurs in
        // one training text (a corpus ticket that quotes it). Candidates come from an index of
        // training lines: the eval line with the fewest training texts picks them.
        var lineIndex: [String: [Int]] = [:]
        var promptIndex: [String: Int] = [:]
        for t in trainRows {
            if promptIndex[rows[t].normPrompt] == nil { promptIndex[rows[t].normPrompt] = t }
            for l in Set(rows[t].full.split(separator: "\n").map { Extractor.normalize(String($0)) }) where l.count >= 12 {
                lineIndex[l, default: []].append(t)
            }
        }
        var leaked = Set<Int>()
        for e in evalRows {
            if let t = promptIndex[rows[e].normPrompt] {
                leak(e, "evaluation prompt also in training: \(rows[t].file):\(rows[t].line)")
                leaked.insert(e)
                continue
            }
            let lines = rows[e].prompt.split(separator: "\n").map { Extractor.normalize(String($0)) }.filter { $0.count >= 12 }
            guard let rarest = lines.compactMap({ lineIndex[$0] }).min(by: { $0.count < $1.count }) else { continue }
            for t in rarest.prefix(2000) where lines.allSatisfy({ rows[t].normFull.has($0) }) {
                leak(e, "evaluation prompt contained in training text: \(rows[t].file):\(rows[t].line)")
                leaked.insert(e)
                break
            }
        }
        // Near: MinHash over prompts (eval rows against training rows that have a prompt).
        let candidates = evalRows.filter { !leaked.contains($0) } + trainRows.filter { rows[$0].kind != .corpus }
        let sigs = candidates.map { hasher.signature(normalized: rows[$0].normPrompt) }
        let isEval = candidates.map { rows[$0].kind.isEvaluation }
        // Put training rows first so every eval row looks back at all of them.
        let order = candidates.indices.sorted { (isEval[$0] ? 1 : 0, $0) < (isEval[$1] ? 1 : 0, $1) }
        let near = hasher.nearestEarlier(order.map { sigs[$0] }, threshold: leakageThreshold) { i, j in
            isEval[order[i]] && !isEval[order[j]]
        }
        for i in near.keys.sorted() {
            let (j, s) = near[i]!
            let e = candidates[order[i]], t = candidates[order[j]]
            leak(e, String(format: "evaluation prompt nearly equal to training prompt %@:%d (Jaccard ≈ %.2f)", rows[t].file, rows[t].line, s))
        }
        // Entity combinations (rows that carry "combo" or truth.combo).
        var trainCombo: [String: Int] = [:]
        for t in trainRows { if let c = rows[t].combo, trainCombo[c] == nil { trainCombo[c] = t } }
        for e in evalRows {
            if let c = rows[e].combo, let t = trainCombo[c] {
                leak(e, "entity combination \(c) also in training: \(rows[t].file):\(rows[t].line)")
            }
        }
        return out.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }
}
