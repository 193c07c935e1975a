import Foundation
import Testing
@testable import Core

/// Builds safetensors files by hand (header text + data bytes) in a temporary folder.
enum STFile {
    static let dir: String = {
        let d = ScratchFolder.root.path + "/safetensors-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// Writes `[N][header][data]`; `headerLength` overrides N (to lie about it).
    static func make(_ name: String, header: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> String {
        let h = Array(header.utf8)
        return make(name, headerBytes: h, data: data, headerLength: headerLength)
    }

    static func make(_ name: String, headerBytes h: [UInt8], data: [UInt8] = [], headerLength: UInt64? = nil) -> String {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (headerLength ?? UInt64(h.count)).littleEndian) { bytes += $0 }
        bytes += h + data
        return raw(name, bytes)
    }

    static func raw(_ name: String, _ bytes: [UInt8]) -> String {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// The error message `open` (and then `loadAll`) throws, or nil when the file is accepted.
    static func error(_ path: String) -> String? {
        do {
            _ = try SafetensorsFile.open(path: path).loadAll()
            return nil
        } catch let e as CourseError {
            return e.message
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    static func entry(_ name: String, _ dtype: String = "F32", _ shape: String, _ b: Int, _ e: Int) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(b),\(e)]}"
    }
}

@Suite("Safetensors rejection rules") struct SafetensorsRejectionTests {
    /// Each malformed file, and a phrase its one-line error must contain.
    static let cases: [(file: String, build: @Sendable () -> String, expect: String)] = [
        ("short.st", { STFile.raw("short.st", [1, 2, 3]) }, "shorter than the 8-byte header length"),
        ("huge-n.st", { STFile.make("huge-n.st", header: "{}", headerLength: 100_000_001) }, "exceeds the 100000000-byte limit"),
        ("n-max.st", { STFile.make("n-max.st", header: "{}", headerLength: UInt64.max) }, "header length 18446744073709551615 exceeds"),
        ("past-end.st", { STFile.make("past-end.st", header: "{}", headerLength: 64) }, "runs past the end of the file"),
        ("not-utf8.st", { STFile.make("not-utf8.st", headerBytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]) }, "not valid UTF-8"),
        ("not-json.st", { STFile.make("not-json.st", header: "{\"a\": [1,2}") }, "not valid JSON"),
        ("dup-key.st", { STFile.make("dup-key.st", header: "{" + STFile.entry("a", "F32", "[0]", 0, 0) + "," + STFile.entry("a", "F32", "[0]", 0, 0) + "}") }, "duplicate key"),
        ("not-object.st", { STFile.make("not-object.st", header: "[1, 2]") }, "not a JSON object"),
        ("entry-not-object.st", { STFile.make("entry-not-object.st", header: "{\"w\": 3}") }, "tensor 'w': entry must be an object"),
        ("no-dtype.st", { STFile.make("no-dtype.st", header: "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]) }, "tensor 'w': missing \"dtype\""),
        ("no-shape.st", { STFile.make("no-shape.st", header: "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]) }, "tensor 'w': missing \"shape\""),
        ("no-offsets.st", { STFile.make("no-offsets.st", header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", data: [0, 0, 0, 0]) }, "tensor 'w': missing \"data_offsets\""),
        ("dtype-type.st", { STFile.make("dtype-type.st", header: "{" + STFile.entry("w", "F32", "[1]", 0, 4).replacingOccurrences(of: "\"F32\"", with: "32") + "}", data: [0, 0, 0, 0]) }, "\"dtype\" must be a string"),
        ("shape-type.st", { STFile.make("shape-type.st", header: "{" + STFile.entry("w", "F32", "[1.5]", 0, 4) + "}", data: [0, 0, 0, 0]) }, "\"shape\" must be an array of integers"),
        ("offsets-type.st", { STFile.make("offsets-type.st", header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", data: [0, 0, 0, 0]) }, "\"data_offsets\" must be two non-negative integers"),
        ("unknown-dtype.st", { STFile.make("unknown-dtype.st", header: "{" + STFile.entry("w", "F128", "[1]", 0, 16) + "}", data: Array(repeating: 0, count: 16)) }, "tensor 'w': unknown dtype \"F128\""),
        ("negative-dim.st", { STFile.make("negative-dim.st", header: "{" + STFile.entry("w", "F32", "[-1, 4]", 0, 0) + "}") }, "tensor 'w': negative dimension -1"),
        ("overflow.st", { STFile.make("overflow.st", header: "{" + STFile.entry("w", "F32", "[4294967296, 4294967296]", 0, 4) + "}", data: [0, 0, 0, 0]) }, "tensor 'w': shape [4294967296, 4294967296] overflows"),
        ("byte-overflow.st", { STFile.make("byte-overflow.st", header: "{" + STFile.entry("w", "F64", "[4611686018427387904]", 0, 8) + "}", data: Array(repeating: 0, count: 8)) }, "byte size does not fit in 64 bits"),
        ("end-before-begin.st", { STFile.make("end-before-begin.st", header: "{" + STFile.entry("w", "F32", "[1]", 8, 4) + "}", data: Array(repeating: 0, count: 8)) }, "tensor 'w': data_offsets end 4 is before begin 8"),
        ("wrong-length.st", { STFile.make("wrong-length.st", header: "{" + STFile.entry("w", "F32", "[3]", 0, 8) + "}", data: Array(repeating: 0, count: 8)) }, "tensor 'w': data_offsets cover 8 bytes but shape [3] of F32 needs 12"),
        ("huge-claim.st", { STFile.make("huge-claim.st", header: "{" + STFile.entry("w", "F32", "[1000000000]", 0, 4_000_000_000) + "}", data: [0, 0, 0, 0]) }, "missing data"),
        ("overlap.st", { STFile.make("overlap.st", header: "{" + STFile.entry("a", "F32", "[2]", 0, 8) + "," + STFile.entry("b", "F32", "[1]", 4, 8) + "}", data: Array(repeating: 0, count: 8)) }, "tensors 'a' and 'b' overlap"),
        ("hole.st", { STFile.make("hole.st", header: "{" + STFile.entry("a", "F32", "[1]", 0, 4) + "," + STFile.entry("b", "F32", "[1]", 8, 12) + "}", data: Array(repeating: 0, count: 12)) }, "hole of 4 bytes after 'a', before tensor 'b'"),
        ("hole-at-start.st", { STFile.make("hole-at-start.st", header: "{" + STFile.entry("a", "F32", "[1]", 4, 8) + "}", data: Array(repeating: 0, count: 8)) }, "at the start of the data buffer"),
        ("trailing.st", { STFile.make("trailing.st", header: "{" + STFile.entry("a", "F32", "[1]", 0, 4) + "}", data: Array(repeating: 0, count: 6)) }, "2 trailing bytes after the last tensor"),
        ("trailing-empty.st", { STFile.make("trailing-empty.st", header: "{}", data: [1]) }, "1 trailing bytes after the last tensor"),
        ("missing-data.st", { STFile.make("missing-data.st", header: "{" + STFile.entry("a", "F32", "[2]", 0, 8) + "}", data: [0, 0, 0, 0]) }, "missing data: tensor 'a' ends at byte 8"),
        ("metadata-type.st", { STFile.make("metadata-type.st", header: "{\"__metadata__\":{\"format\":1}}") }, "__metadata__ must map strings to strings"),
        ("metadata-not-object.st", { STFile.make("metadata-not-object.st", header: "{\"__metadata__\":\"pt\"}") }, "__metadata__ must be an object"),
        ("unloadable-dtype.st", { STFile.make("unloadable-dtype.st", header: "{" + STFile.entry("ids", "I64", "[1]", 0, 8) + "}", data: Array(repeating: 0, count: 8)) }, "dtype I64 cannot be loaded as Float32"),
    ]

    @Test("every malformed file gets its own one-line error naming the file and the rule",
          arguments: 0..<cases.count)
    func rejects(_ k: Int) throws {
        let c = Self.cases[k]
        let path = c.build()
        let message = try #require(STFile.error(path), "\(c.file) was accepted")
        #expect(message.contains(c.expect), "\(c.file): \(message)")
        #expect(message.hasPrefix(path + ": "))
        #expect(!message.contains("\n"))
    }

    @Test("the error phrases of the rules are all distinct")
    func distinct() {
        #expect(Set(Self.cases.map(\.expect)).count == Self.cases.count)
    }

    @Test("a missing file is a one-line error")
    func missing() {
        #expect(STFile.error(STFile.dir + "/does-not-exist.st")?.contains("cannot open") == true)
    }
}

@Suite("Safetensors reading and writing") struct SafetensorsRoundTripTests {
    @Test("a written file reads back bit-identically, with metadata and sorted names")
    func roundTrip() throws {
        var rng = SeededRandom(seed: 7)
        let a = Tensor(zeros: [3, 5]); for i in 0..<a.count { a[i] = rng.uniform(-1, 1) }
        let b = Tensor([4], [.infinity, -0.0, .leastNonzeroMagnitude, Float.nan])
        let c = Tensor(scalar: 3.5)
        let path = STFile.dir + "/round.safetensors"
        try Safetensors.write([("z.weight", a), ("a.bias", b), ("m", c)], metadata: ["format": "pt", "note": "qu\"ote\n"], to: path)
        let f = try SafetensorsFile.open(path: path)
        #expect(f.names == ["a.bias", "m", "z.weight"])
        #expect(f.metadata == ["format": "pt", "note": "qu\"ote\n"])
        #expect(f.headerLength % 8 == 0)
        #expect(f.parameterCount == 15 + 4 + 1)
        let all = try f.loadAll()
        #expect(all["z.weight"]!.bitwiseEqual(a))
        #expect(all["a.bias"]!.bitwiseEqual(b))
        #expect(all["m"]!.shape == [] && all["m"]!.scalar == 3.5)
        // Writing what we read gives the same bytes.
        let again = STFile.dir + "/round2.safetensors"
        try Safetensors.write(f.names.map { ($0, all[$0]!) }, metadata: f.metadata, to: again)
        #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: again))
    }

    @Test("zero-sized tensors and scalars are accepted")
    func zeroSized() throws {
        let path = STFile.make("zero.st", header: "{" + STFile.entry("e", "F32", "[0, 7]", 0, 0) + ","
            + STFile.entry("s", "F32", "[]", 0, 4) + "," + STFile.entry("e2", "F16", "[3, 0]", 4, 4) + "}",
            data: Array(withUnsafeBytes(of: Float(2.5).bitPattern.littleEndian) { Array($0) }))
        let f = try SafetensorsFile.open(path: path)
        #expect(f.entries.count == 3)
        #expect(try f.tensor("e").shape == [0, 7])
        #expect(try f.tensor("e2").count == 0)
        #expect(try f.tensor("s").scalar == 2.5)
        // An empty file body with an empty header is a valid (empty) checkpoint.
        #expect(try SafetensorsFile.open(path: STFile.make("empty.st", header: "{}")).entries.isEmpty)
        // Writing zero-sized tensors works too.
        let out = STFile.dir + "/zero-out.st"
        try Safetensors.write([("e", Tensor(zeros: [0, 3])), ("s", Tensor(scalar: 1))], to: out)
        #expect(try SafetensorsFile.open(path: out).tensor("e").shape == [0, 3])
    }

    @Test("F16, BF16 and F64 tensors decode to the right Float32 values")
    func halfPrecision() throws {
        // F16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf, 0.333251953125.
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3555]
        // BF16: 1.0, -3.0, 1.5e-38-ish subnormal-free value 2^-126, 3.140625.
        let bf16: [UInt16] = [0x3F80, 0xC040, 0x0080, 0x4049]
        var data: [UInt8] = []
        for h in f16 + bf16 { withUnsafeBytes(of: h.littleEndian) { data += $0 } }
        withUnsafeBytes(of: (0.1 as Double).bitPattern.littleEndian) { data += $0 }
        let path = STFile.make("half.st", header: "{" + STFile.entry("h", "F16", "[2, 3]", 0, 12) + ","
            + STFile.entry("b", "BF16", "[4]", 12, 20) + "," + STFile.entry("d", "F64", "[1]", 20, 28) + "}", data: data)
        let f = try SafetensorsFile.open(path: path)
        #expect(try f.tensor("h").array == [1, -2, 65504, Float(1.0 / 16_777_216.0), .infinity, 0.333251953125])
        #expect(try f.tensor("b").array == [1, -3, Float.leastNormalMagnitude, 3.140625])
        #expect(try f.tensor("d").array == [Float(0.1)])
        #expect(halfToFloat(0x8000).sign == .minus)
        #expect(halfToFloat(0x7E00).isNaN)
    }

    @Test("integer dtypes are listed by open but cannot be loaded as Float32")
    func integerDtypes() throws {
        let path = STFile.make("ints.st", header: "{" + STFile.entry("ids", "I32", "[2]", 0, 8) + ","
            + STFile.entry("mask", "U8", "[3]", 8, 11) + "}", data: Array(repeating: 1, count: 11))
        let f = try SafetensorsFile.open(path: path)
        #expect(f.entries.map(\.dtype) == [.i32, .u8])
        #expect(try f.rawBytes("mask") == [1, 1, 1])
        #expect(throws: CourseError.self) { try f.tensor("ids") }
    }

    @Test("a mutated valid file never crashes the reader")
    func mutationFuzz() throws {
        let good = try Safetensors.encode([("a", Tensor([2, 2], [1, 2, 3, 4])), ("b", Tensor([3], [5, 6, 7]))],
                                          metadata: ["format": "pt"])
        var rng = SeededRandom(seed: 42)
        let base = [UInt8](good)
        var accepted = 0
        for k in 0..<400 {
            var bytes = base
            for _ in 0...(rng.int(4)) {
                let pos = rng.int(bytes.count)
                switch rng.int(3) {
                case 0: bytes[pos] = UInt8(truncatingIfNeeded: rng.int(256))
                case 1: bytes.remove(at: pos)
                default: bytes.insert(UInt8(truncatingIfNeeded: rng.int(256)), at: pos)
                }
            }
            if STFile.error(STFile.raw("fuzz-\(k % 8).st", bytes)) == nil { accepted += 1 }
        }
        #expect(accepted < 400)
    }
}

@Suite("Safetensors files written by Hugging Face") struct SafetensorsHuggingFaceTests {
    /// Made by Tests/ChapterTests/Fixtures/make_hf_gpt2_fixture.py (transformers save_pretrained).
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ChapterTests/Fixtures/hf-tiny-gpt2/model.safetensors").standardized.path

    @Test("the tiny GPT-2 saved by transformers lists the Hugging Face names and shapes")
    func tinyGPT2() throws {
        let f = try SafetensorsFile.open(path: Self.path)
        var expected = ["transformer.wte.weight", "transformer.wpe.weight", "transformer.ln_f.weight", "transformer.ln_f.bias"]
        for i in 0..<2 {
            for p in ["ln_1", "ln_2", "attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"] {
                expected += ["transformer.h.\(i).\(p).weight", "transformer.h.\(i).\(p).bias"]
            }
        }
        #expect(Set(f.names) == Set(expected))
        #expect(f.metadata["format"] == "pt")
        #expect(f.entry("transformer.wte.weight")?.shape == [64, 32])
        #expect(f.entry("transformer.wpe.weight")?.shape == [32, 32])
        // Conv1D weights are [in, out].
        #expect(f.entry("transformer.h.0.attn.c_attn.weight")?.shape == [32, 96])
        #expect(f.entry("transformer.h.1.mlp.c_fc.weight")?.shape == [32, 128])
        #expect(f.entry("transformer.h.1.mlp.c_proj.weight")?.shape == [128, 32])
        #expect(f.entries.allSatisfy { $0.dtype == .f32 })
        let all = try f.loadAll()
        #expect(all.count == 28)
        #expect(all["transformer.ln_f.weight"]!.array.allSatisfy { $0.isFinite && abs($0 - 1) < 1.5 })
    }
}
