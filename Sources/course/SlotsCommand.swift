import ArgumentParser
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// `course slots --model DIR`: the copying diagnostic of chapter 3 on any model folder. For the
/// held-out prompts' reference replies it prints, per kind of fact, how often the model's top
/// choice at the fact's slot is the value from the prompt.
struct SlotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slots",
        abstract: "Show how well a model copies each kind of fact (order id, date, amount, policy number) into a reply.")

    @Option(help: "The model folder, e.g. runs/sft/model.") var model: String
    @Option(help: "How many held-out prompts to read (their reference replies are teacher-forced).") var prompts: Int = 240
    @Option(help: "The data seed (the held-out prompts of `course run` with this seed).") var seed: UInt64 = 1
    @Flag(help: "Print one JSON line per kind of fact.") var json = false
    @Option(help: "Also list this many slots the model gets wrong, with what it predicted.") var show: Int = 0

    func run() throws {
        let (gpt, template) = try SFTRun.loadModel(URL(fileURLWithPath: model))
        let items = Array(Dataset.generate(seed: seed, lang: .en, size: .default).dev.prefix(prompts))
        let slots = SlotDiagnostic.measure(gpt, template, items: items)
        let summary = SlotDiagnostic.summarise(slots)
        if json {
            let enc = JSONEncoder(); enc.outputFormatting = .sortedKeys
            for s in summary { print(String(decoding: try enc.encode(s), as: UTF8.self)) }
            return
        }
        print("kind of fact     slots  copied  P(value)  median worst rank")
        for s in summary {
            print(s.kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)
                  + String(format: " %6d  %5.1f%%  %8.3f  %6.0f", s.slots, 100 * s.copied, s.meanValueProbability, s.medianWorstRank))
        }
        for s in slots.filter({ !$0.copied }).prefix(show) {
            print("\(s.item) \(s.kind.rawValue): \"\(s.value)\" -> \"\(s.predicted)\"")
        }
    }
}
