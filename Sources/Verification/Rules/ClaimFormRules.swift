/// The form carries what the rules judge by: a reason, a `submitted_at` date, a name.
public struct ClaimFormFieldsRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        var findings: [RuleFinding] = []
        if input.form.reason == nil {
            findings.append(.fix(.claimInvalid, field: "reason",
                                 message: "Alasan klaim belum diisi: pilih berhenti bekerja (resign), habis kontrak, PHK, atau pensiun."))
        }
        if input.form.submittedAt.flatMap(CalendarDate.init(iso:)) == nil {
            findings.append(.fix(.claimInvalid, field: "submitted_at",
                                 message: "Tanggal pengajuan klaim tidak ada atau tidak sah."))
        }
        if input.formName == nil {
            findings.append(.fix(.claimInvalid, field: "nama",
                                 message: "Nama pada formulir belum diisi: isi nama lengkap sesuai KTP."))
        }
        return findings
    }
}

/// The NIK typed on the form is a valid NIK.
public struct ClaimNIKRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard let raw = input.form.nik, !DocumentChecks.isBlank(raw) else {
            return [.fix(.claimNikInvalid, field: "nik",
                         message: "NIK pada formulir belum diisi: isi 16 digit NIK sesuai KTP.")]
        }
        guard input.formNIK != nil else { return [.fix(.claimNikInvalid, field: "nik")] }
        return []
    }
}

/// A WhatsApp number for the video call, and a valid Indonesian mobile number.
public struct WhatsAppRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard let raw = input.form.whatsapp, !DocumentChecks.isBlank(raw) else {
            return [.fix(.claimWhatsappMissing, field: "whatsapp")]
        }
        guard WhatsAppNumber(raw) != nil else { return [.fix(.claimWhatsappInvalid, field: "whatsapp")] }
        return []
    }
}

/// No other claim for the same NIK is still open.
public struct DuplicateClaimRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        input.context.hasOtherOpenClaim ? [.fix(.claimDuplicate, field: "nik")] : []
    }
}
