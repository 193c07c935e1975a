// Japanese wording, written as a Japanese support desk writes (丁寧語・謙譲語, お詫び→確認事項→
// 手続き案内→安心させる一言), not as a translation of the English phrasebook.

extension Phrasebook {
    static let ja = Phrasebook(
        apology: [
            "{last}様、このたびは{problem}、誠に申し訳ございません。",
            "{last}様、このたびは{problem}、大変申し訳ございません。",
            "{last}様、このたびは{problem}、心よりお詫び申し上げます。",
            "{last}様、このたびは{problem}、ご迷惑をおかけして申し訳ございません。",
        ],
        close: [
            "ご不明な点は、いつでもお気軽にお問い合わせください。",
            "ほかにもお困りのことがあれば、お気軽にご連絡ください。",
            "解決まで責任をもって対応いたしますので、ご安心ください。",
            "今後ともくもショップをよろしくお願いいたします。",
        ],
        coldOpeners: [
            "{last}様。規約に明記されている通り、当社の責任ではありません。",
            "{last}様。規約をよくお読みいただければわかる内容です。",
            "{last}様。お問い合わせの件は、お客様の責任でご対応いただく内容です。",
        ],
        coldClosers: [
            "以上です。",
            "これ以上の対応はいたしかねます。",
            "再度のお問い合わせはご遠慮ください。",
        ],
        overPromises: [
            "必ず明日までにすべて解決することをお約束します。",
            "二度とこのようなことは起こらないと断言いたします。",
            "絶対にご満足いただける結果になります。",
        ],
        inventedAmount: [
            "お詫びとして{fakeAmount}分のクーポンを付与いたしました。",
            "次回のご注文で使える{fakeAmount}の割引もご用意しております。",
        ],
        inventedDate: [
            "なお、{fakeDate}にも別便で商品を発送しております。",
            "配送業者は{fakeDate}にも一度お届けに伺っております。",
        ],
        polite: ("", "よろしくお願いいたします。"),
        upset: ("", "正直、困っています。"),
        moveSeparator: "\n",
        scenarios: [
            .returnRequest: ScenarioPhrases(
                messages: [
                    "{product}を注文しましたが、イメージと違ったので返品したいです。注文番号は{order}です。",
                    "{delivered}に届いた{product}を返品できますか?",
                    "注文番号{order}の{product}を返品したいのですが、手続きを教えてください。",
                    "{product}が思っていたものと違いました。返品は可能でしょうか。",
                ],
                problem: "{product}がご期待に沿えず",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}を確認いたしました。返品期限の{days}以内({returnBy}まで)でございます。",
                    "お調べしたところ、ご注文番号{order}は{returnBy}まで返品を承れます(返品期限{days})。",
                    "ご注文番号{order}が返品期限{days}以内({returnBy}まで)であることを確認いたしました。",
                ],
                procedure: [
                    "マイページの注文履歴から返品をお申し込みのうえ、返送ラベルでご返送ください。到着後{refund}以内に返金いたします。",
                    "お手続きはマイページで返品を選び、返送ラベルで商品をお送りいただくだけです。到着後{refund}以内にご返金いたします。",
                    "マイページから返品を申請し、返送ラベルで{product}をご返送ください。到着後{refund}以内に返金いたします。",
                ],
                steps: [Step(name: "マイページから返品を申し込む", cues: ["マイページ"]),
                        Step(name: "商品を返送する", cues: ["返送", "お送り"])],
                forbidden: ["返品期限を過ぎ", "返品はお受けできません"],
                overPromise: "明日までに必ずご返金することをお約束します。"),
            .lateDelivery: ScenarioPhrases(
                messages: [
                    "{ordered}に注文した{product}がまだ届きません。どうなっていますか?",
                    "注文番号{order}の{product}が、お届け予定日の{expected}を過ぎても届いていません。確認してください。",
                    "{product}の到着が遅れているようです。いつ届きますか?",
                ],
                problem: "{product}のお届けが遅れており",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}を確認いたしました。通常{ship}のところ、配送業者の最新情報では{newEstimate}のお届け予定です。",
                    "お調べしたところ、ご注文番号{order}のお届け予定日は{newEstimate}に変更されております(通常{ship})。",
                    "ご注文番号{order}の配送状況を確認しましたところ、通常の{ship}より遅れ、{newEstimate}にお届けの見込みです。",
                ],
                procedure: [
                    "マイページで追跡状況をご確認ください。{lostBy}までに届かない場合は、代替品の発送または全額返金を手配いたします。",
                    "配送状況はマイページから追跡いただけます。{lostBy}までに届かない場合は、代替品の発送または全額返金にて対応いたします。",
                    "配送業者に優先配送を依頼いたしましたので、マイページで追跡状況をご確認ください。{lostBy}までに届かない場合は代替品または全額返金で対応いたします。",
                ],
                steps: [Step(name: "配送状況の追跡", cues: ["追跡"]),
                        Step(name: "未着時は代替品か全額返金", cues: ["代替品", "全額返金"])],
                forbidden: ["配達済み", "お届け済み"],
                overPromise: "明日には必ずお届けできることをお約束します。"),
            .damagedItem: ScenarioPhrases(
                messages: [
                    "{delivered}に届いた{product}が壊れていました。箱もつぶれていました。",
                    "注文番号{order}の{product}に傷とへこみがありました。交換してもらえますか?",
                    "届いた{product}が破損していて使えません。どうすればいいですか?",
                ],
                problem: "{product}が破損した状態で届き",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}({delivered}お届け)を確認いたしました。破損のご連絡期限({report})内でございます。",
                    "お調べしたところ、ご注文番号{order}は{delivered}のお届けで、ご連絡期限の{report}以内でございます。",
                    "ご注文番号{order}が{delivered}に届き、ご連絡期限{report}以内であることを確認いたしました。",
                ],
                procedure: [
                    "お手数ですが、破損箇所の写真をご返信ください。確認後、{replace}以内に交換品を無料で発送いたします。",
                    "破損箇所と外箱の写真をお送りください。確認次第、{replace}以内に代わりの商品を無料で発送いたします。破損品の返送は不要です。",
                    "写真をご返信いただけましたら、{replace}以内に新しい商品を無料でお送りいたします。",
                ],
                steps: [Step(name: "写真を送る", cues: ["写真"]),
                        Step(name: "交換品を無料で発送", cues: ["交換品", "代わりの商品", "新しい"])],
                forbidden: ["対象外", "期限を過ぎ"],
                overPromise: "次の商品は絶対に完璧な状態でお届けすることを保証いたします。"),
            .wrongItem: ScenarioPhrases(
                messages: [
                    "{product}を注文したのに、{received}が届きました。注文番号は{order}です。",
                    "届いた商品が違います。注文したのは{product}ですが、中身は{received}でした。",
                    "注文番号{order}ですが、{product}ではなく{received}が入っていました。対応をお願いします。",
                ],
                problem: "ご注文と異なる商品をお届けしてしまい",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}を確認いたしました。{product}ではなく、{received}をお届けしておりました。",
                    "お調べしたところ、ご注文番号{order}では{product}の代わりに{received}を誤ってお届けしておりました。",
                    "ご注文番号{order}を確認しましたところ、倉庫で{product}の代わりに{received}を梱包しておりました。",
                ],
                procedure: [
                    "正しい商品を{replace}以内に発送いたします。お手元の商品は、メールでお送りした返送ラベルでご返送ください。",
                    "返品の到着を待たずに、正しい商品を{replace}以内に発送いたします。誤ってお届けした商品は返送ラベル(送料無料)でお送りください。",
                    "正しい商品は{replace}以内に発送いたします。メールでお送りした返送ラベルで、届いた商品を送料無料でご返送いただけます。",
                ],
                steps: [Step(name: "返送ラベル", cues: ["ラベル"]),
                        Step(name: "正しい商品を発送", cues: ["発送"])],
                forbidden: ["お客様のご注文間違い", "お客様の責任"],
                overPromise: "正しい商品は必ず明日お届けすることをお約束します。"),
            .warrantyClaim: ScenarioPhrases(
                messages: [
                    "{product}が故障してしまいました。保証で修理してもらえますか?",
                    "注文番号{order}の{product}が正常に動かなくなりました。保証の対象でしょうか。",
                    "{delivered}に購入した{product}に不具合があります。どうすればよいですか?",
                ],
                problem: "{product}に不具合が生じ",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}を確認いたしました。{product}は保証期間{warranty}({warrantyUntil}まで)の対象でございます。",
                    "お調べしたところ、ご注文番号{order}の{product}は保証期間{warranty}の範囲内で、{warrantyUntil}まで有効です。",
                    "ご注文番号{order}の{product}が保証期間{warranty}({warrantyUntil}まで)の対象であることを確認いたしました。",
                ],
                procedure: [
                    "マイページから保証修理をお申し込みのうえ、シリアル番号をご記入ください。到着後{repair}以内に修理または交換いたします。",
                    "お手続きは、マイページで保証修理を申請し、シリアル番号をご入力いただくだけです。到着後{repair}以内に修理または交換いたします。",
                    "保証修理はマイページから承っております。シリアル番号をお知らせいただければ、到着後{repair}以内に修理または交換いたします。",
                ],
                steps: [Step(name: "保証修理の申し込み", cues: ["保証修理"]),
                        Step(name: "シリアル番号", cues: ["シリアル番号"]),
                        Step(name: "修理または交換", cues: ["修理"])],
                forbidden: ["保証期間が終了", "保証の対象外", "有償修理"],
                overPromise: "修理後は二度と故障しないことを断言いたします。"),
            .refundStatus: ScenarioPhrases(
                messages: [
                    "{product}を返品しましたが、まだ返金されていません。いつ頃になりますか?",
                    "注文番号{order}の返金状況を教えてください。{returnReceived}に返品が届いているはずです。",
                    "返品した{product}の返金がまだです。確認をお願いします。",
                ],
                problem: "ご返金をお待たせしており",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}を確認いたしました。{returnReceived}に返品を受領し、{amount}のご返金が承認されております。",
                    "お調べしたところ、ご注文番号{order}の返品は{returnReceived}に受領済みで、{amount}のご返金が確定しております。",
                    "ご注文番号{order}の返品を{returnReceived}に受領したことを確認いたしました。ご返金額は{amount}です。",
                ],
                procedure: [
                    "ご購入時のお支払い方法へ{refund}以内に反映されます。完了しましたらメールでお知らせいたします。",
                    "ご返金はご購入時のお支払い方法に{refund}以内に反映され、完了時に確認メールをお送りいたします。",
                    "ご購入時のお支払い方法へ{refund}以内にご返金いたします。完了しましたらメールでご連絡いたします。",
                ],
                steps: [Step(name: "購入時のお支払い方法へ返金", cues: ["お支払い方法"]),
                        Step(name: "完了メール", cues: ["メール"])],
                forbidden: ["返品を受け取っておりません", "返金できません"],
                overPromise: "明日には必ず口座に入金されることをお約束します。"),
            .exchange: ScenarioPhrases(
                messages: [
                    "{product}の{variant}が合わなかったので、交換できますか?",
                    "注文番号{order}の{product}を別の{variant}に交換したいです。",
                    "{delivered}に届いた{product}ですが、{variant}違いへの交換は可能でしょうか。",
                ],
                problem: "{product}がお客様に合わず",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}を確認いたしました。交換期限の{days}以内({returnBy}まで)でございます。",
                    "お調べしたところ、ご注文番号{order}は{returnBy}まで交換を承れます(交換期限{days})。",
                    "ご注文番号{order}が交換期限{days}以内({returnBy}まで)であることを確認いたしました。",
                ],
                procedure: [
                    "マイページで「交換」とご希望の{variant}を選び、返送ラベルで商品をご返送ください。到着後{replace}以内に新しい商品を発送いたします。",
                    "お手続きは、マイページで交換を申請し、返送ラベルで商品をお送りいただくだけです。到着後{replace}以内にご希望の{variant}の商品を発送いたします。",
                    "マイページから交換をお申し込みのうえ、返送ラベルで商品をお送りください。到着後{replace}以内に交換品を発送いたします。",
                ],
                steps: [Step(name: "マイページから交換を申し込む", cues: ["マイページ"]),
                        Step(name: "返送ラベルで返送", cues: ["ラベル"])],
                forbidden: ["交換はお受けできません", "期限を過ぎ"],
                overPromise: "次の商品は必ずぴったり合うことをお約束します。"),
            .cancellation: ScenarioPhrases(
                messages: [
                    "{ordered}に注文した{product}をキャンセルしたいです。注文番号は{order}です。",
                    "間違えて{product}を注文してしまいました。キャンセルできますか?",
                    "注文番号{order}をキャンセルしたいのですが、まだ間に合いますか?",
                ],
                problem: "ご注文のキャンセルでお手数をおかけし",
                forPhrase: "",
                confirm: [
                    "ご注文番号{order}({product})を確認いたしました。発送前のため、無料でキャンセルいただけます。",
                    "お調べしたところ、ご注文番号{order}の{product}はまだ発送準備中で、キャンセル料はかかりません。",
                    "ご注文番号{order}の{product}が出荷前であることを確認いたしました。無料でキャンセルいただけます。",
                ],
                procedure: [
                    "ご注文はキャンセルいたしました。{amount}はご購入時のお支払い方法へ{refund}以内に返金いたします。",
                    "キャンセルのお手続きは完了しております。{amount}は{refund}以内にご購入時のお支払い方法へ返金されます。",
                    "ただいまキャンセルいたしました。{amount}は{refund}以内にご購入時のお支払い方法へご返金いたします。",
                ],
                steps: [Step(name: "キャンセル", cues: ["キャンセル"]),
                        Step(name: "購入時のお支払い方法へ返金", cues: ["お支払い方法"])],
                forbidden: ["発送済み", "キャンセルできません", "キャンセル料が"],
                overPromise: "本日中に必ず全額が戻ることをお約束します。"),
        ])
}
