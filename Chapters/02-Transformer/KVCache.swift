import Autograd
import Core

// MARK: book kv-cache
/// Keys and values of every position seen so far, per layer. Generating token t+1 then needs
/// only the new token's query, key and value: one position of work per step instead of
/// recomputing the whole prefix (which makes generation quadratic in length).
public final class KVCache {
    public var layers: [LayerCache]
    /// Number of positions already cached.
    public var length = 0

    public init(layers: Int) { self.layers = (0..<layers).map { _ in LayerCache() } }
}

/// One layer's keys and values, [B, capacity, C] each with the heads side by side (the layout
/// `c_attn` produces them in); the first `length` rows of every batch row are filled. Room
/// grows by doubling, so appending one position is a copy of one row, not of the whole cache.
public final class LayerCache {
    public private(set) var keys: Tensor?, values: Tensor?
    public private(set) var length = 0

    /// Appends the keys and values of the new positions, read from qkv [B, T_new, 3C] (queries,
    /// keys, values side by side).
    func append(_ qkv: Tensor) {
        let (b, t, c) = (qkv.shape[0], qkv.shape[1], qkv.lastDim / 3)
        if keys == nil || keys!.shape[1] < length + t {
            let capacity = max(2 * (length + t), 64)
            keys = grown(keys, to: [b, capacity, c])
            values = grown(values, to: [b, capacity, c])
        }
        let (k, v, capacity) = (keys!.data, values!.data, keys!.shape[1])
        for row in 0..<b {
            for i in 0..<t {
                let src = qkv.data + (row * t + i) * 3 * c, dst = (row * capacity + length + i) * c
                (k + dst).update(from: src + c, count: c)
                (v + dst).update(from: src + 2 * c, count: c)
            }
        }
        length += t
    }
}
// MARK: end

extension LayerCache {
    /// A copy of `old` [B, capacity, C] with more room, its filled rows kept.
    private func grown(_ old: Tensor?, to shape: [Int]) -> Tensor {
        let new = Tensor(zeros: shape)
        guard let old else { return new }
        let (b, oldCapacity, c) = (shape[0], old.shape[1], shape[2])
        for row in 0..<b { (new.data + row * shape[1] * c).update(from: old.data + row * oldCapacity * c, count: length * c) }
        return new
    }

    /// The filled rows of a cache buffer as per-head constants [B, H, length, D], for the
    /// unfused path.
    func heads(_ buffer: Tensor, heads h: Int) -> Variable {
        let (b, capacity, c) = (buffer.shape[0], buffer.shape[1], buffer.shape[2])
        let filled = Tensor(uninitialized: [b, length, c])
        for row in 0..<b { (filled.data + row * length * c).update(from: buffer.data + row * capacity * c, count: length * c) }
        return Variable(filled.reshaped([b, length, h, c / h]).permuted([0, 2, 1, 3]))
    }
}
