/// The phrases the grader looks for, per language, all lowercase (text is normalised first).
///
/// Moves are recognised sentence by sentence: a sentence with a close cue is the close (closes
/// often start with "please" or end in ください, which would otherwise read as procedure);
/// otherwise it carries every move whose cue it contains, so a small model that merges the
/// apology and the confirmation into one sentence still gets credit for both.
public struct Cues: Sendable {
    public var moves: [Move: [String]]
    /// Cold or dismissive phrases (lower `tone`).
    public var cold: [String]
    /// Over-assertive promises (lower `noOverPromise`).
    public var overPromise: [String]

    public static func of(_ lang: Language) -> Cues { lang == .en ? en : ja }

    public static let en = Cues(
        moves: [
            .apology: ["sorry", "apolog", "regret"],
            .confirm: ["i have checked", "i've checked", "i checked", "i can see", "i see that", "looking at",
                       "i have looked", "i've looked", "i looked", "i've had a look", "i have had a look",
                       "according to our records", "our records show", "i have confirmed", "i've confirmed",
                       "i have reviewed", "i've reviewed"],
            .procedure: ["please", "we will", "we'll", "you will", "you'll", "i will", "i'll", "you can",
                         "here is what", "here's what", "here is the plan", "to return it", "to exchange it",
                         "to start", "next step", "i have asked", "i've asked", "i have arranged", "i've arranged",
                         "i have emailed", "i've emailed", "i have sent", "i've sent", "i have cancelled",
                         "i've cancelled", "now cancelled", "will be refunded", "will ship", "ships within"],
            .close: ["don't hesitate", "do not hesitate", "happy to help", "glad to help", "rest assured",
                     "feel free", "thank you for your patience", "here to help", "here for you",
                     "any other questions", "anything else comes up", "have a lovely day", "have a great day",
                     "take care"],
        ],
        cold: ["as clearly stated", "your responsibility", "you should have", "read our policy",
               "complaint has been noted", "that is all we can do", "do not contact us again",
               "nothing more to discuss", "not our problem", "not our fault", "calm down", "obviously",
               "as i already said", "deal with it", "whatever"],
        overPromise: ["guarantee", "definitely", "i promise", "we promise", "100%", "without fail", "for sure",
                      "no matter what", "never happen again", "tomorrow", "within hours"])

    public static let ja = Cues(
        moves: [
            .apology: ["申し訳", "お詫び", "ご迷惑", "ご不便", "すみません"],
            .confirm: ["確認いたしました", "確認しました", "確認したところ", "確認させていただ", "お調べしたところ",
                       "お調べいたしました", "拝見", "確認できました"],
            .procedure: ["ください", "お手続き", "お申し込み", "ご返送", "返金いたします", "発送いたします",
                         "お送りいたします", "お送りします", "手配いたします", "手配いたしました", "キャンセルいたしました",
                         "返金されます", "反映されます", "追跡いただけます", "対応いたします", "依頼いたしました",
                         "承っております"],
            .close: ["お気軽に", "ご安心", "よろしくお願い", "ご不明な点", "いつでも", "お困りのこと"],
        ],
        cold: ["規約に明記", "お客様の責任", "規約をよくお読み", "ご自身で", "以上です", "これ以上の対応はいたしかねます",
               "ご遠慮ください", "当社の責任ではありません", "当然です", "仕方ありません"],
        overPromise: ["必ず", "お約束", "断言", "絶対", "100%", "確実に", "明日", "本日中に"])
}
