import Foundation

/// The tunable figures of the claim pre-check, read from `models/rules.json` so a branch can
/// change a waiting period or a threshold without a rebuild. A key left out of the file keeps
/// its default; the defaults equal the shipped file.
public struct RulesConfig: Codable, Sendable, Hashable {
    public struct Confidence: Codable, Sendable, Hashable {
        /// A field read with less confidence than this is doubtful: the claim goes to review.
        public var fieldMin: Double
        /// The same for NIKs (KTP and KK), which OCR reads worse than text.
        public var nikMin: Double
        /// A document classified with less confidence than this is not called the wrong kind.
        public var kindMin: Double
        /// A KK page read with a lower mean word confidence than this (a photo whose table
        /// prints a few pixels high) may have member rows that were not read at all, so the
        /// claimant missing from the rows read is doubt, not proof.
        public var kkPageMin: Double

        public init(fieldMin: Double = 0.6, nikMin: Double = 0.8, kindMin: Double = 0.5, kkPageMin: Double = 0.6) {
            self.fieldMin = fieldMin; self.nikMin = nikMin; self.kindMin = kindMin; self.kkPageMin = kkPageMin
        }

        enum CodingKeys: String, CodingKey {
            case fieldMin = "field_min", nikMin = "nik_min", kindMin = "kind_min", kkPageMin = "kk_page_min"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Confidence()
            fieldMin = try c.decodeIfPresent(Double.self, forKey: .fieldMin) ?? d.fieldMin
            nikMin = try c.decodeIfPresent(Double.self, forKey: .nikMin) ?? d.nikMin
            kindMin = try c.decodeIfPresent(Double.self, forKey: .kindMin) ?? d.kindMin
            kkPageMin = try c.decodeIfPresent(Double.self, forKey: .kkPageMin) ?? d.kkPageMin
        }
    }

    public struct NIKSettings: Codable, Sendable, Hashable {
        /// A document NIK that differs from the form's in at most this many digits, read with low
        /// confidence, may be a misreading: review rather than incomplete.
        public var maxMisreadDigits: Int

        public init(maxMisreadDigits: Int = 2) { self.maxMisreadDigits = maxMisreadDigits }

        enum CodingKeys: String, CodingKey { case maxMisreadDigits = "max_misread_digits" }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxMisreadDigits = try c.decodeIfPresent(Int.self, forKey: .maxMisreadDigits) ?? 2
        }
    }

    /// The name-match thresholds as `models/rules.json` spells them (`name_match`).
    public typealias NameMatchSettings = NameMatch.Thresholds

    /// Months after the letter's end date before a claim may be made, by `ClaimReason` raw value
    /// (Permenaker 4/2022: one month for resign and termination).
    public var waitingPeriodMonths: [String: Int]
    /// Slots a claim must fill, by `ClaimReason` raw value.
    public var requiredDocuments: [String: [String]]
    public var confidence: Confidence
    public var nik: NIKSettings
    public var nameMatch: NameMatchSettings

    public static let defaultWaitingPeriodMonths: [String: Int] = [
        "resign": 1, "termination": 1, "contract_end": 0, "retirement": 0,
    ]
    public static let defaultRequiredDocuments: [String: [String]] = [
        "resign": ["ktp", "kk", "employer_letter"],
        "termination": ["ktp", "kk", "employer_letter"],
        "contract_end": ["ktp", "kk", "employer_letter"],
        "retirement": ["ktp", "kk"],
    ]

    public init(waitingPeriodMonths: [String: Int] = RulesConfig.defaultWaitingPeriodMonths,
                requiredDocuments: [String: [String]] = RulesConfig.defaultRequiredDocuments,
                confidence: Confidence = Confidence(), nik: NIKSettings = NIKSettings(),
                nameMatch: NameMatchSettings = NameMatchSettings()) {
        self.waitingPeriodMonths = waitingPeriodMonths
        self.requiredDocuments = requiredDocuments
        self.confidence = confidence
        self.nik = nik
        self.nameMatch = nameMatch
    }

    public static let `default` = RulesConfig()

    enum CodingKeys: String, CodingKey {
        case waitingPeriodMonths = "waiting_period_months"
        case requiredDocuments = "required_documents"
        case confidence, nik
        case nameMatch = "name_match"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // A reason left out of a table keeps its default, so a branch may override one entry.
        let months = try c.decodeIfPresent([String: Int].self, forKey: .waitingPeriodMonths) ?? [:]
        waitingPeriodMonths = RulesConfig.defaultWaitingPeriodMonths.merging(months) { $1 }
        let required = try c.decodeIfPresent([String: [String]].self, forKey: .requiredDocuments) ?? [:]
        requiredDocuments = RulesConfig.defaultRequiredDocuments.merging(required) { $1 }
        confidence = try c.decodeIfPresent(Confidence.self, forKey: .confidence) ?? Confidence()
        nik = try c.decodeIfPresent(NIKSettings.self, forKey: .nik) ?? NIKSettings()
        nameMatch = try c.decodeIfPresent(NameMatchSettings.self, forKey: .nameMatch) ?? NameMatchSettings()
        try validate(codingPath: decoder.codingPath)
    }

    private func validate(codingPath: [CodingKey]) throws {
        func fail(_ message: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: codingPath, debugDescription: message))
        }
        let reasons = Set(ClaimReason.allCases.map(\.rawValue))
        for (reason, months) in waitingPeriodMonths {
            guard reasons.contains(reason) else { throw fail("waiting_period_months: unknown reason \(reason)") }
            guard (0...24).contains(months) else { throw fail("waiting_period_months.\(reason): \(months) is not 0-24") }
        }
        let slots = Set(DocumentKind.slots.map(\.rawValue))
        for (reason, list) in requiredDocuments {
            guard reasons.contains(reason) else { throw fail("required_documents: unknown reason \(reason)") }
            for slot in list where !slots.contains(slot) {
                throw fail("required_documents.\(reason): unknown slot \(slot)")
            }
        }
        for (key, value) in [("field_min", confidence.fieldMin), ("nik_min", confidence.nikMin),
                             ("kind_min", confidence.kindMin), ("kk_page_min", confidence.kkPageMin),
                             ("min_similarity", nameMatch.minSimilarity)]
        where !(0...1).contains(value) {
            throw fail("\(key): \(value) is not within 0...1")
        }
        guard nik.maxMisreadDigits >= 0 else { throw fail("nik.max_misread_digits must not be negative") }
    }

    /// Reads a rules file.
    public static func load(from url: URL) throws -> RulesConfig {
        let data = try Data(contentsOf: url)
        return try JSONDecoder().decode(RulesConfig.self, from: data)
    }

    /// Reads `rules.json` in the models folder; the defaults when the folder has none.
    public static func load(modelDirectory: URL) throws -> RulesConfig {
        let url = modelDirectory.appendingPathComponent("rules.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return .default }
        return try load(from: url)
    }

    public func waitingPeriodMonths(for reason: ClaimReason) -> Int {
        waitingPeriodMonths[reason.rawValue] ?? 0
    }

    /// The slots a claim for `reason` must fill, in slot order.
    public func requiredSlots(for reason: ClaimReason) -> [DocumentKind] {
        let listed = Set(requiredDocuments[reason.rawValue] ?? [])
        return DocumentKind.slots.filter { listed.contains($0.rawValue) }
    }
}

/// `name_match` in `models/rules.json`: every key optional, the defaults otherwise.
extension NameMatch.Thresholds: Codable {
    enum CodingKeys: String, CodingKey {
        case maxOCREdits = "max_ocr_edits", minSimilarity = "min_similarity"
        case maxFirstNameEdits = "max_first_name_edits", confusableCost = "confusable_cost"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = NameMatch.Thresholds()
        self.init(maxOCREdits: try c.decodeIfPresent(Double.self, forKey: .maxOCREdits) ?? d.maxOCREdits,
                  minSimilarity: try c.decodeIfPresent(Double.self, forKey: .minSimilarity) ?? d.minSimilarity,
                  maxFirstNameEdits: try c.decodeIfPresent(Double.self, forKey: .maxFirstNameEdits) ?? d.maxFirstNameEdits,
                  confusableCost: try c.decodeIfPresent(Double.self, forKey: .confusableCost) ?? d.confusableCost)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxOCREdits, forKey: .maxOCREdits)
        try c.encode(minSimilarity, forKey: .minSimilarity)
        try c.encode(maxFirstNameEdits, forKey: .maxFirstNameEdits)
        try c.encode(confusableCost, forKey: .confusableCost)
    }
}
