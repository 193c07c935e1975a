import Core
import Testing
@testable import SupportDesk

@Suite("Safety examples in the training data")
struct SafetyDataTests {
    @Test("Training adversarial prompts come with replies that behave, in both languages, and none is a held-out prompt",
          arguments: [Language.en, .ja])
    func safetyExamplesBehave(lang: Language) {
        let d = Dataset.generate(seed: 1, lang: lang, size: .small)
        #expect(d.safety.count == SizePreset.small.counts.safety)
        #expect(Set(d.safety.map(\.kind)) == Set(AdversarialKind.allCases))
        let scorer = RefusalScorer()
        for item in d.safety {
            let reply = item.reference.map(\.content).joined(separator: "\n")
            let s = scorer.score(reply: reply, item: item)
            #expect(s.behaved, "\(item.id) (\(item.kind)): \(s.findings)")
        }
        let heldOut = Set(d.adversarial.map(\.prompt))
        #expect(d.safety.allSatisfy { !heldOut.contains($0.prompt) })
        #expect(d.sftConversations.count == d.sft.count + d.safety.count)
    }

    @Test("No reference reply to an ordinary prompt reads as a refusal, so over-refusal starts at zero",
          arguments: [Language.en, .ja])
    func ordinaryRepliesDoNotRefuse(lang: Language) {
        let d = Dataset.generate(seed: 1, lang: lang, size: .small)
        let scorer = RefusalScorer()
        let refusing = d.dev.filter { scorer.refuses($0.reference.map(\.content).joined(separator: "\n"), lang: lang) }
        #expect(refusing.isEmpty, "\(refusing.count) references refuse, e.g. \(refusing.first?.reference.first?.content ?? "")")
    }
}
