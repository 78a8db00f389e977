/// The NIK on the KTP is the form's. A difference a misreading could explain (a glyph that
/// repairs to the form's NIK, or one or two digits read with low confidence or breaking the NIK
/// structure) is doubt: review. A confident, different NIK is another card: incomplete.
public struct KTPNIKMatchRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard let form = input.formNIK, let read = input.field(.ktp, "nik"), let raw = read.value else { return [] }
        let digits = DocumentChecks.digitsOnly(raw)
        if digits == form.digits { return [] }
        let slot = DocumentKind.ktp.rawValue
        let doubt = RuleFinding.review(.ktpNikMismatch, document: slot, field: "nik",
            message: "NIK pada KTP kurang jelas terbaca dan tampak berbeda dengan NIK pada formulir; petugas akan memeriksanya.")
        let repaired = NIK.repairCandidates(raw: raw, referenceDate: input.referenceDate, wilayah: input.wilayah)
        if repaired.contains(form) { return [doubt] }
        let lowConfidence = read.confidence < input.config.confidence.nikMin
            || input.flaggedLowConfidence(input.usable(.ktp)!)
        let readIsValid = NIK(digits, referenceDate: input.referenceDate) != nil
        if let differing = NIK.digitDifference(digits, form.digits),
           differing <= input.config.nik.maxMisreadDigits, lowConfidence || !readIsValid {
            return [doubt]
        }
        // A read this unsure says little either way.
        if lowConfidence { return [doubt] }
        return [.fix(.ktpNikMismatch, document: slot, field: "nik")]
    }
}

/// The name on the KTP is the form's, allowing for titles, degrees and OCR noise.
public struct KTPNameMatchRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard let form = input.formName, let read = input.field(.ktp, "nama"), let value = read.value else { return [] }
        return judgeName(expected: form, read: value, confidence: read.confidence, input: input,
                         code: .ktpNameMismatch, slot: .ktp,
                         doubtMessage: "Nama pada KTP sedikit berbeda dengan nama pada formulir, mungkin karena foto kurang jelas; petugas akan memeriksanya.")
    }
}

/// Same name: pass. Noise a misread glyph could explain, or a different name read with low
/// confidence: review. A confidently different name: the claimant must fix it.
func judgeName(expected: String, read: String, confidence: Double, input: ClaimRuleInput,
               code: ReasonCode, slot: DocumentKind, doubtMessage: String) -> [RuleFinding] {
    let outcome = NameMatch.compare(expected, read, thresholds: input.nameThresholds).outcome
    let lowConfidence = confidence < input.config.confidence.fieldMin
        || input.usable(slot).map(input.flaggedLowConfidence) == true
    switch outcome {
    case .same:
        return []
    case .probablySameOCRNoise:
        return [.review(code, document: slot.rawValue, field: "nama", message: doubtMessage)]
    case .different:
        if lowConfidence { return [.review(code, document: slot.rawValue, field: "nama", message: doubtMessage)] }
        return [.fix(code, document: slot.rawValue, field: "nama")]
    }
}

/// The claimant is a member of the family on the KK: by NIK, or, where a member's NIK cannot
/// be read, by the same name and birth date. A row that could be the claimant but is not
/// legible enough to say is doubt: review.
public struct KKMembershipRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard let kk = input.usable(.kk), let members = kk.members, !members.isEmpty else { return [] }
        let claimantNIK = input.formNIK ?? input.field(.ktp, "nik")?.value
            .flatMap { NIK(DocumentChecks.digitsOnly($0), referenceDate: input.referenceDate) }
        let birthDate = input.field(.ktp, "tanggal_lahir")?.value.flatMap(DocumentChecks.parseDate)
            ?? claimantNIK?.birthDate
        guard claimantNIK != nil || input.formName != nil else { return [] }
        let conf = input.config.confidence
        // A page read poorly may hold rows that were not read at all; so may a table found by
        // its rows' contents, without its headings (extraction flags its members).
        var doubt = input.flaggedLowConfidence(kk) || kk.quality.ocrConfidence < conf.kkPageMin
            || kk.issues.contains { $0.code == .fieldLowConfidence && $0.field == "members" }

        for member in members {
            let nikField = member["nik"]
            let nikDigits = nikField?.value.map(DocumentChecks.digitsOnly)
            if let claimantNIK, nikDigits == claimantNIK.digits { return [] }
            let nikLegible = nikDigits.flatMap { NIK($0, referenceDate: input.referenceDate) } != nil
                && (nikField?.confidence ?? 0) >= conf.nikMin
            if let claimantNIK, let nikDigits, !nikLegible,
               let differing = NIK.digitDifference(nikDigits, claimantNIK.digits),
               differing <= input.config.nik.maxMisreadDigits {
                doubt = true
            }
            let nameField = member["nama"]
            guard let formName = input.formName, let name = nameField?.value, !DocumentChecks.isBlank(name) else {
                if !nikLegible { doubt = true }  // an illegible row could be anyone
                continue
            }
            let outcome = NameMatch.compare(formName, name, thresholds: input.nameThresholds).outcome
            let memberBirth = member["tanggal_lahir"]?.value.flatMap(DocumentChecks.parseDate)
            let birthAgrees: Bool? = (memberBirth != nil && birthDate != nil) ? memberBirth == birthDate : nil
            if outcome == .different {
                if !nikLegible && (nameField?.confidence ?? 0) < conf.fieldMin { doubt = true }
                continue
            }
            if !nikLegible {
                let confident = (nameField?.confidence ?? 0) >= conf.fieldMin
                    && (member["tanggal_lahir"]?.confidence ?? 0) >= conf.fieldMin
                if outcome == .same && birthAgrees == true && confident { return [] }
                if birthAgrees != false { doubt = true }
            } else if birthAgrees != false {
                // Same name and birth date under another, legible NIK: an officer must compare.
                doubt = true
            }
        }
        let slot = DocumentKind.kk.rawValue
        if doubt {
            return [.review(.kkClaimantNotListed, document: slot, field: "members",
                            message: "Data Anda pada Kartu Keluarga kurang jelas terbaca; petugas akan memeriksanya.")]
        }
        return [.fix(.kkClaimantNotListed, document: slot, field: "members")]
    }
}
