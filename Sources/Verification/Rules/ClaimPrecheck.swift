/// The claim pre-check: runs every rule on the form and the documents read from its scans and
/// decides whether the claim may enter the video-call queue.
public struct ClaimPrecheck: Sendable {
    public struct Decision: Sendable {
        public var status: ClaimStatus
        /// Errors (the claimant must fix) first, then warnings (an officer must look).
        public var reasons: [Issue]
        /// Everything the rules found, notes included.
        public var findings: [RuleFinding]
    }

    /// The rules in the order their reasons are listed.
    public static let standardRules: [any ClaimRule] = [
        ClaimFormFieldsRule(),
        RequiredDocumentsRule(),
        DocumentReadableRule(),
        DocumentKindRule(),
        ClaimNIKRule(),
        WhatsAppRule(),
        DuplicateClaimRule(),
        KTPNIKMatchRule(),
        KTPNameMatchRule(),
        KKMembershipRule(),
        LetterNameRule(),
        LetterNIKRule(),
        LetterEndDateRule(),
        WaitingPeriodRule(),
        LetterReasonRule(),
        DocumentFieldsRule(),
    ]

    public var rules: [any ClaimRule]

    public init(rules: [any ClaimRule] = ClaimPrecheck.standardRules) {
        self.rules = rules
    }

    public func evaluate(_ input: ClaimRuleInput) -> Decision {
        let findings = rules.flatMap { $0.evaluate(input) }
        return Decision(status: VerdictPolicy.status(for: findings),
                        reasons: VerdictPolicy.reasons(from: findings), findings: findings)
    }

    /// The entry point after OCR: `documents` maps each uploaded slot to what was read from it.
    /// `today` fixes the reference date only when the form has no `submitted_at`.
    public static func decide(form: ClaimForm, documents: [String: DocumentResult],
                              context: ClaimContext = ClaimContext(), config: RulesConfig = .default,
                              wilayah: Wilayah, today: CalendarDate = .today()) -> (status: ClaimStatus, reasons: [Issue]) {
        let input = ClaimRuleInput(form: form, documents: documents, context: context,
                                   config: config, wilayah: wilayah, today: today)
        let decision = ClaimPrecheck().evaluate(input)
        return (decision.status, decision.reasons)
    }
}
