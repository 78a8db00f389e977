/// The employer letter is about the claimant: its name is the form's.
public struct LetterNameRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard input.isRequired(.employerLetter), let form = input.formName,
              let read = input.field(.employerLetter, "nama"), let value = read.value else { return [] }
        return judgeName(expected: form, read: value, confidence: read.confidence, input: input,
                         code: .letterNameMismatch, slot: .employerLetter,
                         doubtMessage: "Nama pada surat keterangan kerja sedikit berbeda dengan nama Anda, mungkin karena foto kurang jelas; petugas akan memeriksanya.")
    }
}

/// When the letter prints a NIK, it is the form's; letters often omit it, which is fine.
public struct LetterNIKRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard input.isRequired(.employerLetter), let form = input.formNIK,
              let read = input.field(.employerLetter, "nik"), let raw = read.value else { return [] }
        let digits = DocumentChecks.digitsOnly(raw)
        if digits == form.digits { return [] }
        let slot = DocumentKind.employerLetter.rawValue
        let differing = NIK.digitDifference(digits, form.digits) ?? Int.max
        if read.confidence < input.config.confidence.nikMin || differing <= input.config.nik.maxMisreadDigits {
            return [.review(.letterNikMismatch, document: slot, field: "nik",
                            message: "NIK pada surat keterangan kerja tampak berbeda dengan NIK Anda; petugas akan memeriksanya.")]
        }
        return [.fix(.letterNikMismatch, document: slot, field: "nik")]
    }
}

/// The letter states when employment ended: the waiting period counts from that day.
public struct LetterEndDateRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard input.isRequired(.employerLetter), let letter = input.usable(.employerLetter) else { return [] }
        if let value = letter.value("tanggal_berakhir"), DocumentChecks.parseDate(value) != nil { return [] }
        let slot = DocumentKind.employerLetter.rawValue
        if input.flaggedLowConfidence(letter) {
            return [.review(.letterEndDateMissing, document: slot, field: "tanggal_berakhir",
                            message: "Tanggal berhenti bekerja pada surat keterangan kerja tidak terbaca; petugas akan memeriksanya.")]
        }
        return [.fix(.letterEndDateMissing, document: slot, field: "tanggal_berakhir")]
    }
}

/// The letter's reason for the end of work (when it states one) is the form's: the waiting
/// period depends on it (a resignation waits a month, a contract's end does not), so a
/// difference goes to an officer rather than being judged by either side alone.
public struct LetterReasonRule: ClaimRule {
    public init() {}

    static let words: [ClaimReason: String] = [
        .resign: "mengundurkan diri", .contractEnd: "kontrak berakhir",
        .termination: "pemutusan hubungan kerja", .retirement: "pensiun",
    ]

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard let reason = input.form.reason, input.isRequired(.employerLetter),
              let read = input.field(.employerLetter, "alasan_berhenti"),
              let stated = read.value.flatMap(ClaimReason.init(rawValue:)), stated != reason else { return [] }
        let letterWords = Self.words[stated] ?? stated.rawValue, formWords = Self.words[reason] ?? reason.rawValue
        return [.review(.letterReasonMismatch, document: DocumentKind.employerLetter.rawValue, field: "alasan_berhenti",
                        message: "Surat keterangan kerja menyebut alasan berhenti \(letterWords), sedangkan formulir menyebut \(formWords); petugas akan memeriksanya.")]
    }
}

/// A claim waits `waiting_period_months[reason]` months after the letter's end date (one month
/// for resign and termination, none for contract end, Permenaker 4/2022), judged at
/// `submitted_at`. Work must have ended by then even where there is no waiting period.
public struct WaitingPeriodRule: ClaimRule {
    public init() {}

    public func evaluate(_ input: ClaimRuleInput) -> [RuleFinding] {
        guard let reason = input.form.reason, input.isRequired(.employerLetter),
              let submitted = input.form.submittedAt.flatMap(CalendarDate.init(iso:)),
              let read = input.field(.employerLetter, "tanggal_berakhir"),
              let end = read.value.flatMap(DocumentChecks.parseDate) else { return [] }
        let months = input.config.waitingPeriodMonths(for: reason)
        let eligible = end.adding(months: months)
        guard submitted < eligible else { return [] }
        let slot = DocumentKind.employerLetter.rawValue
        let period = months == 0 ? "Hubungan kerja belum berakhir" : "Masa tunggu \(months) bulan sejak tanggal berhenti bekerja belum terpenuhi"
        let message = "\(period) (berhenti bekerja \(printed(end))): klaim dapat diajukan mulai \(printed(eligible))."
        if read.confidence < input.config.confidence.fieldMin {
            return [.review(.letterWaitingPeriod, document: slot, field: "tanggal_berakhir",
                            message: "Tanggal berhenti bekerja pada surat kurang jelas terbaca dan masa tunggu mungkin belum terpenuhi; petugas akan memeriksanya.")]
        }
        return [.fix(.letterWaitingPeriod, document: slot, field: "tanggal_berakhir", message: message)]
    }

    private func printed(_ d: CalendarDate) -> String {
        let months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                      "September", "Oktober", "November", "Desember"]
        return "\(d.day) \(months[d.month - 1]) \(d.year)"
    }
}
