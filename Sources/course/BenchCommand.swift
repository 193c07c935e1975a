import ArgumentParser
import Autograd
import Transformer
import Core
import Ecosystem
import Foundation

/// `course bench WHAT --json`: speed figures as JSON lines, measured side by side in one run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (matmul, attention, train, generate, profile) and print figures, one JSON line each.",
        discussion: "profile: where a training step's time goes (matmul, attention, element-wise, optimiser, ...), per step and as a share.")

    @Argument(help: "matmul, attention, train, generate or profile") var what: String
    @Option(help: "Model preset for train/generate/profile: tiny, small or gpt2.") var preset: String = "tiny"
    @Option(help: "Timed steps (the median is reported).") var steps: Int = 5
    @Flag(help: "Print JSON lines (the default prints a table).") var json = false
    @Option(help: "Seconds to spend per measurement.") var seconds: Double = 0.5
    @Option(help: "train: time a fine-tuning step instead (full, lora or qlora), as `course run sft --base` takes it; presets tiny, small, distilgpt2, gpt2.")
    var method: FineTuneRun.Method?
    @Option(help: "With --method: rows per step.") var batch: Int = 4
    @Option(help: "With --method: tokens per row.") var context: Int = 512

    func run() throws {
        switch what {
        case "matmul":
            for row in AutogradBenchmarks.matmul(seconds: seconds) { emit(row, json: json) }
            emit(AutogradBenchmarks.mlpStep(seconds: seconds), json: json)
        case "attention":
            for row in AutogradBenchmarks.attention(seconds: seconds) { emit(row, json: json) }
        case "train" where method != nil:
            emit(try FineTuneBenchmark.train(preset: preset, method: method!, rows: batch, rowLength: context, steps: steps), json: json)
        case "train": emit(try TransformerBenchmarks.train(preset: preset, steps: steps), json: json)
        case "generate": emit(try TransformerBenchmarks.generate(preset: preset), json: json)
        case "profile": for row in try TransformerBenchmarks.profile(preset: preset, steps: steps) { emit(row, json: json) }
        default: throw CourseError("unknown benchmark \"\(what)\" (available: matmul, attention, train, generate, profile)")
        }
    }
}

/// One figure as a JSON line, or as key=value pairs.
func emit(_ obj: [String: Any], json: Bool) {
    if json {
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        print(obj.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "  "))
    }
}

extension FineTuneRun.Method: ExpressibleByArgument {}
