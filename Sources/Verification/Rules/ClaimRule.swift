/// What a rule found, and what it means for the verdict.
public struct RuleFinding: Sendable, Hashable {
    public enum Effect: Int, Sendable, Hashable, Comparable {
        /// Worth recording, changes nothing (another family member's NIK misread).
        case note
        /// The evidence is doubtful: an officer must look. Reported as a warning.
        case review
        /// The claimant must fix it. Reported as an error.
        case fix

        public static func < (l: Effect, r: Effect) -> Bool { l.rawValue < r.rawValue }
    }

    public var issue: Issue
    public var effect: Effect

    public init(issue: Issue, effect: Effect) {
        self.issue = issue
        self.effect = effect
    }

    /// Something the claimant must fix (severity error).
    public static func fix(_ code: ReasonCode, document: String? = nil, field: String? = nil,
                           message: String? = nil) -> RuleFinding {
        RuleFinding(issue: Issue(code, severity: .error, document: document, field: field, message: message),
                    effect: .fix)
    }

    /// Doubtful evidence an officer must look at (severity warning).
    public static func review(_ code: ReasonCode, document: String? = nil, field: String? = nil,
                              message: String? = nil) -> RuleFinding {
        RuleFinding(issue: Issue(code, severity: .warning, document: document, field: field, message: message),
                    effect: .review)
    }

    public static func note(_ issue: Issue) -> RuleFinding {
        RuleFinding(issue: issue, effect: .note)
    }
}

/// One check of a claim, with one job.
public protocol ClaimRule: Sendable {
    func evaluate(_ input: ClaimRuleInput) -> [RuleFinding]
}

extension ClaimRule {
    /// The rule's type name, for logs and docs.
    public var name: String { String(describing: type(of: self)) }
}

/// Everything a rule may look at.
public struct ClaimRuleInput: Sendable {
    public var form: ClaimForm
    /// Slot (`ktp`, `kk`, `employer_letter`) -> what was read; a slot is absent when nothing was uploaded.
    public var documents: [String: DocumentResult]
    public var context: ClaimContext
    public var config: RulesConfig
    public var wilayah: Wilayah
    /// `submitted_at`, or today when the form lacks it (ClaimFormFieldsRule reports that).
    public var referenceDate: CalendarDate

    public init(form: ClaimForm, documents: [String: DocumentResult], context: ClaimContext,
                config: RulesConfig, wilayah: Wilayah, today: CalendarDate = .today()) {
        self.form = form
        self.documents = documents
        self.context = context
        self.config = config
        self.wilayah = wilayah
        self.referenceDate = form.submittedAt.flatMap(CalendarDate.init(iso:)) ?? today
    }

    /// Codes that mean a document could not be read at all.
    static let unusableCodes: Set<ReasonCode> = [.documentUnreadable, .documentUnsupported, .documentTooLarge, .documentTimedOut]

    /// The slots this claim must fill (KTP and KK when the reason is not known).
    public var requiredSlots: [DocumentKind] {
        guard let reason = form.reason else { return [.ktp, .kk] }
        return config.requiredSlots(for: reason)
    }

    public func isRequired(_ kind: DocumentKind) -> Bool { requiredSlots.contains(kind) }

    /// The document in `kind`'s slot when it was read and is that kind; nil otherwise (other
    /// rules report a missing, unreadable or wrong document).
    public func usable(_ kind: DocumentKind) -> DocumentResult? {
        guard let doc = documents[kind.rawValue], doc.kind == kind,
              !doc.issues.contains(where: { Self.unusableCodes.contains($0.code) }) else { return nil }
        return doc
    }

    /// A field of a usable document, when it holds a value.
    public func field(_ kind: DocumentKind, _ name: String) -> FieldValue? {
        guard let f = usable(kind)?.fields[name], !DocumentChecks.isBlank(f.value) else { return nil }
        return f
    }

    /// The form's NIK when it is a valid NIK.
    public var formNIK: NIK? {
        form.nik.flatMap { NIK(DocumentChecks.digitsOnly($0), referenceDate: referenceDate) }
    }

    /// The form's name, when given.
    public var formName: String? {
        guard let n = form.nama, !DocumentChecks.isBlank(n) else { return nil }
        return n
    }

    public var nameThresholds: NameMatch.Thresholds { config.nameMatch }

    /// Whether the extraction flagged the whole document as read with low confidence.
    public func flaggedLowConfidence(_ doc: DocumentResult) -> Bool {
        doc.issues.contains { $0.code == .documentLowConfidence }
    }
}
