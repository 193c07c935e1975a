import Core

/// A product category. Policies (return window, warranty) are set per category.
public enum Category: String, Codable, Sendable, CaseIterable {
    case electronics, kitchen, home, apparel, outdoor, stationery

    public func name(_ lang: Language) -> String {
        switch lang {
        case .en: return ["Electronics", "Kitchen", "Home", "Apparel", "Outdoor", "Stationery"][index]
        case .ja: return ["家電・デジタル", "キッチン", "インテリア", "ファッション", "アウトドア", "文房具"][index]
        }
    }

    var index: Int { Category.allCases.firstIndex(of: self)! }

    /// What a customer exchanges the item for: a size (clothes) or a colour (everything else).
    func variant(_ lang: Language) -> String {
        switch (self, lang) {
        case (.apparel, .en): return "size"
        case (.apparel, .ja): return "サイズ"
        case (_, .en): return "colour"
        case (_, .ja): return "色"
        }
    }

    /// Item kinds in this category: (English, Japanese, price range in cents).
    /// Prices in yen are the cent amount read as yen ($89.00 ↔ 8,900円), close to real prices.
    var items: [(en: String, ja: String, low: Int, high: Int)] {
        switch self {
        case .electronics: return [
            ("Wireless Headphones", "ワイヤレスヘッドホン", 4900, 19900), ("Bluetooth Speaker", "Bluetoothスピーカー", 2900, 12900),
            ("USB-C Charger", "USB-C充電器", 1900, 4900), ("Mechanical Keyboard", "メカニカルキーボード", 5900, 15900),
            ("Webcam", "Webカメラ", 3900, 9900), ("Smart Watch", "スマートウォッチ", 9900, 29900),
            ("Power Bank", "モバイルバッテリー", 2500, 6900), ("Wireless Mouse", "ワイヤレスマウス", 1900, 5900)]
        case .kitchen: return [
            ("Electric Kettle", "電気ケトル", 2900, 8900), ("Blender", "ブレンダー", 3900, 12900),
            ("Rice Cooker", "炊飯器", 5900, 24900), ("Coffee Grinder", "コーヒーミル", 2900, 9900),
            ("Frying Pan", "フライパン", 2400, 7900), ("Toaster", "トースター", 2900, 9900),
            ("Knife Set", "包丁セット", 4900, 14900), ("Hand Mixer", "ハンドミキサー", 2500, 6900)]
        case .home: return [
            ("Desk Lamp", "デスクライト", 2900, 8900), ("Wall Clock", "掛け時計", 1900, 5900),
            ("Air Purifier", "空気清浄機", 8900, 29900), ("Throw Blanket", "ブランケット", 2400, 6900),
            ("Humidifier", "加湿器", 3900, 11900), ("Floor Lamp", "フロアライト", 4900, 15900),
            ("Storage Box", "収納ボックス", 1500, 4900), ("Cushion Cover", "クッションカバー", 1200, 3900)]
        case .apparel: return [
            ("Rain Jacket", "レインジャケット", 5900, 16900), ("Wool Sweater", "ウールセーター", 4900, 12900),
            ("Running Shoes", "ランニングシューズ", 6900, 15900), ("Denim Jeans", "デニムパンツ", 3900, 9900),
            ("Fleece Hoodie", "フリースパーカー", 3500, 8900), ("Leather Belt", "レザーベルト", 2500, 6900),
            ("Winter Gloves", "ウィンターグローブ", 1900, 4900), ("Linen Shirt", "リネンシャツ", 3500, 8900)]
        case .outdoor: return [
            ("Camping Tent", "キャンプテント", 9900, 39900), ("Hiking Backpack", "登山用リュック", 6900, 19900),
            ("Water Bottle", "ウォーターボトル", 1500, 3900), ("Sleeping Bag", "寝袋", 4900, 14900),
            ("Camping Stove", "キャンプ用コンロ", 3900, 11900), ("Headlamp", "ヘッドランプ", 1900, 5900),
            ("Folding Chair", "折りたたみチェア", 2900, 7900), ("Trekking Poles", "トレッキングポール", 3900, 9900)]
        case .stationery: return [
            ("Notebook Set", "ノートセット", 900, 2900), ("Fountain Pen", "万年筆", 2900, 14900),
            ("Desk Organizer", "デスクオーガナイザー", 1900, 4900), ("Weekly Planner", "ウィークリー手帳", 1500, 3900),
            ("Sketchbook", "スケッチブック", 900, 2900), ("Gel Pen Set", "ゲルペンセット", 800, 2400),
            ("Document Tray", "書類トレー", 1200, 3900), ("Desk Calendar", "卓上カレンダー", 900, 2500)]
        }
    }
}

/// A product in the shop's catalogue. Names exist in both languages so that one seed gives the
/// same shop in English and Japanese.
public struct Product: Codable, Sendable, Equatable {
    /// Stable identifier, "P01"... (used in entity combinations and the held-out split).
    public var id: String
    public var category: Category
    public var nameEN: String
    public var nameJA: String
    /// Price in cents (English) or, read as yen, in yen (Japanese).
    public var price: Int

    public func name(_ lang: Language) -> String { lang == .en ? nameEN : nameJA }

    public func priceText(_ lang: Language) -> String { Money.text(price, lang) }
}

/// Money as the shop writes it: "$89.00" or "8,900円".
public enum Money {
    public static func text(_ amount: Int, _ lang: Language) -> String {
        switch lang {
        case .en:
            let cents = amount % 100
            return "$\(grouped(amount / 100)).\(cents < 10 ? "0" : "")\(cents)"
        case .ja:
            return "\(grouped(amount))円"
        }
    }

    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

/// Brand names (English, Japanese katakana).
let brands: [(en: String, ja: String)] = [
    ("Nimbus", "ニンバス"), ("Aurora", "オーロラ"), ("Kestrel", "ケストレル"), ("Maple", "メープル"),
    ("Harbor", "ハーバー"), ("Lumen", "ルーメン"), ("Solace", "ソレイス"), ("Tundra", "ツンドラ"),
    ("Juniper", "ジュニパー"), ("Cobalt", "コバルト"), ("Willow", "ウィロー"), ("Summit", "サミット"),
]

extension Product {
    /// The catalogue: every item kind of every category, each with a seeded brand and price
    /// (48 products). Prices are rounded to end in 00 or 99 cents, as shops do.
    static func catalogue(rng: inout SeededRandom) -> [Product] {
        var out: [Product] = []
        for category in Category.allCases {
            for item in category.items {
                let brand = rng.pick(brands)
                let raw = item.low + rng.int(item.high - item.low + 1)
                let price = (raw / 100) * 100 + (rng.bernoulli(0.5) ? 0 : 99)
                let id = String(format: "P%02d", out.count + 1)
                out.append(Product(id: id, category: category, nameEN: "\(brand.en) \(item.en)",
                                   nameJA: "\(brand.ja) \(item.ja)", price: price))
            }
        }
        return out
    }
}
