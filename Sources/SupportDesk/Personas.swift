import Core

/// A customer of the shop. Names are fictional and drawn from common-name lists; personas
/// carry no contact details, so generated data never contains personal data patterns.
public struct Persona: Codable, Sendable, Equatable {
    public enum Style: String, Codable, Sendable, CaseIterable {
        /// Writes politely, thanks in advance.
        case polite
        /// Frustrated; says so.
        case upset
        /// Short messages, no greeting.
        case brief
    }

    public var firstEN: String
    public var lastEN: String
    public var familyJA: String
    public var givenJA: String
    public var plan: Plan
    public var style: Style

    public func fullName(_ lang: Language) -> String {
        lang == .en ? "\(firstEN) \(lastEN)" : "\(familyJA) \(givenJA)"
    }

    /// How a reply addresses the customer: "Emma" / "佐藤".
    public func addressName(_ lang: Language) -> String { lang == .en ? firstEN : familyJA }

    static let firstNames = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Sophie",
                             "James", "Grace", "Daniel", "Chloe", "Henry", "Isla", "Samuel", "Ruby",
                             "Oscar", "Hannah", "Leo", "Alice", "Jack", "Nora", "Adam"]
    static let lastNames = ["Clarke", "Patel", "Nguyen", "Murphy", "Garcia", "Kim", "Walker", "Hughes",
                            "Silva", "Evans", "Cohen", "Okafor", "Bennett", "Ross", "Turner", "Price",
                            "Khan", "Morgan", "Reid", "Foster"]
    static let familyNames = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林",
                              "加藤", "吉田", "山田", "佐々木", "松本", "井上", "木村", "林", "清水",
                              "森", "池田"]
    static let givenNames = ["美咲", "翔太", "陽菜", "大輔", "さくら", "健一", "結衣", "拓也", "真由美",
                             "直樹", "彩", "誠", "愛", "悠人", "由美", "亮", "優子", "蓮", "花子", "雄一"]

    /// `count` personas; about a third are Plus members.
    static func generate(count: Int, rng: inout SeededRandom) -> [Persona] {
        (0..<count).map { _ in
            Persona(firstEN: rng.pick(firstNames), lastEN: rng.pick(lastNames),
                    familyJA: rng.pick(familyNames), givenJA: rng.pick(givenNames),
                    plan: rng.bernoulli(0.35) ? .plus : .standard,
                    style: rng.pick(Style.allCases))
        }
    }
}
