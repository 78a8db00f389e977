import Foundation

/// Field checks of one document on its own (issue 3): what `berkas verify` reports per file and
/// what the claim pre-check builds on. Each issue names the slot (`ktp`, `kk`,
/// `employer_letter`) and the field.
public enum DocumentChecks {
    /// Fields every genuine document of the kind carries and the checks rely on.
    public static let mandatoryFields: [DocumentKind: [String]] = [
        .ktp: ["nik", "nama", "tanggal_lahir"],
        .kk: ["no_kk"],
        .employerLetter: ["nama"],
    ]

    /// Fields whose low confidence is worth reporting: those some check or rule reads.
    public static let checkedFields: [DocumentKind: [String]] = [
        .ktp: ["nik", "nama", "tanggal_lahir", "jenis_kelamin"],
        .kk: ["no_kk"],
        .employerLetter: ["nama", "nik", "tanggal_berakhir"],
    ]

    /// Fields holding a NIK, judged against the NIK confidence threshold.
    static let nikFields: Set<String> = ["nik", "no_kk"]

    /// The issues of `result` judged as the document it was classified as; none for `unknown`.
    /// `referenceDate` fixes the century of NIK birth years (the claim's `submitted_at`, or today).
    public static func issues(for result: DocumentResult, config: RulesConfig = .default,
                              wilayah: Wilayah?, referenceDate: CalendarDate) -> [Issue] {
        guard result.kind != .unknown else { return [] }
        let slot = result.kind.rawValue
        var issues: [Issue] = []
        for field in mandatoryFields[result.kind] ?? [] where isBlank(result.fields[field]?.value) {
            issues.append(Issue(.fieldMissing, document: slot, field: field,
                                message: missingMessage(field, kind: result.kind)))
        }
        if result.kind == .kk && (result.members ?? []).isEmpty {
            issues.append(Issue(.fieldMissing, document: slot, field: "members",
                                message: "Daftar anggota keluarga pada KK tidak terbaca: unggah ulang foto KK yang utuh dan jelas."))
        }
        for field in checkedFields[result.kind] ?? [] {
            guard let f = result.fields[field], !isBlank(f.value) else { continue }
            let threshold = nikFields.contains(field) ? config.confidence.nikMin : config.confidence.fieldMin
            if f.confidence < threshold {
                issues.append(Issue(.fieldLowConfidence, document: slot, field: field,
                                    message: "\(label(field)) pada \(result.kind.indonesianName) kurang jelas terbaca; petugas akan memeriksanya."))
            }
        }
        switch result.kind {
        case .ktp: issues += ktpIssues(result, wilayah: wilayah, referenceDate: referenceDate)
        case .kk: issues += kkIssues(result, referenceDate: referenceDate)
        default: break
        }
        return issues
    }

    private static func ktpIssues(_ result: DocumentResult, wilayah: Wilayah?, referenceDate: CalendarDate) -> [Issue] {
        guard let raw = result.value("nik"), !isBlank(raw) else { return [] }
        let slot = DocumentKind.ktp.rawValue
        switch NIK.parse(digitsOnly(raw), referenceDate: referenceDate) {
        case .failure:
            return [Issue(.ktpNikInvalid, document: slot, field: "nik")]
        case .success(let nik):
            var issues: [Issue] = []
            if let wilayah, !wilayah.isKnownDistrict(nik.regionDigits) {
                issues.append(Issue(.ktpNikRegionUnknown, document: slot, field: "nik",
                                    message: "Kode wilayah \(nik.regionCode) pada NIK tidak dikenal; petugas akan memeriksanya."))
            }
            if let printed = result.value("tanggal_lahir").flatMap(parseDate), printed != nik.birthDate {
                issues.append(Issue(.ktpNikBirthDateMismatch, document: slot, field: "tanggal_lahir"))
            }
            if let printed = result.value("jenis_kelamin").flatMap(NIK.Sex.init(printed:)), printed != nik.sex {
                issues.append(Issue(.ktpNikSexMismatch, document: slot, field: "jenis_kelamin"))
            }
            return issues
        }
    }

    private static func kkIssues(_ result: DocumentResult, referenceDate: CalendarDate) -> [Issue] {
        var issues: [Issue] = []
        for (index, member) in (result.members ?? []).enumerated() {
            guard let raw = member["nik"]?.value, !isBlank(raw) else { continue }
            if case .failure = NIK.parse(digitsOnly(raw), referenceDate: referenceDate) {
                let who = member["nama"]?.value.map { " (\($0))" } ?? ""
                issues.append(Issue(.kkNikInvalid, severity: .warning, document: DocumentKind.kk.rawValue,
                                    field: "members[\(index)].nik",
                                    message: "NIK anggota keluarga baris \(index + 1)\(who) pada KK tidak sah."))
            }
        }
        return issues
    }

    // MARK: - Helpers shared with the claim rules

    static func isBlank(_ value: String?) -> Bool {
        value?.allSatisfy(\.isWhitespace) ?? true
    }

    /// A NIK as printed may hold spaces or dots between digit groups.
    static func digitsOnly(_ value: String) -> String {
        value.filter { !$0.isWhitespace && $0 != "." && $0 != "-" }
    }

    /// Field dates are `YYYY-MM-DD` by contract; a printed form is accepted too.
    static func parseDate(_ value: String) -> CalendarDate? {
        CalendarDate(iso: value.trimmingCharacters(in: .whitespaces)) ?? IndonesianDate.parse(value)
    }

    static func label(_ field: String) -> String {
        switch field {
        case "nik": "NIK"
        case "no_kk": "Nomor KK"
        case "nama": "Nama"
        case "tanggal_lahir": "Tanggal lahir"
        case "jenis_kelamin": "Jenis kelamin"
        case "tanggal_berakhir": "Tanggal berhenti bekerja"
        case "members": "Daftar anggota keluarga"
        default: field
        }
    }

    static func missingMessage(_ field: String, kind: DocumentKind) -> String {
        "\(label(field)) pada \(kind.indonesianName) tidak terbaca: unggah ulang foto \(kind.indonesianName) yang utuh dan jelas."
    }
}
