import Foundation

/// How many token positions have gone through a model's forward pass in this process: every
/// training row, every evaluation, every generated token (with a KV cache, one per step). The
/// cost table of chapter 9 reads it before and after each stage. One lock per forward pass is
/// nothing next to the pass itself, and evaluations run two models on two threads.
public enum TokenMeter {
    nonisolated(unsafe) private static var total = 0
    private static let lock = NSLock()

    public static func add(_ tokens: Int) { lock.withLock { total += tokens } }

    /// Tokens counted since the process started.
    public static var count: Int { lock.withLock { total } }
}
