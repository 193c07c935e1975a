import Core
import Foundation

// Tools to test loaders of outside input against malformed files: seeded byte mutations of a
// valid file (the same seed gives the same inputs on every machine), a container that packs
// several files into one input (a checkpoint is a folder), and the contract every loader must
// keep: load, or throw a one-line `CourseError`. Used by the fuzz tests (`swift test`) and by
// the libFuzzer harnesses (`scripts/fuzz.sh`); see Tests/Fuzz/README.md.

/// One way of breaking a file. Each targets a class of loader bugs.
public enum Mutation: String, CaseIterable, Sendable {
    case bitFlip = "bit flip"
    case randomByte = "random byte"
    case insertBytes = "byte insert"
    case deleteBytes = "byte delete"
    case duplicateRange = "duplicated range"
    case truncate = "truncation"
    case splice = "splice with another seed"
    case binaryBoundary = "integer boundary in binary header"
    case hugeLength = "huge length prefix"
    case numberBoundary = "integer boundary in a JSON number"
    case nonFinite = "NaN/Infinity literal"
    case shapeAbuse = "negative/overflowing shape list"
    case deepNesting = "deep nesting"
    case invalidUTF8 = "invalid UTF-8"
    case duplicateKey = "duplicate key"
    case dictionaryToken = "format token inserted"
    case controlCharacter = "newline/control character in a string"
    case lineShuffle = "lines dropped or repeated"
    case empty = "empty file"
    case safetensorsHeader = "safetensors header edited, length prefix kept right"
}

/// Seeded mutator: turns a valid file into a malformed one with one to a few `Mutation`s.
public struct FuzzMutator {
    public var rng: SeededRandom
    /// Tokens of the target's format ("dtype", "<|endoftext|>", "role", ...) to insert.
    public var dictionary: [[UInt8]]
    /// Inputs never grow beyond this many bytes (keeps the in-test budget small).
    public var maxLength: Int

    public init(seed: UInt64, dictionary: [String] = [], maxLength: Int = 1 << 16) {
        rng = SeededRandom(seed: seed)
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.maxLength = maxLength
    }

    /// Integers at the edges of every width (as text and as little-endian bytes).
    public static let boundaryIntegers: [Int64] = [
        0, 1, -1, 2, 255, 256, 65535, 65536, 1 << 20, (1 << 20) + 1, Int64(Int32.max), Int64(Int32.max) + 1,
        Int64(Int32.min), Int64(UInt32.max), 1 << 32, 1 << 40, 1 << 53, (1 << 53) + 1, Int64.max, Int64.min, Int64.max - 7,
    ]
    /// Number texts beyond what `Int` holds, or not integers at all.
    static let oddNumbers = ["18446744073709551615", "18446744073709551616", "-9223372036854775809",
                             "1e308", "1e309", "-1e400", "1.5", "-0", "0.0", "1E2", "4e-324", "123456789012345678901234567890"]
    static let nonFiniteLiterals = ["NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "1e999", "NaN,", "+1", "0x10", "01"]
    static let badUTF8: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                     [0xE2, 0x82], [0x80], [0xFE, 0xFF], [0xF0, 0x9F, 0x98]]
    static let controlTexts = ["\\n", "\\r", "\\u0000", "\\u2028", "\\ud800", "\\udc00\\ud800", "\n", "\r", "\t", "\u{0}", "\\", "\""]

    /// `input` with 1 (usually) to 4 mutations applied; `others` are splice partners.
    /// Returns the bytes and the mutations applied, in order.
    public mutating func mutate(_ input: [UInt8], others: [[UInt8]] = []) -> (bytes: [UInt8], mutations: [Mutation]) {
        var bytes = input
        var applied: [Mutation] = []
        let count = rng.bernoulli(0.7) ? 1 : 2 + rng.int(3)
        for _ in 0..<count {
            // Some mutations need something to act on (a number, a key, a safetensors header).
            var m = rng.pick(Mutation.allCases)
            var tries = 1
            while !apply(m, to: &bytes, others: others), tries < 8 {
                m = rng.pick(Mutation.allCases)
                tries += 1
            }
            applied.append(m)
        }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        return (bytes, applied)
    }

    /// Applies one mutation in place; false when it does not fit (no number to replace, not a
    /// safetensors file, ...) and nothing changed.
    @discardableResult
    public mutating func apply(_ m: Mutation, to b: inout [UInt8], others: [[UInt8]] = []) -> Bool {
        switch m {
        case .bitFlip:
            guard !b.isEmpty else { return false }
            for _ in 0..<(1 + rng.int(4)) { b[rng.int(b.count)] ^= UInt8(1) << UInt8(rng.int(8)) }
        case .randomByte:
            guard !b.isEmpty else { return false }
            b[rng.int(b.count)] = UInt8(truncatingIfNeeded: rng.next())
        case .insertBytes:
            let n = rng.bernoulli(0.9) ? 1 + rng.int(8) : 1 + rng.int(4096)
            let byte = UInt8(truncatingIfNeeded: rng.next())
            let run = rng.bernoulli(0.5) ? [UInt8](repeating: byte, count: n) : (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            b.insert(contentsOf: run, at: rng.int(b.count + 1))
        case .deleteBytes:
            guard !b.isEmpty else { return false }
            let start = rng.int(b.count)
            b.removeSubrange(start..<min(b.count, start + 1 + rng.int(rng.bernoulli(0.8) ? 8 : 512)))
        case .duplicateRange:
            guard !b.isEmpty else { return false }
            let start = rng.int(b.count)
            let piece = Array(b[start..<min(b.count, start + 1 + rng.int(256))])
            b.insert(contentsOf: piece, at: rng.int(b.count + 1))
        case .truncate:
            b.removeLast(b.isEmpty ? 0 : 1 + rng.int(b.count))
        case .splice:
            guard let other = others.isEmpty ? nil : rng.pick(others), !other.isEmpty else { return false }
            let cut = rng.int(b.count + 1), from = rng.int(other.count)
            b = Array(b[..<cut]) + Array(other[from...])
        case .binaryBoundary:
            let width = rng.pick([1, 2, 4, 8])
            guard b.count >= width else { return false }
            // Header fields sit near the start of binary formats: favour the first bytes.
            let at = rng.bernoulli(0.5) ? rng.int(min(b.count - width + 1, 16)) : rng.int(b.count - width + 1)
            writeLE(UInt64(bitPattern: rng.pick(Self.boundaryIntegers)), width: width, into: &b, at: at)
        case .hugeLength:
            guard b.count >= 8 else { return false }
            writeLE(rng.pick([UInt64.max, UInt64(Int64.max), 1 << 40, 100_000_000, 100_000_001, UInt64(b.count), UInt64(b.count - 7)]),
                    width: 8, into: &b, at: 0)
        case .numberBoundary:
            let numbers = numberRanges(b)
            guard let r = numbers.isEmpty ? nil : rng.pick(numbers) else { return false }
            let text = rng.bernoulli(0.6) ? String(rng.pick(Self.boundaryIntegers)) : rng.pick(Self.oddNumbers)
            b.replaceSubrange(r, with: Array(text.utf8))
        case .nonFinite:
            let numbers = numberRanges(b)
            let text = Array(rng.pick(Self.nonFiniteLiterals).utf8)
            if let r = numbers.isEmpty ? nil : rng.pick(numbers) { b.replaceSubrange(r, with: text) } else { b.insert(contentsOf: text, at: rng.int(b.count + 1)) }
        case .shapeAbuse:
            let lists = listRanges(b)
            let shapes = ["[-1]", "[4294967296,4294967296,4294967296]", "[9223372036854775807,2]", "[0,9223372036854775807,9223372036854775807]",
                          "[3037000500,3037000500]", "[1,-1]", "[]", "[1.5]", "[\"4\"]", "[null]", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]"]
            let text = Array(rng.pick(shapes).utf8)
            if let r = lists.isEmpty ? nil : rng.pick(lists) { b.replaceSubrange(r, with: text) } else { b.insert(contentsOf: text, at: rng.int(b.count + 1)) }
        case .deepNesting:
            let depth = rng.pick([300, 1000, 20_000])
            let open: [UInt8] = rng.bernoulli(0.5) ? Array("[".utf8) : Array("{\"a\":".utf8)
            var nest: [UInt8] = []
            for _ in 0..<depth { nest += open }
            b.insert(contentsOf: nest, at: rng.int(b.count + 1))
        case .invalidUTF8:
            b.insert(contentsOf: rng.pick(Self.badUTF8), at: rng.int(b.count + 1))
        case .duplicateKey:
            let keys = keyRanges(b)
            guard let (key, objectStart) = keys.isEmpty ? nil : rng.pick(keys) else { return false }
            b.insert(contentsOf: Array(b[key]) + Array(":0,".utf8), at: objectStart + 1)
        case .dictionaryToken:
            guard !dictionary.isEmpty else { return false }
            b.insert(contentsOf: rng.pick(dictionary), at: rng.int(b.count + 1))
        case .controlCharacter:
            // Inside a string when there is one (after an opening quote), anywhere otherwise.
            let quotes = b.indices.filter { b[$0] == UInt8(ascii: "\"") }
            let at = quotes.isEmpty ? rng.int(b.count + 1) : rng.pick(quotes) + 1
            b.insert(contentsOf: Array(rng.pick(Self.controlTexts).utf8), at: at)
        case .lineShuffle:
            var lines = b.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            guard !lines.isEmpty else { return false }
            let i = rng.int(lines.count)
            if rng.bernoulli(0.5) { lines.remove(at: i) } else { lines.insert(lines[i], at: rng.int(lines.count + 1)) }
            b = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        case .empty:
            b = rng.bernoulli(0.5) ? [] : Array(rng.pick(["{}", "[]", "\n", "null", "\"\"", " "]).utf8)
        case .safetensorsHeader:
            // Without this, any edit of the header breaks its length prefix and the loader stops
            // at the first check; with it, shapes, dtypes and offsets reach the deeper rules.
            guard b.count >= 10 else { return false }
            let n = b[0..<8].reversed().reduce(0 as UInt64) { $0 << 8 | UInt64($1) }
            guard n >= 2, n <= UInt64(b.count - 8), b[8] == UInt8(ascii: "{") else { return false }
            var header = Array(b[8..<(8 + Int(n))])
            // Edits that keep the JSON mostly well formed, so the entry rules get exercised.
            let dtypes = ["F32", "F16", "BF16", "F64", "I64", "I32", "U8", "BOOL", "F8_E4M3", "F4", "f32", ""]
            let quotedDtypes = header.indices.filter { i in dtypes.prefix(9).contains { d in
                let q = Array("\"\(d)\"".utf8)
                return i + q.count <= header.count && header[i..<(i + q.count)].elementsEqual(q)
            } }
            if !quotedDtypes.isEmpty, rng.bernoulli(0.25) {
                let at = rng.pick(quotedDtypes)
                let end = header[(at + 1)...].firstIndex(of: UInt8(ascii: "\""))! + 1
                header.replaceSubrange(at..<end, with: Array("\"\(rng.pick(dtypes))\"".utf8))
            } else {
                let inner: [Mutation] = [.numberBoundary, .numberBoundary, .numberBoundary, .shapeAbuse, .shapeAbuse, .nonFinite,
                                         .duplicateKey, .controlCharacter, .dictionaryToken]
                guard apply(rng.pick(inner), to: &header) else { return false }
            }
            var out: [UInt8] = []
            writeLE(UInt64(header.count), width: 8, into: &out, at: 0)
            b = out + header + Array(b[(8 + Int(n))...])
        }
        return true
    }

    private func writeLE(_ v: UInt64, width: Int, into b: inout [UInt8], at: Int) {
        while b.count < at + width { b.append(0) }
        for k in 0..<width { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    }

    /// Byte ranges of ASCII numbers (an optional minus, digits, an optional fraction/exponent).
    private func numberRanges(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        while i < b.count, out.count < 4096 {
            if digit(b[i]) {
                var start = i
                if start > 0, b[start - 1] == UInt8(ascii: "-") { start -= 1 }
                while i < b.count, digit(b[i]) || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") { i += 1 }
                out.append(start..<i)
            } else {
                i += 1
            }
        }
        return out
    }

    /// Byte ranges of innermost `[...]` lists (shapes, data offsets, token lists).
    private func listRanges(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var open: Int?
        for (i, c) in b.enumerated() where out.count < 4096 {
            if c == UInt8(ascii: "[") { open = i } else if c == UInt8(ascii: "]"), let o = open { out.append(o..<(i + 1)); open = nil }
        }
        return out
    }

    /// `"key"` ranges followed by `:`, each with the offset of the `{` of its object.
    private func keyRanges(_ b: [UInt8]) -> [(Range<Int>, Int)] {
        var out: [(Range<Int>, Int)] = []
        var objects: [Int] = []
        var i = 0
        while i < b.count, out.count < 4096 {
            let c = b[i]
            if c == UInt8(ascii: "{") { objects.append(i) } else if c == UInt8(ascii: "}") { _ = objects.popLast() } else if c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < b.count, b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                guard j < b.count else { break }
                var k = j + 1
                while k < b.count, b[k] == 0x20 { k += 1 }
                if k < b.count, b[k] == UInt8(ascii: ":"), let o = objects.last { out.append((i..<(j + 1), o)) }
                i = j
            }
            i += 1
        }
        return out
    }
}
