import SupportDesk

/// Models from chapters 4-8, added to the evaluation as those chapters land.
extension EvaluationRun {
    static var laterCandidates: [Candidate] { [] }

    /// The reward model of Chapter 6 as a judge: (prompt, reply) -> score; nil without it.
    static func rewardJudge(_ ctx: RunContext) throws -> (([Message], String) -> Double)? { nil }
}
