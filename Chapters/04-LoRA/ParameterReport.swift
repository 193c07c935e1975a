import Autograd
import Core
import Foundation
import Transformer

/// How many parameters a model has and how many of them train, like PEFT's
/// `print_trainable_parameters()`: "trainable params: 73,728 || all params: 1,065,344 ||
/// trainable%: 6.9206". `all` counts the adapters too, as PEFT does.
public struct ParameterReport: Sendable, CustomStringConvertible {
    public struct Row: Sendable {
        public var name: String
        public var shape: [Int]
        public var count: Int
        public var trainable: Bool
        public init(name: String, shape: [Int], count: Int, trainable: Bool) {
            (self.name, self.shape, self.count, self.trainable) = (name, shape, count, trainable)
        }
    }
    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    /// Every base parameter and every adapter parameter of `model`.
    public init(model: GPT) {
        var rows = model.namedParameters.map { Row(name: $0.0, shape: $0.1.shape, count: $0.1.value.count, trainable: $0.1.requiresGrad) }
        for (name, _, a) in LoRA.adapters(of: model) {
            for (p, v) in a.namedParameters {
                rows.append(Row(name: "\(name).\(p)", shape: v.shape, count: v.value.count, trainable: v.requiresGrad))
            }
        }
        self.rows = rows
    }

    public var trainable: Int { rows.filter(\.trainable).reduce(0) { $0 + $1.count } }
    public var total: Int { rows.reduce(0) { $0 + $1.count } }
    public var trainablePercent: Double { total == 0 ? 0 : 100 * Double(trainable) / Double(total) }

    public var description: String {
        "trainable params: \(grouped(trainable)) || all params: \(grouped(total)) || trainable%: \(String(format: "%.4f", trainablePercent))"
    }

    /// A Markdown table of the trainable tensors (name, shape, count).
    public var trainableTable: String {
        var s = "| tensor | shape | parameters |\n| --- | --- | ---: |\n"
        for r in rows where r.trainable { s += "| \(r.name) | \(r.shape) | \(grouped(r.count)) |\n" }
        return s + "| **total** | | **\(grouped(trainable))** |\n"
    }
}

/// 1234567 -> "1,234,567".
public func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}
