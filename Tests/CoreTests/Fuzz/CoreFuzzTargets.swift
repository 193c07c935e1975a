import Core
import Foundation
import FuzzSupport

// Core's loaders of outside input as fuzz targets. This file imports only Core and Foundation:
// scripts/fuzz.sh compiles it into the libFuzzer harnesses too (Tests/Fuzz/harness/).

enum CoreFuzzTargets {
    static let jsonTokens = ["{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "\\u0000", "\\ud800", "0", "-1", " ", "\n"]

    /// `SafetensorsFile.open` + every tensor read as Float32 + the first tensor's raw bytes.
    /// What it builds is at most 3x the file (F16/BF16 tensors widen to Float32).
    static let safetensors = LoaderFuzzTarget(
        name: "safetensors", files: ["model.safetensors"],
        dictionary: jsonTokens + ["\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F16\"",
                                  "\"BF16\"", "\"F64\"", "\"I64\"", "\"BOOL\"", "\"F8_E4M3\"", "\"format\":\"pt\""],
        factor: 4
    ) { dir in
        let file = try SafetensorsFile.open(path: dir.appendingPathComponent("model.safetensors").path)
        var bytes = 0
        if let first = file.entries.first { bytes += try file.rawBytes(first.name).count }
        for e in file.entries where e.dtype.isLoadable { bytes += try file.tensor(e.name).count * 4 }
        return bytes
    }

    /// `CSVTable.read` (metrics files) and every column by name.
    static let csv = LoaderFuzzTarget(
        name: "metrics-csv", files: ["metrics.csv"],
        dictionary: [",", "\"", "\r\n", "\n", "nan", "inf", "-inf", "1e999", "0x1p3", " ", "step", "loss", ",,,,"]
    ) { dir in
        let table = try CSVTable.read(path: dir.appendingPathComponent("metrics.csv").path)
        for c in table.columns { _ = try table.column(c, file: "metrics.csv") }
        return table.rows.count * table.columns.count * 8
    }

    /// A JSONL row type with optional fields of every JSON kind, for `JSONL.decode`.
    struct Row: Decodable {
        var prompt: String?
        var completion: String?
        var label: Bool?
        var score: Double?
        var step: Int?
        var messages: [[String: String]]?
    }

    /// `JSONL.objects(path:)` and `JSONL.decode` of the same file (Foundation objects: their
    /// memory is not measured, only the contract).
    static let jsonl = LoaderFuzzTarget(
        name: "jsonl", files: ["data.jsonl"],
        dictionary: jsonTokens + ["\"prompt\"", "\"completion\"", "\"label\"", "\"score\"", "\"step\"", "\"messages\"", "\r\n", "\u{FEFF}"]
    ) { dir in
        let path = dir.appendingPathComponent("data.jsonl").path
        let objects = try JSONL.objects(path: path)
        guard let text = String(data: try Data(contentsOf: URL(fileURLWithPath: path)), encoding: .utf8) else {
            throw CourseError(file: path, "not UTF-8 text")
        }
        _ = try JSONL.decode(Row.self, text: text, file: path)
        _ = objects
        return 0
    }

    static let all = [safetensors, csv, jsonl]
}
