import Foundation

/// The wording of one scenario in one language. Templates use `{key}` placeholders filled from
/// a ticket's values (`{order}`, `{product}`, `{days}`, ...). Every template of a move states
/// the same facts, so whichever paraphrase is drawn, a good reply quotes every required fact.
struct ScenarioPhrases: Sendable {
    /// What the customer writes (before the persona's greeting and sign-off).
    var messages: [String]
    /// English: a "that ..." clause ("that your {product} arrived damaged"); Japanese: the
    /// problem phrase that precedes 誠に申し訳ございません ("{product}が破損した状態で届き").
    var problem: String
    /// English only: a "for ..." phrase ("for the damage to your {product}").
    var forPhrase: String
    var confirm: [String]
    var procedure: [String]
    /// Procedure steps a reply should contain, each as alternative cue phrases (lowercase).
    var steps: [Step]
    /// Phrases that would contradict this ticket's facts (lowercase).
    var forbidden: [String]
    /// An over-promise specific to this issue.
    var overPromise: String
}

/// All the wording of one language: the four moves, the customer messages, and the wording of
/// flawed replies. `Phrasebook.en` and `Phrasebook.ja` are written separately (the Japanese is
/// not a translation: it follows Japanese support-mail conventions).
struct Phrasebook: Sendable {
    var apology: [String]
    var close: [String]
    var coldOpeners: [String]
    var coldClosers: [String]
    var overPromises: [String]
    /// Invented-detail sentences: `{fakeAmount}` (a credit never granted), `{fakeDate}`.
    var inventedAmount: [String]
    var inventedDate: [String]
    /// Persona styles: (prefix, suffix) added around the customer's message.
    var polite: (String, String)
    var upset: (String, String)
    /// Separator between moves and between sentences.
    var moveSeparator: String
    var scenarios: [Scenario: ScenarioPhrases]

    static func of(_ lang: Language) -> Phrasebook { lang == .en ? .en : .ja }

    func phrases(_ s: Scenario) -> ScenarioPhrases { scenarios[s]! }
}

/// Japanese text uses full-width brackets, question and exclamation marks and colons; the
/// templates are written with ASCII ones (readable in source) and converted here.
func localized(_ text: String, _ lang: Language) -> String {
    guard lang == .ja else { return text }
    var out = String.UnicodeScalarView()
    for u in text.unicodeScalars {
        switch u {
        case "(": out.append("\u{FF08}")
        case ")": out.append("\u{FF09}")
        case "?": out.append("\u{FF1F}")
        case "!": out.append("\u{FF01}")
        case ":": out.append("\u{FF1A}")
        default: out.append(u)
        }
    }
    return String(out)
}

/// Fills `{key}` placeholders. An unknown key is left in place, so a test can find it.
func fill(_ template: String, _ values: [String: String]) -> String {
    guard template.contains("{") else { return template }
    var out = ""
    out.reserveCapacity(template.utf8.count + 32)
    var rest = Substring(template)
    while let open = rest.firstIndex(of: "{") {
        out += rest[..<open]
        guard let close = rest[open...].firstIndex(of: "}") else { break }
        let key = String(rest[rest.index(after: open)..<close])
        if let v = values[key] { out += v } else { out += rest[open...close] }
        rest = rest[rest.index(after: close)...]
    }
    out += rest
    return out
}

/// The placeholder keys a template uses.
func keys(of template: String) -> [String] {
    var out: [String] = []
    var rest = Substring(template)
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
        out.append(String(rest[rest.index(after: open)..<close]))
        rest = rest[rest.index(after: close)...]
    }
    return out
}
