import Foundation

/// Writes training metrics as CSV: a header row, then one row per logged step. Every chapter
/// logs through this, so `course plot` can chart any run. The file is rewritten atomically on
/// each `flush()`, so a killed run leaves a complete CSV of the rows logged so far.
public final class MetricsWriter {
    public let url: URL
    public private(set) var columns: [String]
    public private(set) var rows: [[Double]] = []

    public init(url: URL, columns: [String]) {
        self.url = url
        self.columns = columns
    }

    /// Appends a row; keys not in `columns` are an error, missing ones are written as empty.
    public func log(_ values: [String: Double]) {
        for k in values.keys where !columns.contains(k) {
            preconditionFailure("MetricsWriter: unknown column \"\(k)\" (columns: \(columns))")
        }
        rows.append(columns.map { values[$0] ?? .nan })
    }

    public var csvText: String {
        var s = columns.joined(separator: ",") + "\n"
        for r in rows {
            s += r.map { $0.isNaN ? "" : MetricsWriter.format($0) }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// Shortest text that reads back to the same Double (Swift's description is round-trip exact).
    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    public func flush() throws { try AtomicFile.write(csvText, to: url) }

    /// A metrics file already on disk, to draw its figures again (`course plot --run`).
    /// Errors name the file, line and column.
    public static func load(url: URL) throws -> MetricsWriter {
        let table = try CSVTable.read(path: url.path)
        let m = MetricsWriter(url: url, columns: table.columns)
        m.rows = table.rows
        return m
    }

    /// After resuming from a checkpoint at `step`: keep the rows already on disk up to that
    /// step (the first column is the step), so the file reads as one uninterrupted run.
    public func restore(upToStep step: Int) {
        guard let old = try? CSVTable.read(path: url.path), old.columns == columns else { return }
        rows = old.rows.filter { $0[0] <= Double(step) }
    }
}

/// A parsed CSV table with a header, numeric cells (empty cells become NaN).
public struct CSVTable {
    public var columns: [String]
    public var rows: [[Double]]

    public func column(_ name: String, file: String = "CSV") throws -> [Double] {
        guard let i = columns.firstIndex(of: name) else {
            throw CourseError(file: file, line: 1, "no column \"\(CourseError.escape(name))\" (columns: \(CourseError.escape(columns.joined(separator: ", "))))")
        }
        return rows.map { $0[i] }
    }

    /// Parses CSV text; errors name the file, line and column. Quoted cells are not used by
    /// the kit's metrics files and are rejected with a clear message.
    public static func parse(_ text: String, file: String) throws -> CSVTable {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while let l = lines.last, l.isEmpty { lines.removeLast() }
        guard let header = lines.first, !header.isEmpty else { throw CourseError(file: file, "empty file (no header row)") }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if let i = columns.firstIndex(of: "") { throw CourseError(file: file, line: 1, "column \(i + 1) has an empty name") }
        var rows: [[Double]] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let lineNo = n + 2
            if line.isEmpty { continue }
            if line.contains("\"") { throw CourseError(file: file, line: lineNo, "quoted cells are not supported") }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == columns.count else {
                throw CourseError(file: file, line: lineNo, "\(cells.count) cells, header has \(columns.count)")
            }
            var row: [Double] = []
            row.reserveCapacity(cells.count)
            for (c, cell) in cells.enumerated() {
                let t = cell.trimmingCharacters(in: .whitespaces)
                if t.isEmpty { row.append(.nan); continue }
                // `Double` stops at a NUL byte ("1\0junk" would read as 1), so those are rejected.
                guard !t.contains("\u{0}"), let v = Double(t) else {
                    throw CourseError(file: file, line: lineNo, "column \"\(CourseError.escape(columns[c], limit: 40))\": \"\(CourseError.escape(t, limit: 40))\" is not a number")
                }
                row.append(v)
            }
            rows.append(row)
        }
        return CSVTable(columns: columns, rows: rows)
    }

    public static func read(path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else { throw CourseError(file: path, "cannot read file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CourseError(file: path, "not UTF-8 text") }
        return try parse(text, file: path)
    }
}
