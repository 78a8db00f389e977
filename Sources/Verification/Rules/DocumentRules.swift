/// Every slot the claim's reason requires holds an upload: KTP and KK always, the employer
/// letter for resign, termination and contract end (`required_documents` in rules.json).
public struct RequiredDocumentsRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        input.requiredSlots.filter { input.documents[$0.rawValue] == nil }.map { kind in
            .fix(.documentMissing, document: kind.rawValue,
                 message: "\(capitalized(kind.indonesianName)) belum diunggah: unggah \(kind.indonesianName) Anda.")
        }
    }
}

/// A slot holds the document it is for. A scan that could not be read is not called the wrong
/// kind (DocumentReadableRule reports it); a classification below `confidence.kind_min` is doubt.
public struct DocumentKindRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        var findings: [RuleFinding] = []
        for kind in DocumentKind.slots {
            guard let doc = input.documents[kind.rawValue], doc.kind != kind,
                  !doc.issues.contains(where: { ClaimRuleInput.unusableCodes.contains($0.code) }) else { continue }
            let seenAs = doc.kind == .unknown ? "" : " (terbaca sebagai \(doc.kind.indonesianName))"
            let finding: RuleFinding
            if doc.kindConfidence >= input.config.confidence.kindMin {
                finding = .fix(.documentWrongKind, document: kind.rawValue,
                               message: "Dokumen yang diunggah sebagai \(kind.indonesianName) bukan \(kind.indonesianName)\(seenAs): unggah \(kind.indonesianName) Anda.")
            } else {
                finding = .review(.documentWrongKind, document: kind.rawValue,
                                  message: "Jenis dokumen yang diunggah sebagai \(kind.indonesianName) tidak dapat dipastikan; petugas akan memeriksanya.")
            }
            // An extra upload the reason does not need changes nothing.
            findings.append(input.isRequired(kind) ? finding : .note(finding.issue))
        }
        return findings
    }
}

/// Passes on what reading found about the file itself: unreadable photo, a file that cannot be
/// opened, a file too large. The claimant must upload again. A file whose reading ran out of
/// time (a PDF that took too long to render on a busy server) is not the claimant's fault: an
/// officer looks at it.
public struct DocumentReadableRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        var findings: [RuleFinding] = []
        for kind in DocumentKind.slots {
            guard let doc = input.documents[kind.rawValue] else { continue }
            for issue in doc.issues where ClaimRuleInput.unusableCodes.contains(issue.code) {
                var copy = issue
                copy.document = kind.rawValue
                copy.severity = issue.code == .documentTimedOut ? .warning : .error
                let effect: RuleFinding.Effect = issue.code == .documentTimedOut ? .review : .fix
                findings.append(input.isRequired(kind) ? RuleFinding(issue: copy, effect: effect) : .note(copy))
            }
        }
        return findings
    }
}

/// The per-document field checks (DocumentChecks) of each usable required document, merged with
/// what extraction flagged, judged for this claim: a field every genuine card carries but OCR did
/// not find, a low-confidence field a rule needs, a NIK that contradicts its own card, all mean
/// an officer must look. A low-confidence field whose value agrees exactly with the form is
/// confirmed by it and needs no review.
public struct DocumentFieldsRule: ClaimRule {
    public init() {}

    /// Fields the claim rules read, by slot.
    static let neededFields: [DocumentKind: Set<String>] = [
        .ktp: ["nik", "nama"],
        .employerLetter: ["nama", "tanggal_berakhir"],
    ]

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        var findings: [RuleFinding] = []
        for kind in input.requiredSlots {
            guard let doc = input.usable(kind) else { continue }
            var issues = DocumentChecks.issues(for: doc, config: input.config, wilayah: input.wilayah,
                                               referenceDate: input.referenceDate)
            for own in doc.issues where !issues.contains(where: { $0.code == own.code && $0.field == own.field }) {
                var copy = own
                copy.document = kind.rawValue
                issues.append(copy)
            }
            for issue in issues {
                findings.append(judge(issue, kind: kind, doc: doc, input: input))
            }
        }
        return findings
    }

    private func judge(_ issue: Issue, kind: DocumentKind, doc: DocumentResult, input: ClaimRuleInput) -> RuleFinding {
        var reviewed = issue
        reviewed.severity = .warning
        switch issue.code {
        case .documentUnreadable, .documentUnsupported, .documentTooLarge, .documentTimedOut, .documentWrongKind, .documentMissing:
            return .note(issue)  // other rules own these
        case .fieldMissing:
            // Every genuine card carries the field: OCR missing it is for an officer to judge.
            reviewed.message = "\(DocumentChecks.label(issue.field ?? "")) pada \(kind.indonesianName) tidak terbaca; petugas akan memeriksanya."
            return RuleFinding(issue: reviewed, effect: .review)
        case .documentLowConfidence, .ktpNikRegionUnknown, .ktpNikBirthDateMismatch, .ktpNikSexMismatch:
            return RuleFinding(issue: reviewed, effect: .review)
        case .fieldLowConfidence:
            guard let field = issue.field, Self.neededFields[kind]?.contains(field) == true,
                  !confirmedByForm(kind, field, doc: doc, input: input) else { return .note(issue) }
            return RuleFinding(issue: reviewed, effect: .review)
        case .ktpNikInvalid:
            let confident = (doc.fields["nik"]?.confidence ?? 0) >= input.config.confidence.nikMin
            if confident && !input.flaggedLowConfidence(doc) {
                var error = issue
                error.severity = .error
                return RuleFinding(issue: error, effect: .fix)
            }
            reviewed.message = "NIK pada KTP kurang jelas terbaca dan tidak sah; petugas akan memeriksanya."
            return RuleFinding(issue: reviewed, effect: .review)
        default:
            // What extraction flagged and no rule owns: an error needs an officer, a warning is noted.
            return issue.severity == .error ? RuleFinding(issue: reviewed, effect: .review) : .note(issue)
        }
    }

    /// The value read agrees with the form exactly: an unlikely coincidence for a misreading.
    private func confirmedByForm(_ kind: DocumentKind, _ field: String, doc: DocumentResult, input: ClaimRuleInput) -> Bool {
        guard let value = doc.value(field) else { return false }
        switch field {
        case "nik":
            guard let form = input.form.nik else { return false }
            return DocumentChecks.digitsOnly(value) == DocumentChecks.digitsOnly(form)
        case "nama":
            guard let form = input.formName else { return false }
            return NameMatch.compare(form, value, thresholds: input.nameThresholds).outcome == .same
        default:
            return false
        }
    }
}

func capitalized(_ s: String) -> String {
    s.prefix(1).uppercased() + s.dropFirst()
}
