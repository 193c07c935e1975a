import Foundation

/// Near-duplicate search with MinHash over character shingles, and locality-sensitive hashing
/// to avoid comparing every pair.
///
/// A text becomes the set of its `k`-character substrings (shingles, on normalised text). Two
/// sets' Jaccard similarity |A∩B| / |A∪B| is estimated by the share of equal entries in their
/// MinHash signatures (the minimum of `hashes` independent hash functions over the set). The
/// signature is cut into `bands` bands; texts that agree on a whole band become candidates.
/// With 16 bands of 4 rows, a pair at Jaccard 0.9 is found with probability 1 - (1 - 0.9^4)^16
/// ≈ 1.0, one at 0.5 with 0.64 (then rejected by the estimate), one at 0.2 rarely.
struct MinHasher: Sendable {
    var shingle = 5
    var bands = 16
    var rows = 4
    var hashes: Int { bands * rows }

    /// The signature of a normalised text. Texts shorter than one shingle hash whole.
    func signature(normalized text: String) -> [UInt64] {
        let scalars = Array(text.unicodeScalars.map(\.value))
        var sig = [UInt64](repeating: .max, count: hashes)
        func add(_ h: UInt64) {
            for i in 0..<hashes {
                let v = MinHasher.mix(h ^ MinHasher.salts[i])
                if v < sig[i] { sig[i] = v }
            }
        }
        if scalars.count < shingle {
            add(MinHasher.fnv(scalars[...]))
        } else {
            for start in 0...(scalars.count - shingle) { add(MinHasher.fnv(scalars[start..<(start + shingle)])) }
        }
        return sig
    }

    /// Estimated Jaccard similarity of two signatures.
    static func similarity(_ a: [UInt64], _ b: [UInt64]) -> Double {
        var same = 0
        for i in a.indices where a[i] == b[i] { same += 1 }
        return Double(same) / Double(a.count)
    }

    /// The band keys of a signature (band index mixed in, so bands never collide with each other).
    func bandKeys(_ sig: [UInt64]) -> [UInt64] {
        (0..<bands).map { b in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(b)
            for r in 0..<rows { h = MinHasher.mix(h ^ sig[b * rows + r]) }
            return h
        }
    }

    /// For each item, the earlier item most similar to it at or above `threshold` (if any).
    /// `compare(i, j)` restricts which pairs count (for example, only items of the same kind).
    func nearestEarlier(_ sigs: [[UInt64]], threshold: Double, compare: (Int, Int) -> Bool) -> [Int: (Int, Double)] {
        var buckets: [UInt64: [Int]] = [:]
        var out: [Int: (Int, Double)] = [:]
        for (i, sig) in sigs.enumerated() {
            let keys = bandKeys(sig)
            var tried = Set<Int>()
            var best: (Int, Double)? = nil
            for k in keys {
                for j in buckets[k] ?? [] where tried.insert(j).inserted && compare(i, j) {
                    let s = MinHasher.similarity(sig, sigs[j])
                    if s >= threshold, s > (best?.1 ?? -1) || (s == best?.1 && j < best!.0) { best = (j, s) }
                }
            }
            if let best { out[i] = best }
            for k in keys { buckets[k, default: []].append(i) }
        }
        return out
    }

    static func fnv(_ s: ArraySlice<UInt32>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in s {
            h = (h ^ UInt64(v)) &* 0x100_0000_01b3
        }
        return h
    }

    /// SplitMix64's finaliser: a fast, well-mixing 64-bit permutation.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Fixed salts: the i-th hash function is mix(h ^ salt[i]).
    static let salts: [UInt64] = {
        var s: UInt64 = 0x5EED_5EED
        return (0..<256).map { _ in s = mix(s); return s }
    }()
}
