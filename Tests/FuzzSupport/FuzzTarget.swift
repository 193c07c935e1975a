import Core
import Foundation

// A loader under test (a "fuzz target"), the container that packs a folder of files into one
// input, the contract a loader must keep, and the seeded campaign `swift test` runs.

/// A loader of outside input as the fuzzers see it: the files it reads from a folder, tokens
/// of its format for the mutator, and how to load them. `load` returns the bytes of what it
/// built (tensors, tables, tokens) so the campaign can check memory against the input's size.
public struct LoaderFuzzTarget: Sendable, CustomStringConvertible {
    public var name: String
    /// File names inside the folder, in bundle order ("config.json", "model.safetensors").
    public var files: [String]
    public var dictionary: [String]
    /// A loader may build at most `factor` times its input's size (plus 1 MiB).
    public var factor: Int
    public var load: @Sendable (URL) throws -> Int

    public init(name: String, files: [String], dictionary: [String] = [], factor: Int = 64,
                load: @escaping @Sendable (URL) throws -> Int) {
        self.name = name
        self.files = files
        self.dictionary = dictionary
        self.factor = factor
        self.load = load
    }

    public var description: String { name }

    /// The format tokens as a libFuzzer dictionary (`-dict=`), the bundle separator included.
    public var libFuzzerDictionary: String {
        func entry(_ bytes: [UInt8]) -> String {
            "\"" + bytes.map { b in
                b == 0x22 ? "\\\"" : b == 0x5C ? "\\\\" : (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : String(format: "\\x%02X", b)
            }.joined() + "\""
        }
        let tokens = dictionary.map { Array($0.utf8) } + (files.count > 1 ? [FuzzBundle.separator] : [])
        return "# Tokens of the \(name) format (written by scripts/make-fuzz-corpus.sh).\n" + tokens.map(entry).joined(separator: "\n") + "\n"
    }

    /// Writes `input` (a bundle) into `dir` and judges the loader on it.
    public func run(_ input: [UInt8], in dir: URL) -> LoaderOutcome {
        do { try FuzzBundle.write(FuzzBundle.split(input), names: files, in: dir) } catch {
            return .violation("could not write the input: \(error)")
        }
        return LoaderOutcome.judge(inputSize: input.count, factor: factor) { try load(dir) }
    }
}

/// Several files packed into one fuzz input (a checkpoint is a folder, a tokenizer two
/// files): the files' bytes joined by `separator`. Missing trailing parts are missing files.
public enum FuzzBundle {
    public static let separator: [UInt8] = Array("\u{0}\u{0}--fuzz-next-file--\u{0}\u{0}".utf8)

    public static func join(_ parts: [[UInt8]]) -> [UInt8] { Array(parts.joined(separator: separator)) }

    public static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var start = 0, i = 0
        let s = separator
        while i + s.count <= bytes.count {
            if bytes[i] == s[0], bytes[i..<(i + s.count)].elementsEqual(s) {
                parts.append(Array(bytes[start..<i]))
                i += s.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(Array(bytes[start...]))
        return parts
    }

    /// Writes `parts` as `names` in `dir` (extra parts are ignored, missing files removed).
    public static func write(_ parts: [[UInt8]], names: [String], in dir: URL) throws {
        for (k, name) in names.enumerated() {
            let url = dir.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: url)
            if k < parts.count {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(parts[k]).write(to: url)
            }
        }
    }
}

/// What a loader did with one input, judged against the contract.
public enum LoaderOutcome: Equatable, Sendable {
    /// Loaded; the value holds `bytes` of tensors, tables or tokens.
    case loaded(bytes: Int)
    /// Rejected with a one-line `CourseError` (its message).
    case rejected(String)
    /// Broke the contract: another error type, a message of several lines, too much memory.
    case violation(String)

    /// Runs `body` (which returns the bytes of what it built) on an input of `inputSize` bytes.
    public static func judge(inputSize: Int, factor: Int = 64, _ body: () throws -> Int) -> LoaderOutcome {
        do {
            let built = try body()
            if built > factor * inputSize + (1 << 20) {
                return .violation("built \(built) bytes from a \(inputSize)-byte input")
            }
            return .loaded(bytes: built)
        } catch let e as CourseError {
            // One line: no line breaks and no other control characters (tabs aside).
            if e.message.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
                return .violation("error message is not one line: \(e.message.debugDescription)")
            }
            return e.message.isEmpty ? .violation("empty error message") : .rejected(e.message)
        } catch {
            return .violation("threw \(type(of: error)), not CourseError: \(String(describing: error).debugDescription)")
        }
    }
}

/// A seeded fuzzing campaign over one target: mutated seeds, each judged; the same seed gives
/// the same inputs everywhere, so a failure reproduces from the test's output alone.
public struct FuzzCampaign {
    public struct Failure: Sendable {
        public var input: [UInt8]
        public var mutations: [Mutation]
        public var problem: String
    }
    /// Per mutation kind (the first one applied): inputs tried, inputs loaded, error messages.
    public struct Tally: Sendable {
        public var tried = 0
        public var loaded = 0
        public var messages: [String: Int] = [:]
    }

    public var target: LoaderFuzzTarget
    public private(set) var executions = 0
    public private(set) var loaded = 0
    public private(set) var rejected = 0
    public private(set) var failures: [Failure] = []
    public private(set) var tallies: [Mutation: Tally] = [:]
    public private(set) var slowest: Double = 0

    public init(target: LoaderFuzzTarget) { self.target = target }

    /// Runs every seed unmutated (each must load), then `count` mutated inputs. An input that
    /// takes longer than `timeLimit` seconds counts as a hang.
    public mutating func run(seeds: [[UInt8]], count: Int, seed: UInt64, scratch: URL, timeLimit: Double = 2) {
        for (k, s) in seeds.enumerated() {
            if case .loaded = target.run(s, in: scratch) { continue }
            let why = target.run(s, in: scratch)
            failures.append(Failure(input: s, mutations: [], problem: "seed \(k) does not load: \(why)"))
        }
        var mutator = FuzzMutator(seed: seed, dictionary: target.dictionary)
        let partsOfSeeds = seeds.map(FuzzBundle.split)
        for _ in 0..<count {
            let base = mutator.rng.pick(partsOfSeeds)
            var parts = base
            let mutated: (bytes: [UInt8], mutations: [Mutation])
            if parts.count > 1, mutator.rng.bernoulli(0.9) {
                // Break one file of the folder, splicing with the same file of other seeds.
                let k = mutator.rng.int(parts.count)
                let m = mutator.mutate(parts[k], others: partsOfSeeds.compactMap { k < $0.count ? $0[k] : nil })
                parts[k] = m.bytes
                mutated = (FuzzBundle.join(parts), m.mutations)
            } else {
                mutated = mutator.mutate(FuzzBundle.join(parts), others: seeds)
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let outcome = target.run(mutated.bytes, in: scratch)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            slowest = max(slowest, seconds)
            executions += 1
            var tally = tallies[mutated.mutations[0], default: Tally()]
            tally.tried += 1
            switch outcome {
            case .loaded:
                loaded += 1
                tally.loaded += 1
            case .rejected(let message):
                rejected += 1
                tally.messages[message.replacingOccurrences(of: scratch.path + "/", with: ""), default: 0] += 1
            case .violation(let problem):
                failures.append(Failure(input: mutated.bytes, mutations: mutated.mutations, problem: problem))
            }
            if seconds > timeLimit {
                failures.append(Failure(input: mutated.bytes, mutations: mutated.mutations, problem: "took \(seconds) s (a hang?)"))
            }
            tallies[mutated.mutations[0]] = tally
        }
    }

    /// A one-line summary, then the first failures: what broke, after which mutations, and the
    /// input (in base64 when short; the inputs are also written to `failureFolder`).
    public var summary: String {
        var s = "\(target.name): \(executions) inputs, \(loaded) loaded, \(rejected) rejected, \(failures.count) failures, slowest \(String(format: "%.3f", slowest)) s"
        for f in failures.prefix(3) {
            let input = f.input.count <= 600 ? Data(f.input).base64EncodedString() : "\(f.input.count) bytes"
            s += "\n  \(f.problem) after \(f.mutations.map(\.rawValue)); input: \(input)"
        }
        if !failures.isEmpty { s += "\n  failing inputs written to \(failureFolder.path)" }
        return s
    }

    /// Where `writeFailures()` puts failing inputs (one file each, to reproduce and minimise).
    public var failureFolder: URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("fuzz-failures/\(target.name)")
    }

    public func writeFailures() {
        try? FileManager.default.createDirectory(at: failureFolder, withIntermediateDirectories: true)
        for (k, f) in failures.enumerated() { try? Data(f.input).write(to: failureFolder.appendingPathComponent("failure-\(k)")) }
    }

    /// The report for Tests/Fuzz/README.md: per mutation kind, inputs tried and loaded, and the
    /// most frequent error messages (file paths relative to the input folder).
    public var markdown: String {
        var s = "### \(target.name)\n\n\(summary.split(separator: "\n")[0])\n\n| mutation | tried | loaded | distinct errors | most frequent errors |\n|---|---|---|---|---|\n"
        for m in Mutation.allCases {
            guard let t = tallies[m] else { continue }
            let top = t.messages.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(2)
                .map { "`\($0.key.prefix(160).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'"))`" }
            s += "| \(m.rawValue) | \(t.tried) | \(t.loaded) | \(t.messages.count) | \(top.joined(separator: "<br>")) |\n"
        }
        return s
    }

    /// Every distinct error, numbers replaced by N (so "column 12" and "column 40" count as one
    /// kind), with how many inputs produced it, most frequent first.
    public var messageKinds: String {
        var kinds: [String: (count: Int, example: String)] = [:]
        for t in tallies.values {
            for (m, n) in t.messages {
                let kind = m.replacingOccurrences(of: "[0-9]+", with: "N", options: .regularExpression)
                kinds[kind, default: (0, m)].count += n
            }
        }
        return kinds.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            .map { "\($0.value.count)\t\($0.value.example)" }.joined(separator: "\n") + "\n"
    }

    /// The files of a corpus folder (sorted by name, hidden files skipped) as inputs.
    public static func inputs(in dir: URL) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
        return try names.map { [UInt8](try Data(contentsOf: dir.appendingPathComponent($0))) }
    }

    /// Where inputs are written for the loaders to read: /dev/shm (memory) when there is one,
    /// since every input is a file write and /tmp on a busy disk is ten times slower.
    public static var scratchFolder: URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           FileManager.default.isWritableFile(atPath: "/dev/shm") {
            return URL(fileURLWithPath: "/dev/shm")
        }
        return URL(fileURLWithPath: NSTemporaryDirectory())
    }

    /// A seed derived from a target's name (FNV-1a: stable across runs, unlike `hashValue`).
    public static func seed(for name: String) -> UInt64 {
        name.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// The campaign `swift test` runs for a target: its seeds from `corpus/<name>` under
    /// `fuzzRoot` (Tests/Fuzz), `FUZZ_INPUTS` mutated inputs (default `defaultCount`), seeded by
    /// the target's name. With `FUZZ_REPORT=<folder>`, writes `<folder>/<name>.md`.
    public static func standard(_ target: LoaderFuzzTarget, fuzzRoot: URL, defaultCount: Int = 300) throws -> FuzzCampaign {
        let env = ProcessInfo.processInfo.environment
        let count = env["FUZZ_INPUTS"].flatMap { Int($0) } ?? defaultCount
        let seeds = try inputs(in: fuzzRoot.appendingPathComponent("corpus/\(target.name)"))
        let scratch = scratchFolder.appendingPathComponent("fuzz-\(target.name)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var campaign = FuzzCampaign(target: target)
        campaign.run(seeds: seeds, count: count, seed: seed(for: target.name), scratch: scratch)
        campaign.writeFailures()
        if let dir = env["FUZZ_REPORT"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try campaign.markdown.write(toFile: dir + "/\(target.name).md", atomically: true, encoding: .utf8)
            try campaign.messageKinds.write(toFile: dir + "/\(target.name).messages.txt", atomically: true, encoding: .utf8)
        }
        return campaign
    }

    /// Checks every regression input of a target (`regressions/<name>/*` under `fuzzRoot`, each
    /// an input that once broke the contract, minimised) against `regressions/<name>/expected.tsv`:
    /// one line per file, `file<TAB>loads` or `file<TAB>phrase its one-line error contains`.
    /// Returns one problem per input that does not behave so (empty: all good).
    public static func checkRegressions(_ target: LoaderFuzzTarget, fuzzRoot: URL) throws -> [String] {
        let dir = fuzzRoot.appendingPathComponent("regressions/\(target.name)")
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        var expected: [String: String] = [:]
        let table = (try? String(contentsOf: dir.appendingPathComponent("expected.tsv"), encoding: .utf8)) ?? ""
        for line in table.split(separator: "\n") where !line.hasPrefix("#") {
            let cells = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if cells.count == 2 { expected[cells[0]] = cells[1] }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") && $0 != "expected.tsv" }.sorted()
        let scratch = scratchFolder.appendingPathComponent("fuzz-regress-\(target.name)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var problems: [String] = []
        for name in names {
            let outcome = target.run([UInt8](try Data(contentsOf: dir.appendingPathComponent(name))), in: scratch)
            let want = expected[name]
            switch (outcome, want) {
            case (_, nil): problems.append("\(target.name)/\(name): no line in expected.tsv")
            case (.violation(let why), _): problems.append("\(target.name)/\(name): \(why)")
            case (.loaded, "loads"): break
            case (.rejected(let m), let w?) where w != "loads" && m.contains(w): break
            default: problems.append("\(target.name)/\(name): expected \(want!), got \(outcome)")
            }
        }
        return problems
    }
}
