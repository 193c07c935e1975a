import Core
import Foundation
import FuzzSupport
import Testing

/// Tests/Fuzz: seed corpus, regression inputs, harnesses, README.
let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fuzz")

@Suite("Fuzzing Core's loaders") struct CoreFuzzTests {
    @Test("a loader loads or throws a one-line error on every mutated file", arguments: CoreFuzzTargets.all)
    func fuzz(_ target: LoaderFuzzTarget) throws {
        let campaign = try FuzzCampaign.standard(target, fuzzRoot: fuzzRoot)
        #expect(campaign.executions > 0)
        if !campaign.failures.isEmpty { Issue.record(Comment(rawValue: campaign.summary)) }
    }

    @Test("inputs that once broke a loader now load or fail with the expected one-line error", arguments: CoreFuzzTargets.all)
    func regressions(_ target: LoaderFuzzTarget) throws {
        for problem in try FuzzCampaign.checkRegressions(target, fuzzRoot: fuzzRoot) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test("the libFuzzer dictionaries are written from the targets' tokens",
          .enabled(if: ProcessInfo.processInfo.environment["FUZZ_WRITE_CORPUS"] == "1"))
    func writeDictionaries() throws {
        let dir = fuzzRoot.appendingPathComponent("dict")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for t in CoreFuzzTargets.all { try t.libFuzzerDictionary.write(to: dir.appendingPathComponent("\(t.name).dict"), atomically: true, encoding: .utf8) }
    }
}
