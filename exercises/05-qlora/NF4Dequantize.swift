import Core

/// Exercise 5.2 — Read a QLoRA weight back: dequantise a double-quantised NF4 tensor.
///
/// The inverse of 5.1 and 5.3, for a whole tensor of `count` values. Its blocks of 64 values
/// have their absmax stored as 8-bit codes (`scaleCodes`, one per block, indices into the
/// dynamic code `scaleCode`) relative to the mean `offset`, in units of the scale of their
/// group of 256 blocks (`groupScales`). The values are 4-bit indices into the NF4 `code`, two
/// per byte of `packed`, the first in the high nibble; an odd count leaves a padding nibble.
///
/// First recover every block's absmax, then every value (the book gives both formulas).
/// Return the `count` values.
public func nf4Dequantize(packed: [UInt8], count: Int, scaleCodes: [UInt8], groupScales: [Float], offset: Float,
                          code: [Float], scaleCode: [Float]) throws -> [Float] {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.2")
}
