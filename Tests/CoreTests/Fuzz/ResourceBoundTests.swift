import Core
import Foundation
import Testing

/// A file cannot make the kit allocate more than its own size suggests, and shape arithmetic
/// that overflows is an error, not a trap (issue 12, "Resource bounds").
@Suite("Resource bounds of Core's loaders") struct CoreResourceBoundTests {
    static let dir: URL = {
        let d = ScratchFolder.root.appendingPathComponent("resource-bounds-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// A safetensors file: the length prefix (true unless `prefix` lies), the header, the data.
    static func safetensors(_ name: String, header: String, data: Int = 0, prefix: UInt64? = nil) -> String {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (prefix ?? UInt64(header.utf8.count)).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: data)
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func openError(_ path: String) -> String? {
        do { _ = try SafetensorsFile.open(path: path).loadAll(); return nil } catch { return "\(error)" }
    }

    @Test("a header claiming a 4 TiB tensor in a 100-byte file is rejected before anything is allocated")
    func hugeTensorSmallFile() {
        let path = Self.safetensors("huge.st", header: #"{"w":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,4398046511104]}}"#, data: 16)
        let t0 = Date()
        let message = Self.openError(path)
        #expect(message?.contains("missing data: tensor 'w' ends at byte 4398046511104 of the data buffer but the file holds only 16 data bytes") == true, "\(message ?? "loaded")")
        #expect(Date().timeIntervalSince(t0) < 0.5)
    }

    @Test("a length prefix beyond the file or the 100 MB limit is rejected before the header is read")
    func hugePrefix() {
        #expect(Self.openError(Self.safetensors("prefix-max.st", header: "{}", prefix: .max))?.contains("header length 18446744073709551615 exceeds the 100000000-byte limit") == true)
        #expect(Self.openError(Self.safetensors("prefix-past.st", header: "{}", prefix: 99_999_999))?.contains("runs past the end of the file (10 bytes)") == true)
    }

    @Test("shape arithmetic that overflows is an error naming the shape", arguments: [
        (#"[4294967296,4294967296]"#, "F32", "[0,0]", "shape [4294967296, 4294967296] overflows: its element count does not fit in 64 bits"),
        (#"[3037000500,3037000500]"#, "F32", "[0,0]", "its element count does not fit in 64 bits"),
        (#"[2305843009213693952,2]"#, "F32", "[0,0]", "shape [2305843009213693952, 2] of F32 overflows: its byte size does not fit in 64 bits"),
        (#"[-1]"#, "F32", "[0,0]", "negative dimension -1 in shape [-1]"),
        (#"[18446744073709551616]"#, "F32", "[0,0]", "\"shape\" must be an array of integers (found a number)"),
        (#"[1]"#, "F32", "[0,18446744073709551615]", "\"data_offsets\" must be two non-negative integers [begin, end]"),
        (#"[1]"#, "F32", "[0,9223372036854775807]", "data_offsets cover 9223372036854775807 bytes but shape [1] of F32 needs 4"),
    ])
    func shapeOverflow(shape: String, dtype: String, offsets: String, expected: String) {
        // Cases run in parallel: one file each.
        let name = "shape-" + (shape + offsets).filter { $0.isNumber || $0 == "-" } + ".st"
        let path = Self.safetensors(name, header: #"{"t":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}}"#)
        let message = Self.openError(path)
        #expect(message?.contains(expected) == true, "\(message ?? "loaded")")
    }

    @Test("Tensor.checkedNumel reports overflow instead of trapping")
    func checkedNumel() {
        #expect(Tensor.checkedNumel([1 << 32, 1 << 32]) == nil)
        #expect(Tensor.checkedNumel([Int.max, 2]) == nil)
        #expect(Tensor.checkedNumel([-1]) == nil)
        #expect(Tensor.checkedNumel([1 << 31, 1 << 31]) == 1 << 62)
        #expect(Tensor.checkedNumel([]) == 1)
    }

    @Test("what a safetensors file loads is at most twice its size (F16 widened to Float32)")
    func loadedSizeBoundedByFile() throws {
        let f16 = [UInt8](repeating: 0x3C, count: 2048)
        let header = #"{"h":{"dtype":"F16","shape":[1024],"data_offsets":[0,2048]}}"#
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8) + f16
        let path = Self.dir.appendingPathComponent("f16.st").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let loaded = try SafetensorsFile.open(path: path).loadAll()
        #expect(loaded["h"]!.count * 4 <= 2 * bytes.count)
    }

    @Test("CSV and JSONL files with CRLF line ends read like LF ones (a CRLF is one Character in Swift)")
    func crlf() throws {
        let table = try CSVTable.parse("step,loss\r\n1,2.5\r\n2,1.5\r\n", file: "m.csv")
        #expect(table.columns == ["step", "loss"])
        #expect(table.rows == [[1, 2.5], [2, 1.5]])
        let rows = try JSONL.objects(text: "{\"a\":1}\r\n\r\n{\"b\":2}\r\n", file: "d.jsonl")
        #expect(rows.map(\.line) == [1, 3])
        #expect(throws: CourseError(file: "d.jsonl", line: 2, "malformed JSON")) { try JSONL.objects(text: "{}\r\n{\r\n", file: "d.jsonl") }
    }

    @Test("text from a file is escaped in error messages, so an error stays on one line")
    func escapedMessages() {
        #expect(CourseError.escape("a\nb\u{1C}c\u{2028}") == "a\\nb\\u{1C}c\\u{2028}")
        #expect(CourseError.escape(String(repeating: "x", count: 10), limit: 4) == "xxxx…")
        let path = Self.safetensors("name.st", header: "{\"a\\nb\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")
        #expect(Self.openError(path)?.contains("missing data: tensor 'a\\nb' ends at byte 4") == true)
        #expect(throws: CourseError(file: "m.csv", line: 2, "column \"x\\ty\": \"1\\u{0}\" is not a number")) {
            try CSVTable.parse("x\ty\n1\u{0}\n", file: "m.csv")
        }
    }
}
