import Core
import Foundation

extension Dataset {
    /// The file names `write(to:)` uses.
    public enum FileName {
        public static let corpus = "corpus.jsonl"
        public static let sft = "sft.jsonl"
        public static let preferences = "preferences.jsonl"
        public static let unpaired = "unpaired.jsonl"
        public static let dev = "dev.jsonl"
        public static let test = "test.jsonl"
        public static let adversarial = "adversarial.jsonl"
        public static let safety = "safety.jsonl"
    }

    /// Writes the eight JSONL files (the test pairs stay in memory: a preference file on test
    /// prompts would read as training data to the leakage check, and only the reward model's
    /// run measures on them) into `dir` (created if needed), each atomically, keys sorted:
    /// the same data set gives the same bytes.
    public func write(to dir: URL) throws {
        try AtomicFile.write(try JSONL.encode(corpus.map(CorpusDocument.init(text:))), to: dir.appendingPathComponent(FileName.corpus))
        try AtomicFile.write(try JSONL.encode(sft), to: dir.appendingPathComponent(FileName.sft))
        try AtomicFile.write(try JSONL.encode(preferences), to: dir.appendingPathComponent(FileName.preferences))
        try AtomicFile.write(try JSONL.encode(unpaired), to: dir.appendingPathComponent(FileName.unpaired))
        try AtomicFile.write(try JSONL.encode(dev), to: dir.appendingPathComponent(FileName.dev))
        try AtomicFile.write(try JSONL.encode(test), to: dir.appendingPathComponent(FileName.test))
        try AtomicFile.write(try JSONL.encode(adversarial), to: dir.appendingPathComponent(FileName.adversarial))
        try AtomicFile.write(try JSONL.encode(safety), to: dir.appendingPathComponent(FileName.safety))
    }

    /// Loads a directory written by `write(to:)`.
    public static func load(from dir: URL) throws -> Dataset {
        func p(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let sft = try loadSFT(path: p(FileName.sft))
        let lang = sft.first?.truth.lang ?? .en
        return Dataset(lang: lang, difficulty: .medium, corpus: try loadCorpus(path: p(FileName.corpus)), sft: sft,
                       preferences: try loadPreferences(path: p(FileName.preferences)),
                       unpaired: try loadUnpaired(path: p(FileName.unpaired)), dev: try loadEval(path: p(FileName.dev)), test: try loadEval(path: p(FileName.test)),
                       adversarial: try loadAdversarial(path: p(FileName.adversarial)),
                       safety: FileManager.default.fileExists(atPath: p(FileName.safety)) ? try loadAdversarial(path: p(FileName.safety)) : [])
    }

    public static func loadSFT(path: String) throws -> [ChatExample] { try load(path, as: .sft) }
    public static func loadPreferences(path: String) throws -> [PreferencePair] { try load(path, as: .preference) }
    public static func loadUnpaired(path: String) throws -> [UnpairedExample] { try load(path, as: .unpaired) }
    public static func loadEval(path: String) throws -> [EvalItem] { try load(path, as: .eval) }
    public static func loadAdversarial(path: String) throws -> [AdversarialItem] { try load(path, as: .adversarial) }
    public static func loadCorpus(path: String) throws -> [String] {
        let docs: [CorpusDocument] = try load(path, as: .corpus)
        return docs.map(\.text)
    }

    /// Reads every line, checks its shape, decodes it and checks its truth; the first bad line
    /// throws `CourseError` naming the file and line, and nothing is returned from a half-bad file.
    static func load<T: Decodable>(_ path: String, as kind: RowKind) throws -> [T] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CourseError(file: path, "cannot read file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CourseError(file: path, "not UTF-8 text") }
        let decoder = JSONDecoder()
        var out: [T] = []
        var lineNo = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let bytes = Data(line.utf8)
            guard let any = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]) else {
                throw CourseError(file: path, line: lineNo, "malformed JSON")
            }
            guard let row = any as? [String: Any] else { throw CourseError(file: path, line: lineNo, "expected a JSON object") }
            if let problem = RowSchema.problems(row, as: kind).first { throw CourseError(file: path, line: lineNo, problem) }
            let value: T
            do { value = try decoder.decode(T.self, from: bytes) } catch let e as DecodingError {
                throw CourseError(file: path, line: lineNo, JSONL.explain(e))
            }
            if let problem = truthProblems(value).first { throw CourseError(file: path, line: lineNo, problem) }
            out.append(value)
        }
        if out.isEmpty { throw CourseError(file: path, "no rows") }
        return out
    }

    static func truthProblems(_ value: Any) -> [String] {
        switch value {
        case let x as ChatExample: return x.truth.problems()
        case let x as PreferencePair: return x.truth.problems()
        case let x as UnpairedExample: return x.truth.problems() + (x.label == false || x.flaw == nil ? [] : ["a true label has a flaw"])
        case let x as EvalItem: return x.truth.problems()
        default: return []
        }
    }
}

extension RunSpec {
    /// The built-in data set a run trains and measures on: the world of `dataSeed` in `language`,
    /// with the run's policy change applied (the command line parsed it before any run started).
    public func builtInData(_ size: SizePreset, habitShare: Double = Habit.share) -> Dataset {
        Dataset.generate(world: builtInWorld(size), habitShare: habitShare)
    }

    /// The world behind `builtInData`: the shop, its policies and orders (mirror pairs are made
    /// from its training orders).
    public func builtInWorld(_ size: SizePreset) -> World {
        World.generate(seed: dataSeed, lang: Language(rawValue: language) ?? .en, size: size,
                       policyChange: policyChange.isEmpty ? nil : try? PolicyChange.parse(policyChange))
    }
}
