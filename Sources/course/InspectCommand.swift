import ArgumentParser
import Core
import Foundation

/// `course inspect FILE.safetensors`: the tensor table (name, dtype, shape, bytes), the total
/// parameter count and the metadata of a checkpoint. A malformed file gets a one-line error.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors and metadata of a .safetensors file.")

    @Argument(help: "The .safetensors file to inspect.")
    var file: String

    @Flag(help: "Print machine-readable JSON instead of a table.")
    var json = false

    func run() throws {
        let f = try SafetensorsFile.open(path: file)
        print(json ? Self.json(f) : Self.table(f), terminator: "")
    }

    static func table(_ f: SafetensorsFile) -> String {
        let rows = f.entries.map { e in
            [e.name, e.dtype.rawValue, "[" + e.shape.map(String.init).joined(separator: ", ") + "]", grouped(e.byteCount)]
        }
        let head = ["name", "dtype", "shape", "bytes"]
        var widths = head.map(\.count)
        for r in rows { for (k, c) in r.enumerated() { widths[k] = max(widths[k], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { k, c in
                let pad = String(repeating: " ", count: widths[k] - c.count)
                return k == 3 ? pad + c : c + pad   // bytes right-aligned
            }.joined(separator: "  ")
        }
        var out = "\(f.path): \(f.entries.count) tensors, \(grouped(f.parameterCount)) parameters, "
            + "\(grouped(f.fileSize - f.dataStart)) data bytes\n"
        out += line(head) + "\n"
        for r in rows { out += line(r) + "\n" }
        if f.metadata.isEmpty {
            out += "metadata: none\n"
        } else {
            out += "metadata:\n"
            for k in f.metadata.keys.sorted() { out += "  \(k): \(f.metadata[k]!)\n" }
        }
        return out
    }

    static func json(_ f: SafetensorsFile) -> String {
        let q = StrictJSON.quote
        let tensors = f.entries.map { e in
            "    {\"name\": \(q(e.name)), \"dtype\": \"\(e.dtype.rawValue)\", \"shape\": [\(e.shape.map(String.init).joined(separator: ", "))], "
                + "\"bytes\": \(e.byteCount), \"data_offsets\": [\(e.begin), \(e.end)]}"
        }
        let meta = f.metadata.keys.sorted().map { "\(q($0)): \(q(f.metadata[$0]!))" }
        return "{\n  \"file\": \(q(f.path)),\n  \"parameters\": \(f.parameterCount),\n"
            + "  \"tensors\": [\n\(tensors.joined(separator: ",\n"))\n  ],\n"
            + "  \"metadata\": {\(meta.joined(separator: ", "))}\n}\n"
    }

    /// 1234567 -> "1,234,567".
    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (k, c) in s.reversed().enumerated() {
            if k > 0, k % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
