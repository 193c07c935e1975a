import Foundation

// The safetensors format, as Hugging Face's `safetensors` library defines it:
//
//   [8 bytes: little-endian u64 N] [N bytes: UTF-8 JSON header] [data buffer]
//
// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
// relative to the data buffer, end exclusive) and may hold "__metadata__": {str: str}.
// A checkpoint from the internet is untrusted input, so `SafetensorsFile.open` checks every
// rule below before a single byte of tensor memory is allocated: a small file that claims a
// huge tensor is rejected, and shape arithmetic that overflows is an error, not a trap.

/// Element types a safetensors file may declare (the full list of the reference library).
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32", f64 = "F64", i64 = "I64", u64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// Whether `SafetensorsFile.tensor(_:)` can convert this dtype to a Float32 `Tensor`.
    public var isLoadable: Bool { self == .f32 || self == .f16 || self == .bf16 || self == .f64 }
}

/// One tensor as the header describes it.
public struct SafetensorsEntry: Equatable, Sendable {
    public var name: String
    public var dtype: SafetensorsDType
    public var shape: [Int]
    /// Byte range in the data buffer (end exclusive).
    public var begin: Int
    public var end: Int
    public var byteCount: Int { end - begin }
    /// Number of elements (1 for a scalar of shape []); validated not to overflow.
    public var elementCount: Int { Tensor.checkedNumel(shape) ?? 0 }
}

/// A validated safetensors file: header entries in file (data offset) order and the metadata.
/// Tensor data is read from disk on demand.
public struct SafetensorsFile: Sendable {
    /// Largest header the reference library accepts.
    public static let maxHeaderLength = 100_000_000

    public let path: String
    /// Entries sorted by their data offsets, which is the order of the bytes in the file.
    public let entries: [SafetensorsEntry]
    public let metadata: [String: String]
    /// N, the JSON header's length in bytes.
    public let headerLength: Int
    public let fileSize: Int
    /// Absolute file offset of the data buffer.
    public var dataStart: Int { 8 + headerLength }
    /// Sum of element counts over all tensors.
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.elementCount } }

    public func entry(_ name: String) -> SafetensorsEntry? { entries.first { $0.name == name } }
    public var names: [String] { entries.map(\.name) }

    /// Reads the 8-byte prefix and the header, and checks every rule of the format against the
    /// file's real size. Throws a one-line `CourseError` naming the file and the broken rule.
    public static func open(path: String) throws -> SafetensorsFile {
        let fail = { (msg: String) in CourseError(file: path, msg) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw fail("is a folder, not a .safetensors file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw fail("cannot open the file (missing or not readable)")
        }
        defer { try? handle.close() }
        let size: UInt64
        do { size = try handle.seekToEnd(); try handle.seek(toOffset: 0) } catch {
            throw fail("cannot read the file: \(error.localizedDescription)")
        }
        guard size >= 8 else {
            throw fail("file is \(size) bytes, shorter than the 8-byte header length: not a safetensors file")
        }
        let prefix = try readExactly(handle, count: 8, path: path)
        let n = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard n <= UInt64(maxHeaderLength) else {
            throw fail("header length \(n) exceeds the \(maxHeaderLength)-byte limit")
        }
        guard n + 8 <= size else {
            throw fail("header length \(n) runs past the end of the file (\(size) bytes)")
        }
        let header = try readExactly(handle, count: Int(n), path: path)
        return try parse(header: header, fileSize: Int(size), path: path)
    }

    /// Validates a header (the N bytes after the prefix) against the file size.
    static func parse(header: [UInt8], fileSize: Int, path: String) throws -> SafetensorsFile {
        let fail = { (msg: String) in CourseError(file: path, msg) }
        guard String(validating: header, as: UTF8.self) != nil else { throw fail("header is not valid UTF-8") }
        let json: JSONValue
        do { json = try StrictJSON.parse(header) } catch {
            throw fail("header is not valid JSON (\(error))")
        }
        guard case .object(let members) = json else {
            throw fail("header is not a JSON object (found \(json.typeName))")
        }
        var metadata: [String: String] = [:]
        var entries: [SafetensorsEntry] = []
        for m in members {
            if m.key == "__metadata__" {
                metadata = try parseMetadata(m.value, fail: fail)
            } else {
                entries.append(try parseEntry(name: m.key, m.value, fail: fail))
            }
        }
        // Tensors must tile the data buffer exactly: sorted by offsets, each begins where the
        // previous one ends (no overlap, no hole), and the last one ends at the end of the file.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        let dataLength = fileSize - 8 - header.count
        var expected = 0
        var previous: String?
        for e in entries {
            if e.begin < expected {
                throw fail("tensors '\(CourseError.escape(previous ?? ""))' and '\(CourseError.escape(e.name))' overlap (bytes \(e.begin)..<\(expected) of the data buffer)")
            }
            if e.begin > expected {
                let after = previous.map { "after '\(CourseError.escape($0))'" } ?? "at the start of the data buffer"
                throw fail("hole of \(e.begin - expected) bytes \(after), before tensor '\(CourseError.escape(e.name))'")
            }
            expected = e.end
            previous = e.name
        }
        if expected > dataLength {
            throw fail("missing data: tensor '\(CourseError.escape(previous ?? ""))' ends at byte \(expected) of the data buffer but the file holds only \(dataLength) data bytes")
        }
        if expected < dataLength {
            throw fail("\(dataLength - expected) trailing bytes after the last tensor")
        }
        return SafetensorsFile(path: path, entries: entries, metadata: metadata,
                               headerLength: header.count, fileSize: fileSize)
    }

    private static func parseMetadata(_ v: JSONValue, fail: (String) -> CourseError) throws -> [String: String] {
        guard case .object(let pairs) = v else {
            throw fail("__metadata__ must be an object of strings (found \(v.typeName))")
        }
        var out: [String: String] = [:]
        for p in pairs {
            guard case .string(let s) = p.value else {
                throw fail("__metadata__ must map strings to strings (\"\(CourseError.escape(p.key))\" is \(p.value.typeName))")
            }
            out[p.key] = s
        }
        return out
    }

    private static func parseEntry(name: String, _ v: JSONValue, fail: @escaping (String) -> CourseError) throws -> SafetensorsEntry {
        let t = { (msg: String) in fail("tensor '\(CourseError.escape(name))': \(msg)") }
        guard case .object(let fields) = v else { throw t("entry must be an object (found \(v.typeName))") }
        func field(_ key: String) throws -> JSONValue {
            guard let f = fields.first(where: { $0.key == key }) else { throw t("missing \"\(key)\"") }
            return f.value
        }
        guard case .string(let dtypeName) = try field("dtype") else { throw t("\"dtype\" must be a string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else { throw t("unknown dtype \"\(CourseError.escape(dtypeName, limit: 40))\"") }
        guard case .array(let dims) = try field("shape") else { throw t("\"shape\" must be an array of integers") }
        var shape: [Int] = []
        for d in dims {
            guard case .int(let k) = d else { throw t("\"shape\" must be an array of integers (found \(d.typeName))") }
            guard k >= 0 else { throw t("negative dimension \(k) in shape [\(dims.map(Self.show).joined(separator: ", "))]") }
            shape.append(k)
        }
        guard case .array(let offs) = try field("data_offsets"), offs.count == 2,
              case .int(let begin) = offs[0], case .int(let end) = offs[1], begin >= 0, end >= 0 else {
            throw t("\"data_offsets\" must be two non-negative integers [begin, end]")
        }
        guard end >= begin else { throw t("data_offsets end \(end) is before begin \(begin)") }
        guard let numel = Tensor.checkedNumel(shape) else {
            throw t("shape \(shape) overflows: its element count does not fit in 64 bits")
        }
        let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw t("shape \(shape) of \(dtype.rawValue) overflows: its byte size does not fit in 64 bits") }
        guard bytes == end - begin else {
            throw t("data_offsets cover \(end - begin) bytes but shape \(shape) of \(dtype.rawValue) needs \(bytes)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    private static func show(_ v: JSONValue) -> String {
        if case .int(let k) = v { return String(k) }
        return v.typeName
    }

    static func readExactly(_ handle: FileHandle, count: Int, path: String) throws -> [UInt8] {
        let data: Data?
        do { data = try handle.read(upToCount: count) } catch {
            throw CourseError(file: path, "read failed: \(error.localizedDescription)")
        }
        let bytes = [UInt8](data ?? Data())
        guard bytes.count == count else {
            throw CourseError(file: path, "file is shorter than its header says (it changed while being read?)")
        }
        return bytes
    }
}
