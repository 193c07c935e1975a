import Core

/// Exercise 5.2 — Dequantise one NF4 block.
///
/// The inverse of 5.1: `packed` holds two 4-bit indices per byte, the first in the HIGH nibble
/// (byte >> 4) and the second in the LOW nibble (byte & 0x0F). Return `count` values:
///
///   value[i] = code[q[i]] · absmax
///
/// (`count` may be odd: then the last low nibble is padding and is not returned.)
public func nf4DequantizeBlock(packed: [UInt8], absmax: Float, count: Int, code: [Float]) throws -> [Float] {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.2")
}
