import Core

/// Exercise 5.1 — NF4 quantisation of a whole tensor, block by block.
///
/// `values` is a tensor, flattened row-major (any length n). It is cut into blocks of
/// `blockSize` consecutive values (bitsandbytes uses 64; the last block may be shorter), and
/// each block is stored as its absolute maximum (one Float32) and one 4-bit code per value:
/// the index of the `code` value (`NF4.code`, 16 values in ascending order) nearest to the
/// value divided by that absmax. Return what `NF4.quantize` returns, bit for bit:
///
/// - `absmax`: ⌈n / blockSize⌉ scales, one per block, in order;
/// - `packed`: ⌈n / 2⌉ bytes. Value i goes into byte i / 2, in the HIGH nibble when i is even;
///   the codes run on across block boundaries (no byte is left half empty between blocks), and
///   an odd n fills the last low nibble with the index of the code 0.0.
///
/// The rules a bit-exact answer needs (bitsandbytes' CPU path): scale by the reciprocal
/// (value · (1 / absmax)) and clamp to [-1, 1]; "nearest" is decided by the midpoints
/// (code[k] + code[k+1]) / 2 computed in Float32, and a value exactly on a midpoint takes the
/// LOWER index; an all-zero block keeps absmax 0 and every value gets the code of 0.0.
/// Throw a `CourseError` for a blockSize below 1.
///
/// Example (one block): 0.8, −0.2, 0.05, −0.4 → absmax [0.8], codes 15, 4, 8, 2 → packed
/// [0xF4, 0x82]. With blockSize 2 the same values give absmax [0.8, 0.4] and packed [0xF4, 0x90].
public func nf4Quantize(_ values: [Float], code: [Float], blockSize: Int) throws -> (packed: [UInt8], absmax: [Float]) {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.1")
}
