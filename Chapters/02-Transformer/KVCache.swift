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

public final class LayerCache {
    var keys: Variable?, values: Variable?   // [B, H, T_past, D]

    /// Appends the new positions' keys and values [B, H, T_new, D]; returns all of them.
    func append(keys k: Variable, values v: Variable) -> (Variable, Variable) {
        if let keys, let values {
            self.keys = Variable.concat([keys, k], axis: 2)
            self.values = Variable.concat([values, v], axis: 2)
        } else {
            (keys, values) = (k, v)
        }
        return (self.keys!, self.values!)
    }
}
// MARK: end
