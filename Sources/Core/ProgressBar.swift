import Foundation

/// A one-line progress bar on standard error ("sft  [######----]  60/100  loss 1.234  12s").
/// Redraws at most 10 times a second; prints plain lines when stderr is not a terminal, so CI
/// logs stay readable.
public final class ProgressBar {
    let label: String
    let total: Int
    let start = Date()
    var lastDraw = Date.distantPast
    let isTTY = isatty(2) != 0
    public var quiet = false

    public init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    public func update(_ done: Int, _ status: String = "") {
        guard !quiet else { return }
        let now = Date()
        let finished = done >= total
        if !finished && now.timeIntervalSince(lastDraw) < (isTTY ? 0.1 : 10) { return }
        lastDraw = now
        let width = 24, filled = width * min(done, total) / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "%@ [%@] %d/%d %@ %.0fs", label, bar, done, total, status, now.timeIntervalSince(start))
        FileHandle.standardError.write(Data(((isTTY ? "\r\u{1B}[K" : "") + line + (finished || !isTTY ? "\n" : "")).utf8))
    }
}

/// Wall-clock timing for benchmarks and run summaries.
public func measure(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// Repeats `body` until `seconds` have passed (after one warm-up call); returns seconds per call.
public func timePerCall(seconds: Double, _ body: () -> Void) -> Double {
    body()
    var n = 0
    let t = measure { repeat { body(); n += 1 } while false }
    var total = t
    while total < seconds { total += measure(body); n += 1 }
    return total / Double(n)
}

/// Writes a Codable value as pretty, key-sorted JSON (atomically): run configs, reports.
public func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(try enc.encode(value) + Data("\n".utf8), to: url)
}

/// Reads a JSON file into a Codable value; errors name the file and the key.
public func readJSON<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
    guard let data = FileManager.default.contents(atPath: path) else { throw CourseError(file: path, "cannot read file") }
    do { return try JSONDecoder().decode(T.self, from: data) } catch let e as DecodingError {
        throw CourseError(file: path, JSONL.explain(e))
    }
}
