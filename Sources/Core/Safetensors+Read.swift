import Foundation

extension SafetensorsFile {
    /// The tensor called `name`, converted to Float32 (F32, F16, BF16 and F64 are supported).
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entry(name) else { throw CourseError(file: path, "no tensor named '\(CourseError.escape(name))'") }
        return try withHandle { try read(e, from: $0) }
    }

    /// Every tensor of the file, by name. Fails on the first dtype that cannot be loaded.
    public func loadAll() throws -> [String: Tensor] {
        try withHandle { h in
            var out: [String: Tensor] = [:]
            for e in entries { out[e.name] = try read(e, from: h) }
            return out
        }
    }

    /// The raw little-endian bytes of one tensor, whatever its dtype.
    public func rawBytes(_ name: String) throws -> [UInt8] {
        guard let e = entry(name) else { throw CourseError(file: path, "no tensor named '\(CourseError.escape(name))'") }
        return try withHandle { h in
            try h.seek(toOffset: UInt64(dataStart + e.begin))
            return try Self.readExactly(h, count: e.byteCount, path: path)
        }
    }

    private func withHandle<T>(_ body: (FileHandle) throws -> T) throws -> T {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw CourseError(file: path, "cannot open the file (missing or not readable)")
        }
        defer { try? h.close() }
        return try body(h)
    }

    private func read(_ e: SafetensorsEntry, from h: FileHandle) throws -> Tensor {
        guard e.dtype.isLoadable else {
            throw CourseError(file: path, "tensor '\(CourseError.escape(e.name))': dtype \(e.dtype.rawValue) cannot be loaded as Float32 (supported: F32, F16, BF16, F64)")
        }
        // Sizes were validated against the file in `open`, so these allocations are bounded by
        // the file's own size (times 2 for 16-bit dtypes).
        let bytes: Data
        do {
            try h.seek(toOffset: UInt64(dataStart + e.begin))
            bytes = try h.read(upToCount: e.byteCount) ?? Data()
        } catch {
            throw CourseError(file: path, "tensor '\(CourseError.escape(e.name))': read failed: \(error.localizedDescription)")
        }
        guard bytes.count == e.byteCount else {
            throw CourseError(file: path, "tensor '\(CourseError.escape(e.name))': file is shorter than its header says (it changed while being read?)")
        }
        let t = Tensor(zeros: e.shape)
        let n = e.elementCount
        let out = t.data
        bytes.withUnsafeBytes { raw in
            switch e.dtype {
            case .f32:
                #if _endian(little)
                if n > 0 { memcpy(out, raw.baseAddress!, 4 * n) }
                #else
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                #endif
            case .f16:
                for i in 0..<n { out[i] = halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .bf16:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            case .f64:
                for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            default:
                break
            }
        }
        return t
    }
}

/// IEEE 754 half precision to single precision, exact for every value (subnormals, infinities
/// and NaNs included). Written out because `Float16` is unavailable on some platforms.
@inline(__always)
public func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exp = UInt32(h >> 10) & 0x1F
    let mant = UInt32(h) & 0x3FF
    if exp == 0 {
        // Zero or subnormal: value = mant * 2^-24.
        let v = Float(mant) * (1.0 / 16_777_216.0)
        return sign != 0 ? -v : v
    }
    if exp == 0x1F {
        return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13))
    }
    return Float(bitPattern: sign | ((exp + 112) << 23) | (mant << 13))
}
