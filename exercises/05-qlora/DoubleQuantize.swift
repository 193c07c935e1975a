import Core

/// Exercise 5.3 — Double quantisation of the block scales.
///
/// Every 64 weights carry one Float32 absmax: 0.5 bits per weight. QLoRA quantises those
/// scales too. Given the absmax values of a tensor and a 256-value 8-bit `code` (ascending,
/// bitsandbytes' dynamic code, `DynamicMap.code`):
///
///   offset    = the mean of all absmax values (compute the sum in Double)
///   y[i]      = absmax[i] − offset             (centred: the code is signed)
///   scales[b] = max |y[i]| over block b, blocks of 256 consecutive values (the last may be shorter)
///   codes[i]  = index of the code value nearest to y[i] / scales[b]  (ties: the lower index;
///               if scales[b] is 0 use the index of 0.0)
///
/// Dequantising gives code[codes[i]] · scales[b] + offset.
public func doubleQuantize(_ absmax: [Float], code: [Float]) throws -> (codes: [UInt8], scales: [Float], offset: Float) {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.3")
}
