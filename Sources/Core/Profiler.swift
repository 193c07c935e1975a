import Foundation

/// Where a training step's time goes, by category of operation, for `course bench profile`.
///
/// Off by default, and then free: the autograd checks one Boolean per recorded node. When on,
/// the autograd charges each operation's forward time (the time since the previous node was
/// recorded: operations run one after another on the calling thread, and each records its node
/// when its result is ready) and the time of its backward closure to the operation's category.
/// Callers time whole phases (the optimiser step) with `time(_:_:)`. Not thread-safe: enable it
/// only around single-threaded driver code, as the benchmark does.
public enum Profiler {
    /// Turned on by `start()`.
    public nonisolated(unsafe) private(set) static var isEnabled = false
    nonisolated(unsafe) static var totals: [String: Double] = [:]
    nonisolated(unsafe) static var counts: [String: Int] = [:]
    nonisolated(unsafe) static var last: UInt64 = 0

    /// Starts (or restarts) accumulating, from zero.
    public static func start() {
        totals = [:]; counts = [:]
        isEnabled = true
        last = now()
    }

    /// Stops and returns seconds per category ("forward matmul", "backward attention", ...).
    @discardableResult
    public static func stop() -> [String: Double] {
        isEnabled = false
        return totals
    }

    /// Marks the start of a forward phase: the next recorded node is charged only from here.
    public static func mark() { if isEnabled { last = now() } }

    /// A forward node of `name` has just been recorded: charge the time since the last mark.
    public static func recordForward(_ name: String) {
        let t = now()
        add("forward " + category(name), Double(t &- last) / 1e9)
        last = t
    }

    /// Runs a node's backward closure, charging its time.
    @inline(__always)
    public static func backward(_ name: String, _ body: () -> Void) {
        let t0 = now()
        body()
        add("backward " + category(name), Double(now() &- t0) / 1e9)
    }

    /// Runs `body`, charging its time to `label` when profiling (a whole phase, like the
    /// optimiser step); then restarts the forward clock.
    public static func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        guard isEnabled else { return try body() }
        let t0 = now()
        defer { add(label, Double(now() &- t0) / 1e9); last = now() }
        return try body()
    }

    static func add(_ key: String, _ seconds: Double) {
        totals[key, default: 0] += seconds
        counts[key, default: 0] += 1
    }

    /// The category of an operation's node name.
    public static func category(_ name: String) -> String {
        switch name {
        case "matmul", "bmm", "linear": return "matmul"
        case "causal_attention": return "attention"
        case "softmax", "log_softmax", "causal_mask": return "attention (unfused softmax, mask)"
        case "cross_entropy", "token_logprobs": return "cross-entropy"
        case "layer_norm", "residual_layer_norm": return "layer norm"
        case "gelu": return "gelu"
        case "linear_gelu": return "matmul + bias + gelu"
        case "add", "sub", "mul", "div", "scale", "shift", "unary", "select", "sum", "dropout": return "element-wise"
        case "reshape", "permute", "slice", "concat", "embedding", "gather": return "copies and embeddings"
        default: return name.isEmpty ? "other" : name
        }
    }

    @inline(__always) static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
