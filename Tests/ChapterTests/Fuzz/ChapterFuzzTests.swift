import Core
import Foundation
import FuzzSupport
import Testing

@Suite("Fuzzing the chapters' and SupportDesk's loaders") struct ChapterFuzzTests {
    @Test("a loader loads or throws a one-line error on every mutated file", arguments: ChapterFuzzTargets.all)
    func fuzz(_ target: LoaderFuzzTarget) throws {
        let campaign = try FuzzCampaign.standard(target, fuzzRoot: FuzzCorpus.root)
        #expect(campaign.executions > 0)
        if !campaign.failures.isEmpty { Issue.record(Comment(rawValue: campaign.summary)) }
    }

    @Test("inputs that once broke a loader now load or fail with the expected one-line error", arguments: ChapterFuzzTargets.all)
    func regressions(_ target: LoaderFuzzTarget) throws {
        for problem in try FuzzCampaign.checkRegressions(target, fuzzRoot: FuzzCorpus.root) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test("the libFuzzer dictionaries are written from the targets' tokens",
          .enabled(if: ProcessInfo.processInfo.environment["FUZZ_WRITE_CORPUS"] == "1"))
    func writeDictionaries() throws {
        let dir = FuzzCorpus.root.appendingPathComponent("dict")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for t in ChapterFuzzTargets.all { try t.libFuzzerDictionary.write(to: dir.appendingPathComponent("\(t.name).dict"), atomically: true, encoding: .utf8) }
    }
}
