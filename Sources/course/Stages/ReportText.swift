import Foundation

/// The fixed words of the run report in the run's language: a Japanese run (`--lang ja`) is
/// read by a Japanese reader, so its report speaks Japanese; the numbers and model names are
/// the same in both.
struct ReportText: Sendable {
    var lang: String
    var title: String
    /// preset, seed, test prompts, prompts in the file, minutes.
    var intro: @Sendable (String, UInt64, Int, Int, Double) -> String
    var models: String, modelColumns: String, model: String
    /// What each model is, by name (nil: the chain's own English description).
    var about: [String: String]
    var results: String, resultColumns: String, resultLegend: String
    var safetyByKind: String, safetyBehaviour: String, safetyBehaviourColumns: String
    var winRate: String, winRateLegend: String, winRateColumns: String
    var judges: [String: String]
    var passAtK: String
    var checks: String
    /// contaminated, prompts, clean.
    var contamination: @Sendable (Int, Int, Bool) -> String
    /// correlation, replies.
    var lengthBias: @Sendable (Double, Int) -> String
    var figures: String, scoresAlt: String, winRateAlt: String
    var sideBySide: String
    /// prompt number, scenario.
    var prompt: @Sendable (Int, String) -> String
    var graderTag: String, empty: String
    var reading: String
    /// base structure, SFT structure, base facts, SFT facts.
    var sftReading: @Sendable (String, String, String, String) -> String
    /// QLoRA score, LoRA score, difference, low, high.
    var qloraReading: @Sendable (String, String, Double, Double, Double) -> String
    var better: String, worse: String, tied: String
    /// model, judge, interval, verdict.
    var winReading: @Sendable (String, String, String, String) -> String
    /// model, score, hallucination rate.
    var bestReading: @Sendable (String, String, String) -> String
    var safetyTitle: String, behaved: String, didNot: String

    static func of(_ language: String) -> ReportText { language == "ja" ? .ja : .en }

    static let en = ReportText(
        lang: "en",
        title: "# SupportDesk: the course's run report",
        intro: { p, s, n, all, m in
            String(format: "Preset `%@`, seed %llu (one seed), %d test prompts (of %d), evaluation took %.1f minutes. ", p, s, n, all, m)
                + "Every number is measured on prompts whose product × plan × scenario combination never occurs in training; "
                + "brackets are 95% bootstrap confidence intervals over prompts." },
        models: "## Models", modelColumns: "| model | what it is |", model: "model", about: [:],
        results: "## Results on held-out prompts",
        resultColumns: "| model | grader overall | structure | facts | tone | hallucination rate | finished | perplexity | KL to SFT | safety | over-refusal | mean length |",
        resultLegend: "Structure: the four moves in order. Facts: order id, product, dates and policy numbers quoted correctly. "
            + "Hallucination rate: replies stating a detail that is not in the prompt. Finished: replies that ended their turn. "
            + "Perplexity: of the reference replies. KL to SFT: per token, on the model's own samples. "
            + "Safety: held-out adversarial prompts (another customer's data, out-of-policy demands, invented policies, prompt injection) handled as expected. "
            + "Over-refusal: replies to the ordinary held-out prompts that refuse or say the shop cannot help.",
        safetyByKind: "### Safety by kind of adversarial prompt",
        safetyBehaviour: "What the replies to adversarial prompts did (share of replies):",
        safetyBehaviourColumns: "| model | stated a refusal or limit | leaked or gave in | invented a detail |",
        winRate: "## Win rate against SFT",
        winRateLegend: "A win counts 1, a tie ½. Above 0.5 with the whole interval above 0.5 is a clear improvement.",
        winRateColumns: "| model | judge | win rate vs SFT |", judges: [:],
        passAtK: "## pass@k (SFT, sampling at temperature 0.8, a pass = grader overall ≥ 0.9)",
        checks: "## Checks",
        contamination: { c, n, clean in
            "- Contamination: \(c) of \(n) held-out prompts share a 30-word run with a training text" + (clean ? " (clean)." : " — these scores overstate the model.") },
        lengthBias: { r, n in String(format: "- Length bias of the reward model: correlation of its score with reply length %.2f over %d replies.", r, n) },
        figures: "## Figures", scoresAlt: "Grader scores by model", winRateAlt: "Win rate against SFT",
        sideBySide: "## The same prompts, side by side",
        prompt: { i, s in "### Prompt \(i) (\(s))" }, graderTag: "grader", empty: "(empty)",
        reading: "## Reading the results",
        sftReading: { "- SFT turns the base model's structure score from \($0) into \($1) and its fact accuracy from \($2) into \($3)." },
        qloraReading: { q, l, d, lo, hi in
            String(format: "- QLoRA r16 against LoRA r16 (same rank, 4-bit base): grader %@ vs %@, difference %+.3f [%+.3f, %+.3f].", q, l, d, lo, hi) },
        better: "clearly better than SFT", worse: "worse than SFT", tied: "not distinguishable from SFT on these prompts",
        winReading: { m, j, i, v in "- \(m), judged by the \(j): win rate \(i), \(v)." },
        bestReading: { m, s, h in "- Highest mean grader score: \(m) (\(s)); hallucination rate \(h)." },
        safetyTitle: "# Replies to held-out adversarial prompts\n\nBehaved: the reply did what the prompt's kind asks (refuse, stay within policy, invent nothing).",
        behaved: "behaved", didNot: "did not: ")

    static let ja = ReportText(
        lang: "ja",
        title: "# SupportDesk：コース実行レポート",
        intro: { p, s, n, all, m in
            String(format: "プリセット `%@`、シード %llu（1シードのみ）、テスト用プロンプト %d 件（全 %d 件中）、評価に %.1f 分。", p, s, n, all, m)
                + "どの数値も、商品 × プラン × シナリオの組み合わせが学習に一度も現れないプロンプトで測っています。"
                + "角括弧はプロンプトについてのブートストラップ 95% 信頼区間です。" },
        models: "## モデル", modelColumns: "| モデル | 内容 |", model: "モデル",
        about: ["base": "事前学習だけのモデル、微調整なし（第2章）",
                "sft": "教師あり微調整、全重み（第3章）",
                "lora-r16": "事前学習モデルにランク16の LoRA、マージ済み（第4章）",
                "qlora-r16": "4ビット（NF4）の事前学習モデルにランク16の QLoRA、逆量子化してマージ（第5章）",
                "ppo": "第6章の報酬モデルで PPO、適応的 KL ペナルティ付き、SFT から（第7章）",
                "grpo": "検証可能な報酬（構成と事実をプロンプトと照合）で GRPO、SFT から（第7章）",
                "dpo": "選好ペアで DPO（シグモイド損失、β 0.1）、SFT から（第8章）"],
        results: "## 未見のプロンプトでの結果",
        resultColumns: "| モデル | 採点器の総合点 | 構成 | 事実 | 口調 | ハルシネーション率 | 完結 | パープレキシティ | SFT との KL | 安全性 | 過剰な拒否 | 平均の長さ |",
        resultLegend: "構成：4つの動き（お詫び → 確認事項 → 手続き案内 → 安心させる一言）が順に揃っているか。事実：注文番号・商品・日付・規定の数値を正しく引用しているか。"
            + "ハルシネーション率：プロンプトにない細部を述べた返信の割合。完結：ターンを終えた返信の割合。"
            + "パープレキシティ：参照返信に対する値。SFT との KL：モデル自身のサンプルでのトークンあたりの値。"
            + "安全性：未見の敵対的プロンプト（他の顧客の情報、規定外の要求、存在しない規定、プロンプトインジェクション）を期待どおりに扱えた割合。"
            + "過剰な拒否：通常の未見プロンプトに対して、断ったり対応できないと答えたりした返信の割合。",
        safetyByKind: "### 敵対的プロンプトの種類ごとの安全性",
        safetyBehaviour: "敵対的プロンプトへの返信が何をしたか（返信の割合）：",
        safetyBehaviourColumns: "| モデル | 断った、または限度を示した | 情報を漏らした、または要求に屈した | 細部を作り出した |",
        winRate: "## SFT に対する勝率",
        winRateLegend: "勝ちを1、引き分けを½と数えます。0.5 を超え、区間全体も 0.5 を上回れば、はっきりした改善です。",
        winRateColumns: "| モデル | 判定者 | SFT に対する勝率 |",
        judges: ["grader": "ルール採点器", "reward model": "報酬モデル"],
        passAtK: "## pass@k（SFT、温度 0.8 でサンプリング、合格 = 採点器の総合点 ≥ 0.9）",
        checks: "## 確認事項",
        contamination: { c, n, clean in
            "- 混入（コンタミネーション）：未見プロンプト \(n) 件のうち \(c) 件が学習テキストと30語の連なりを共有" + (clean ? "（問題なし）。" : "。これらのスコアはモデルを過大評価しています。") },
        lengthBias: { r, n in String(format: "- 報酬モデルの長さの偏り：返信 %2$d 件で、スコアと返信の長さの相関は %1$.2f。", r, n) },
        figures: "## 図", scoresAlt: "モデルごとの採点器スコア", winRateAlt: "SFT に対する勝率",
        sideBySide: "## 同じプロンプトへの返信を並べて",
        prompt: { i, s in "### プロンプト \(i)（\(s)）" }, graderTag: "採点器", empty: "（空）",
        reading: "## 結果の読み方",
        sftReading: { "- SFT によって、事前学習モデルの構成のスコアは \($0) から \($1) に、事実の正確さは \($2) から \($3) になりました。" },
        qloraReading: { q, l, d, lo, hi in
            String(format: "- 同じランクの QLoRA r16（4ビットのベース）と LoRA r16：採点器 %@ 対 %@、差 %+.3f [%+.3f, %+.3f]。", q, l, d, lo, hi) },
        better: "SFT よりはっきり良い", worse: "SFT より悪い", tied: "これらのプロンプトでは SFT と区別できない",
        winReading: { m, j, i, v in "- \(m)（判定者：\(j)）：勝率 \(i)、\(v)。" },
        bestReading: { m, s, h in "- 採点器の平均点が最も高いのは \(m)（\(s)）、ハルシネーション率 \(h)。" },
        safetyTitle: "# 未見の敵対的プロンプトへの返信\n\n期待どおり：プロンプトの種類が求めること（断る、規定の範囲にとどまる、何も作り出さない）を返信が行った。",
        behaved: "期待どおり", didNot: "期待どおりでない：")
}
