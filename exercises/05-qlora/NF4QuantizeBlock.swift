import Core

/// Exercise 5.1 — Quantise one block to NF4.
///
/// `values` is one block (at most 64 values). `code` holds the 16 NF4 values in ascending order
/// (`NF4.code`: -1.0, -0.696, …, 0.0, …, 0.723, 1.0). Return:
///
///   absmax = max |v|                               (the block's Float32 scale)
///   q[i]   = the index of the code nearest to values[i] · (1 / absmax), clamped to [-1, 1];
///            on an exact tie between two codes take the LOWER index.
///            (Equivalently: q = how many midpoints (code[k] + code[k+1]) / 2 are < the value.)
///            An all-zero block has absmax 0 and every q = 7 (the code of 0.0).
///   packed = two indices per byte, the FIRST of each pair in the HIGH nibble:
///            byte[k] = q[2k] << 4 | q[2k+1]; with an odd count the last low nibble is 7.
public func nf4QuantizeBlock(_ values: [Float], code: [Float]) throws -> (packed: [UInt8], absmax: Float) {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.1")
}
