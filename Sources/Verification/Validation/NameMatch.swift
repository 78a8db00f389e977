import Foundation

/// Compares a name read by OCR with the name the claimant typed: tolerant to misread glyphs,
/// strict on another person.
public enum NameMatch {
    public enum Outcome: String, Sendable, Hashable {
        /// The same name once titles, degrees, case and punctuation are set aside.
        case same
        /// Differences that a misread character or two (or a lost space) could explain.
        case probablySameOCRNoise
        /// Another name: another person, or the first name differs.
        case different
    }

    public struct Thresholds: Sendable, Hashable {
        /// Most OCR-weighted edits between the names (spaces ignored) still called noise.
        public var maxOCREdits: Double
        /// Least similarity (1 - edits / longer length) still called noise.
        public var minSimilarity: Double
        /// Most OCR-weighted edits between the first names still called noise.
        public var maxFirstNameEdits: Double
        /// The cost of one glyph misread as a look-alike (`I`/`1`, `O`/`0`); any other edit costs 1.
        public var confusableCost: Double

        public init(maxOCREdits: Double = 1.5, minSimilarity: Double = 0.8,
                    maxFirstNameEdits: Double = 1.0, confusableCost: Double = 0.4) {
            self.maxOCREdits = maxOCREdits; self.minSimilarity = minSimilarity
            self.maxFirstNameEdits = maxFirstNameEdits; self.confusableCost = confusableCost
        }
    }

    public struct Comparison: Sendable, Hashable {
        public var outcome: Outcome
        /// 1 - OCR-weighted edits / longer length, spaces ignored.
        public var similarity: Double
        public var expected: String
        public var read: String
    }

    /// Titles printed before a name: Haji, Hajjah, Insinyur, Doktorandus/a, Doktor, Profesor, Kyai Haji.
    static let leadingTitles: Set<String> = ["H", "HJ", "HJH", "IR", "DRS", "DRA", "DR", "PROF", "KH"]
    /// Academic degrees printed after a name, dots removed.
    static let degrees: Set<String> = [
        "SE", "SH", "ST", "SS", "SP", "SPD", "SPDI", "SPDSD", "SKOM", "SAG", "SSOS", "SIP", "SKM", "SKEP",
        "SFARM", "SPSI", "SSI", "STP", "SPT", "SKED", "SHI", "SIKOM", "SKEB", "SGZ", "SAK", "SAB", "SHUT",
        "SPI", "SDS", "SSN", "STR", "STRKEP",
        "MH", "MM", "MT", "MSI", "MPD", "MKOM", "MKES", "MAG", "MBA", "MA", "MSC", "MAK", "MPH",
        "AMD", "AMDKEB", "AMDKEP", "AMDKES", "AMDFARM", "AMDAK", "AMKEB", "AMKEP", "AMG", "AMK", "AMAK",
        "BA", "BSC", "PHD", "DR", "NERS",
    ]
    /// Words that start a patronymic: `AHMAD BIN SALEH`, `SITI BINTI UMAR`.
    static let patronymicMarkers: Set<String> = ["BIN", "BINTI", "BT", "BN"]

    /// Upper case, no diacritics, titles and degrees dropped, punctuation a space, single spaces.
    public static func normalize(_ name: String) -> String {
        tokens(name).joined(separator: " ")
    }

    static func tokens(_ name: String) -> [String] {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).uppercased()
        // Degrees follow a comma: `RINA MARLINA, S.E.`
        let parts = folded.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let main = parts.first.map(String.init) ?? ""
        var raw = main.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let key = { (t: String) in t.filter { $0.isLetter || $0.isNumber } }
        while raw.count > 1, leadingTitles.contains(key(raw[0])) { raw.removeFirst() }
        // Without a comma, a trailing degree is recognised by its dots (`S.KOM`) or by being
        // no plausible name (`SKOM`, three letters or more from the list).
        while raw.count > 1, let last = raw.last, degrees.contains(key(last)),
              last.contains(".") || key(last).count >= 3 {
            raw.removeLast()
        }
        var result: [String] = []
        for token in raw {
            var cleaned = ""
            for c in token {
                if c == "'" || c == "`" || c == "\u{2019}" { continue }
                cleaned.append(c.isLetter || c.isNumber ? c : " ")
            }
            result += cleaned.split(separator: " ").map(String.init)
        }
        return result
    }

    /// The name without its patronymic (`AHMAD BIN SALEH` -> `AHMAD`), or nil when it has none.
    static func withoutPatronymic(_ tokens: [String]) -> [String]? {
        guard let i = tokens.indices.dropFirst().first(where: { patronymicMarkers.contains(tokens[$0]) }) else {
            return nil
        }
        return Array(tokens[..<i])
    }

    /// Compares the name on the form (`expected`) with the name read from a document.
    public static func compare(_ expected: String, _ read: String,
                               thresholds: Thresholds = Thresholds()) -> Comparison {
        var a = tokens(expected), b = tokens(read)
        // A patronymic on one side only is set aside; on both sides it is part of the name.
        switch (withoutPatronymic(a), withoutPatronymic(b)) {
        case (let x?, nil): a = x
        case (nil, let y?): b = y
        default: break
        }
        let joinedA = a.joined(), joinedB = b.joined()
        let longest = max(joinedA.count, joinedB.count)
        let edits = TextDistance.ocrWeighted(joinedA, joinedB, confusableCost: thresholds.confusableCost)
        let similarity = longest == 0 ? 0 : max(0, 1 - edits / Double(longest))
        let outcome: Outcome
        if a.isEmpty || b.isEmpty {
            outcome = .different
        } else if a == b {
            outcome = .same
        } else if joinedA == joinedB {
            outcome = .probablySameOCRNoise
        } else if edits <= thresholds.maxOCREdits && similarity >= thresholds.minSimilarity
                    && firstNamesAgree(a, b, thresholds) {
            outcome = .probablySameOCRNoise
        } else {
            outcome = .different
        }
        return Comparison(outcome: outcome, similarity: similarity,
                          expected: a.joined(separator: " "), read: b.joined(separator: " "))
    }

    /// The first name of each side matches the start of the other within one misread glyph,
    /// so `DEWI MARLINA` is not `RINA MARLINA` although the surnames agree.
    private static func firstNamesAgree(_ a: [String], _ b: [String], _ t: Thresholds) -> Bool {
        let joinedA = a.joined(), joinedB = b.joined()
        let startOfB = String(joinedB.prefix(a[0].count))
        let startOfA = String(joinedA.prefix(b[0].count))
        return TextDistance.ocrWeighted(a[0], startOfB, confusableCost: t.confusableCost) <= t.maxFirstNameEdits
            && TextDistance.ocrWeighted(b[0], startOfA, confusableCost: t.confusableCost) <= t.maxFirstNameEdits
    }
}
