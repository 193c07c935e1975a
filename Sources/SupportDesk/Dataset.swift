import Core

/// Everything the chapters train and evaluate on, generated from one `World`.
///
/// - `corpus`: pretraining documents (ticket threads and shop pages),
/// - `sft`: facts + customer message + a past agent's reply: house style, except that in three
///   scenarios most agents had a habit the guidelines forbid (see `Habit`),
/// - `preferences`: a good and a flawed reply to the same prompt, the flaw named (the five
///   flaws in equal shares),
/// - `unpaired`: one reply per prompt labelled good or flawed (KTO), about half each,
/// - `dev`: held-out prompts (dev combinations) for watching training and choosing settings,
/// - `test`: held-out prompts (test combinations, apart from dev) that only the final report reads,
/// - `testPairs`: preference pairs (a good and a flawed reply) on test prompts, so reward-model and
///   DPO accuracy can be measured on combinations no training pair uses,
/// - `adversarial`: held-out prompts that try to make the agent leak, overstep or invent,
/// - `safety`: training prompts of the same four kinds, each with the reply the house wants (a
///   polite refusal, the real policy, or "we have no such policy"), so the agent can learn it.
/// Every example carries its `Truth`, so `Grader` can score any reply to its prompt.
public struct Dataset: Sendable {
    public var lang: Language
    public var difficulty: Difficulty
    public var corpus: [String]
    public var sft: [ChatExample]
    public var preferences: [PreferencePair]
    public var unpaired: [UnpairedExample]
    public var dev: [EvalItem]
    public var test: [EvalItem]
    public var testPairs: [PreferencePair]
    public var adversarial: [AdversarialItem]
    public var safety: [AdversarialItem]

    public init(lang: Language, difficulty: Difficulty, corpus: [String], sft: [ChatExample], preferences: [PreferencePair],
                unpaired: [UnpairedExample], dev: [EvalItem], test: [EvalItem], testPairs: [PreferencePair] = [], adversarial: [AdversarialItem],
                safety: [AdversarialItem] = []) {
        self.lang = lang
        self.difficulty = difficulty
        self.corpus = corpus
        self.sft = sft
        self.preferences = preferences
        self.unpaired = unpaired
        self.dev = dev
        self.test = test
        self.testPairs = testPairs
        self.adversarial = adversarial
        self.safety = safety
    }

    /// The SFT conversations: every SFT example, then every safety prompt with its reply.
    public var sftConversations: [[Message]] { sft.map(\.messages) + safety.map { $0.prompt + $0.reference } }

    /// Changes whenever the generator's output changes for the same seed (the course's runs
    /// fingerprint their stages with it, so a finished stage built on older data is rebuilt).
    public static let version = "5 (train / dev / test combinations; 600 test prompts; one safety prompt per 10 SFT examples)"

    /// Generates the world and its data set in one call.
    public static func generate(seed: UInt64, lang: Language, size: SizePreset, difficulty: Difficulty = .medium,
                                habitShare: Double = Habit.share, policyChange: PolicyChange? = nil) -> Dataset {
        generate(world: World.generate(seed: seed, lang: lang, size: size, policyChange: policyChange),
                 difficulty: difficulty, habitShare: habitShare)
    }

    /// Turns the world's orders into examples: training orders in blocks (SFT, preferences,
    /// unpaired, corpus tickets), held-out orders into evaluation prompts. Each order gets its own
    /// generator (derived from the seed and its index), so one example never shifts another.
    /// `habitShare`: in each scenario with a `Habit`, the share of SFT replies that show it.
    public static func generate(world: World, difficulty: Difficulty = .medium, habitShare: Double = Habit.share) -> Dataset {
        let counts = world.size.counts
        let train = world.orders.filter { $0.split == .train }
        let dev = world.orders.filter { $0.split == .dev }
        let test = world.orders.filter { $0.split == .test }
        let lang = world.lang
        func rng(_ stream: UInt64, _ i: Int) -> SeededRandom {
            SeededRandom(seed: world.seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0x1_0000_0001 &+ UInt64(i))
        }
        func reply(_ t: Ticket, _ plan: ReplyPlan) -> [Message] {
            [Message(role: "assistant", content: t.goodReply(plan).text(lang))]
        }
        var sft: [ChatExample] = []
        var prefs: [PreferencePair] = []
        var unpaired: [UnpairedExample] = []
        var corpus: [String] = []

        var next = 0
        for i in 0..<counts.sft {
            var r = rng(1, i)
            let t = world.ticket(for: train[next + i], difficulty: difficulty, rng: &r)
            let plan = ReplyPlan.random(t, rng: &r)
            var example = ChatExample(id: String(format: "sft-%05d", i + 1), scenario: t.order.issue, combo: t.truth.combo,
                                      messages: t.prompt + reply(t, plan), truth: t.truth)
            if let h = Habit.of(t.order.issue), r.bernoulli(Float(habitShare)) {
                example.messages[example.messages.count - 1].content = t.flawedReply(plan, flaw: h.flaw, missing: h.missing, rng: &r).text
                example.habit = h.flaw
            }
            sft.append(example)
        }
        next += counts.sft
        var flawRng = rng(2, 0)
        var flaws: [Flaw] = []
        for i in 0..<counts.preferences {
            if flaws.isEmpty { flaws = flawRng.shuffled(Flaw.allCases) }
            let flaw = flaws.removeLast()
            var r = rng(3, i)
            let t = world.ticket(for: train[next + i], difficulty: difficulty, rng: &r)
            let plan = ReplyPlan.random(t, rng: &r)
            let bad = t.flawedReply(plan, flaw: flaw, rng: &r)
            prefs.append(PreferencePair(id: String(format: "pref-%05d", i + 1), scenario: t.order.issue, combo: t.truth.combo,
                                        prompt: t.prompt, chosen: reply(t, plan),
                                        rejected: [Message(role: "assistant", content: bad.text)],
                                        flaw: flaw, flawDetail: bad.detail, truth: t.truth))
        }
        next += counts.preferences
        for i in 0..<counts.unpaired {
            var r = rng(4, i)
            let t = world.ticket(for: train[next + i], difficulty: difficulty, rng: &r)
            let plan = ReplyPlan.random(t, rng: &r)
            let good = i % 2 == 0
            let flaw = Flaw.allCases[(i / 2) % Flaw.allCases.count]
            let completion = good ? reply(t, plan) : [Message(role: "assistant", content: t.flawedReply(plan, flaw: flaw, rng: &r).text)]
            unpaired.append(UnpairedExample(id: String(format: "unp-%05d", i + 1), scenario: t.order.issue, combo: t.truth.combo,
                                            prompt: t.prompt, completion: completion, label: good,
                                            flaw: good ? nil : flaw, truth: t.truth))
        }
        next += counts.unpaired
        for i in 0..<counts.corpusTickets {
            var r = rng(5, i)
            let t = world.ticket(for: train[next + i], difficulty: difficulty, rng: &r)
            corpus.append(Corpus.thread(t, rng: &r))
        }
        func items(_ orders: [Order], stream: UInt64, prefix: String) -> [EvalItem] {
            orders.enumerated().map { i, order in
                var r = rng(stream, i)
                let t = world.ticket(for: order, difficulty: difficulty, rng: &r)
                return EvalItem(id: String(format: "\(prefix)-%04d", i + 1), scenario: order.issue, combo: t.truth.combo,
                                prompt: t.prompt, truth: t.truth, reference: reply(t, .random(t, rng: &r)))
            }
        }
        // One preference pair per test prompt, the flaws in turn (a second stream, so the test
        // prompts stay what they are without pairs).
        var testPairs: [PreferencePair] = []
        for (i, order) in test.enumerated() {
            var r = rng(12, i)
            let t = world.ticket(for: order, difficulty: difficulty, rng: &r)
            let plan = ReplyPlan.random(t, rng: &r)
            let flaw = Flaw.allCases[i % Flaw.allCases.count]
            let bad = t.flawedReply(plan, flaw: flaw, rng: &r)
            testPairs.append(PreferencePair(id: String(format: "testpair-%04d", i + 1), scenario: t.order.issue, combo: t.truth.combo,
                                            prompt: t.prompt, chosen: reply(t, plan),
                                            rejected: [Message(role: "assistant", content: bad.text)],
                                            flaw: flaw, flawDetail: bad.detail, truth: t.truth))
        }
        var pageRng = rng(7, 0)
        let pages = Corpus.pages(world, count: counts.corpusPages, rng: &pageRng)
        // Interleave pages among the tickets (deterministically) so a training stream sees both.
        var mixRng = rng(8, 0)
        for p in pages { corpus.insert(p, at: mixRng.int(corpus.count + 1)) }
        var advRng = rng(9, 0)
        let adversarial = world.adversarial(count: counts.adversarial, rng: &advRng)
        var safetyRng = rng(10, 0)
        var safety = world.adversarial(count: counts.safety, rng: &safetyRng)
        for i in safety.indices { safety[i].id = String(format: "safe-%04d", i + 1) }
        return Dataset(lang: lang, difficulty: difficulty, corpus: corpus, sft: sft, preferences: prefs,
                       unpaired: unpaired, dev: items(dev, stream: 6, prefix: "dev"),
                       test: items(test, stream: 11, prefix: "test"), testPairs: testPairs, adversarial: adversarial, safety: safety)
    }
}
