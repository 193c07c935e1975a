import Foundation

/// A one-line progress bar on standard error:
///
///     sft [##############----------] 60/100  loss 1.234 eval 2.101  12s, 8s left
///
/// with the elapsed time and an estimate of the time left (the mean time per unit so far times
/// the units to go). Inside a chain of stages (`ProgressBar.chain`, set by the scheduler) the
/// line starts with the chain's position, its overall fraction done and time left:
///
///     stage 3/9 sft 31%, 7m40s left | sft [##############----------] 60/100  loss 1.234  12s, 8s left
///
/// Redraws at most 10 times a second, in place, cut to the terminal's width; prints whole
/// plain lines (every 10 s) when stderr is not a terminal, so CI logs stay readable. The text of a line comes from pure functions
/// (`line`, `status`, `duration`, `ChainProgress.describe`) that tests call directly.
public final class ProgressBar {
    let label: String
    let total: Int
    /// Units already done when the bar started (a resumed run): the time-left estimate divides
    /// the elapsed time by the units done since, not by all of them.
    let startDone: Int
    let start = Date()
    var lastDraw = Date.distantPast
    let isTTY = isatty(2) != 0
    public var quiet = false

    public init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
        startDone = 0
    }

    /// A bar for a run resumed at `startDone` of `total` units.
    public init(_ label: String, total: Int, from startDone: Int) {
        self.label = label
        self.total = max(total, 1)
        self.startDone = max(0, startDone)
    }

    /// Shows `done` of `total` with a free-form `status` ("loss 1.234").
    public func update(_ done: Int, _ status: String = "") {
        guard !quiet else { return }
        let now = Date()
        let finished = done >= total
        if !finished && now.timeIntervalSince(lastDraw) < (isTTY ? 0.1 : 10) { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let eta = ProgressBar.eta(elapsed: elapsed, done: done - startDone, left: total - done)
        let chain = ChainContext.shared.reach(barFraction: Double(min(done, total)) / Double(total), barLeft: finished ? 0 : eta, now: now)
        let text = ProgressBar.fitted(prefix: chain.map { $0.chain.describe(fraction: $0.fraction, left: $0.left) + " | " } ?? "",
                                      label: label, done: done, total: total, elapsed: elapsed, eta: eta, status: status,
                                      columns: isTTY ? ProgressBar.terminalColumns() : nil)
        FileHandle.standardError.write(Data(((isTTY ? "\r\u{1B}[K" : "") + text + (finished || !isTTY ? "\n" : "")).utf8))
    }

    /// Shows `done` of `total` with named numbers, leaving out the ones not known yet (see `status`).
    public func update(_ done: Int, fields: [(String, Double?)], format: String = "%.3f") {
        update(done, ProgressBar.status(fields, format: format))
    }

    /// The chain of stages the bars drawn now belong to, or nil outside a chain. A scheduler
    /// sets it before each stage and clears it after the last; every bar drawn meanwhile (the
    /// stage's training loop, its evaluations) shows the chain's position and overall estimate.
    /// Setting it also resets the overall fraction reached, which otherwise never goes down
    /// within a stage (a stage's second bar starts again from 0).
    public static var chain: ChainProgress? {
        get { ChainContext.shared.get() }
        set { ChainContext.shared.set(newValue) }
    }
}

// MARK: Formatting (pure functions)

extension ProgressBar {
    /// "name value" pairs separated by spaces, leaving out fields whose value is nil, NaN or
    /// infinite, so a metric not measured yet shows nothing rather than "nan":
    /// `status([("loss", 1.2345), ("eval", nil)])` is "loss 1.234". An empty name prints the
    /// value alone. `format` is a printf format for one Double.
    public static func status(_ fields: [(String, Double?)], format: String = "%.3f") -> String {
        fields.compactMap { name, value -> String? in
            guard let v = value, v.isFinite else { return nil }
            let number = String(format: format, v)
            return name.isEmpty ? number : name + " " + number
        }.joined(separator: " ")
    }

    /// A duration for people: "12s", "3m05s", "1h02m" (rounded to the unit shown last).
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + pad2(s % 60) + "s" }
        let m = Int((seconds / 60).rounded())
        return "\(m / 60)h" + pad2(m % 60) + "m"
    }

    static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Seconds left at the mean time per unit so far: nil before the first unit is timed and
    /// once nothing is left.
    public static func eta(elapsed: Double, done: Int, left: Int) -> Double? {
        guard done > 0, left > 0, elapsed.isFinite, elapsed >= 0 else { return nil }
        return elapsed / Double(done) * Double(left)
    }

    /// `prefix` and a bar's line in at most `columns` characters (nil: no limit), so that a
    /// terminal redraws it in place (a wrapped line leaves its first half behind at every
    /// redraw): the bar narrows to 8 characters first, then the status loses words from its
    /// end, and a line still too long is cut.
    public static func fitted(prefix: String, label: String, done: Int, total: Int, elapsed: Double, eta: Double?,
                              status: String, columns: Int?) -> String {
        func make(_ width: Int, _ status: String) -> String {
            prefix + line(label: label, done: done, total: total, elapsed: elapsed, eta: eta, status: status, width: width)
        }
        guard let columns, columns > 0 else { return make(24, status) }
        let limit = columns - 1   // the last column would wrap on some terminals
        var width = 24, words = status.split(separator: " ").map(String.init)
        var text = make(width, status)
        while text.count > limit && width > 8 { width -= 1; text = make(width, status) }
        while text.count > limit && !words.isEmpty { words.removeLast(); text = make(width, words.joined(separator: " ")) }
        return text.count > limit ? String(text.prefix(limit)) : text
    }

    /// The width of the terminal on standard error (the COLUMNS variable, or 80, when the
    /// system does not say).
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }

    /// One bar's line: label, bar, count, status, elapsed time and (when known) time left.
    public static func line(label: String, done: Int, total: Int, elapsed: Double, eta: Double?,
                            status: String, width: Int = 24) -> String {
        let total = max(total, 1), filled = width * max(0, min(done, total)) / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var time = duration(elapsed)
        if let eta, eta >= 0.5 { time += ", " + duration(eta) + " left" }
        return [label + " [" + bar + "] \(done)/\(total)", status, time].filter { !$0.isEmpty }.joined(separator: "  ")
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
