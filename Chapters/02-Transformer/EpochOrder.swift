import Core

/// The order in which a fine-tuning run draws its examples: a fresh shuffle each epoch. Each
/// epoch's order comes from (seed, epoch) alone, so (epoch, cursor) is all a checkpoint needs
/// to resume the stream exactly where it stopped.
public struct EpochOrder {
    public let count: Int, seed: UInt64
    public private(set) var epoch = 0, cursor = 0
    private var order: [Int]

    public init(count: Int, seed: UInt64) {
        (self.count, self.seed) = (count, seed)
        order = Self.shuffle(count, seed: seed, epoch: 0)
    }

    static func shuffle(_ count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(epoch))
        return rng.shuffled(Array(0..<count))
    }

    /// The next example's index, starting a new epoch when this one is used up.
    public mutating func next() -> Int {
        if cursor >= order.count {
            epoch += 1
            cursor = 0
            order = Self.shuffle(count, seed: seed, epoch: epoch)
        }
        cursor += 1
        return order[cursor - 1]
    }

    /// The counters a training checkpoint keeps (its `extra` dictionary).
    public var checkpointState: [String: Double] { ["epoch": Double(epoch), "cursor": Double(cursor)] }

    /// Back to the position `checkpointState` recorded.
    public mutating func restore(_ state: [String: Double]) {
        epoch = Int(state["epoch"] ?? 0)
        cursor = Int(state["cursor"] ?? 0)
        order = Self.shuffle(count, seed: seed, epoch: epoch)
    }
}
