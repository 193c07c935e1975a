import Foundation

/// Writing safetensors files (Float32), laid out as the Python library does: tensors sorted by
/// name, packed back to back, and the JSON header padded with spaces to a multiple of 8 bytes
/// so the data buffer stays aligned. Written atomically (temp file + rename).
public enum Safetensors {
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to path: String) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata, path: path), to: URL(fileURLWithPath: path))
    }

    /// The bytes of a safetensors file holding `tensors` (used by `write` and by tests).
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                              path: String = "<memory>") throws -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        var seen = Set<String>()
        for t in sorted {
            guard t.name != "__metadata__" else { throw CourseError(file: path, "'__metadata__' cannot be a tensor name") }
            guard seen.insert(t.name).inserted else { throw CourseError(file: path, "duplicate tensor name '\(t.name)'") }
        }
        var header = "{"
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(StrictJSON.quote($0)):\(StrictJSON.quote(metadata[$0]!))" }
            header += "\"__metadata__\":{\(pairs.joined(separator: ","))}"
        }
        var offset = 0
        for (k, t) in sorted.enumerated() {
            let bytes = t.tensor.count * 4
            if k > 0 || !metadata.isEmpty { header += "," }
            header += "\(StrictJSON.quote(t.name)):{\"dtype\":\"F32\",\"shape\":[\(t.tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        var out = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for t in sorted {
            let n = t.tensor.count
            var le = [UInt32](repeating: 0, count: n)
            for i in 0..<n { le[i] = t.tensor.data[i].bitPattern.littleEndian }
            le.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }
}
