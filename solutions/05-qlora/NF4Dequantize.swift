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
    // The block scales first: an 8-bit code times its group's scale, plus the offset.
    var absmax = [Float](repeating: 0, count: scaleCodes.count)
    for b in scaleCodes.indices {
        absmax[b] = scaleCode[Int(scaleCodes[b])] * groupScales[b / 256] + offset
    }
    // Then every value: its 4-bit index (high nibble first) into the NF4 code, times its block's scale.
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count {
        let byte = packed[i / 2]
        let q = i % 2 == 0 ? byte >> 4 : byte & 0x0F
        values[i] = code[Int(q)] * absmax[i / 64]
    }
    return values
}
