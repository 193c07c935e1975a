import Core

/// Exercise 5.4 — Exact storage of an NF4 tensor.
///
/// Count the bits an NF4 tensor of `count` values occupies (the shared code tables are not
/// counted):
///
///   codes:  4 bits per value, in whole bytes: ⌈count / 2⌉ · 8
///   scales: one per block of 64 values (⌈count / 64⌉ blocks):
///           without double quantisation a Float32 each (32 bits);
///           with double quantisation 8 bits each, plus one Float32 per group of 256 blocks
///           (⌈blocks / 256⌉ of them) and one Float32 for the mean offset.
///
/// A [128, 384] weight: 196,608 + 768·8 + 3·32 + 32 = 202,880 bits ≈ 4.128 bits per value.
public func nf4StorageBits(count: Int, doubleQuantization: Bool) throws -> Int {
    // Write your code here, then run `swift run course check 5`.
    throw Todo("5.4")
}
