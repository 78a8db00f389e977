@testable import Verification

/// The project's issue type; `Issue` alone also names Swift Testing's.
typealias ReasonIssue = Verification.Issue

/// A clean resign claim of RINA MARLINA (born 11 June 1988, NIK registered in Tersono, Batang),
/// submitted 28 April 2020, one month and a day after her last working day. Tests change one
/// thing at a time.
enum Claimant {
    static let nik = "3325065106884443"
    static let nama = "RINA MARLINA"

    static func form(reason: ClaimReason = .resign, whatsapp: String? = "081234567890",
                     nik: String? = Claimant.nik, nama: String? = Claimant.nama,
                     submittedAt: String? = "2020-04-28") -> ClaimForm {
        ClaimForm(id: "c0001", nama: nama, nik: nik, kpj: "02010170188", whatsapp: whatsapp,
                  area: "batang", reason: reason, submittedAt: submittedAt, preferredDate: "2020-04-30")
    }

    static func field(_ value: String?, _ confidence: Double = 0.95) -> FieldValue {
        FieldValue(value: value, confidence: confidence)
    }

    static func ktp(nik: String? = Claimant.nik, nikConfidence: Double = 0.95,
                    nama: String? = Claimant.nama, namaConfidence: Double = 0.95,
                    tanggalLahir: String? = "1988-06-11", jenisKelamin: String? = "PEREMPUAN",
                    issues: [ReasonIssue] = []) -> DocumentResult {
        var fields: [String: FieldValue] = [
            "provinsi": field("JAWA TENGAH"), "kabupaten_kota": field("BATANG"),
            "tempat_lahir": field("BATANG"), "berlaku_hingga": field("SEUMUR HIDUP"),
        ]
        if let nik { fields["nik"] = field(nik, nikConfidence) }
        if let nama { fields["nama"] = field(nama, namaConfidence) }
        if let tanggalLahir { fields["tanggal_lahir"] = field(tanggalLahir) }
        if let jenisKelamin { fields["jenis_kelamin"] = field(jenisKelamin) }
        return DocumentResult(file: "ktp.jpg", kind: .ktp, kindConfidence: 0.97, fields: fields,
                              quality: Quality(readable: true), issues: issues)
    }

    static func member(nama: String?, nik: String?, tanggalLahir: String?, hubungan: String,
                       nikConfidence: Double = 0.95, namaConfidence: Double = 0.95) -> [String: FieldValue] {
        var row: [String: FieldValue] = ["hubungan": field(hubungan)]
        if let nama { row["nama"] = field(nama, namaConfidence) }
        if let nik { row["nik"] = field(nik, nikConfidence) }
        if let tanggalLahir { row["tanggal_lahir"] = field(tanggalLahir) }
        return row
    }

    static let husband = member(nama: "BUDI SANTOSO", nik: "3325061005850002", tanggalLahir: "1985-05-10",
                                hubungan: "KEPALA KELUARGA")
    static let herself = member(nama: nama, nik: nik, tanggalLahir: "1988-06-11", hubungan: "ISTRI")

    static func kk(members: [[String: FieldValue]] = [husband, herself], issues: [ReasonIssue] = [],
                   pageConfidence: Double = 0.85) -> DocumentResult {
        DocumentResult(file: "kk.png", kind: .kk, kindConfidence: 0.96,
                       fields: ["no_kk": field("3325061203150001"), "kepala_keluarga": field("BUDI SANTOSO")],
                       members: members, quality: Quality(ocrConfidence: pageConfidence, readable: true), issues: issues)
    }

    static func letter(nama: String? = Claimant.nama, namaConfidence: Double = 0.95,
                       tanggalBerakhir: String? = "2020-03-27", endConfidence: Double = 0.95,
                       nik: String? = nil, issues: [ReasonIssue] = []) -> DocumentResult {
        var fields: [String: FieldValue] = [
            "perusahaan": field("PT BATIK SEJAHTERA"), "alasan_berhenti": field("resign"),
            "tanggal_mulai": field("2015-03-01"),
        ]
        if let nama { fields["nama"] = field(nama, namaConfidence) }
        if let tanggalBerakhir { fields["tanggal_berakhir"] = field(tanggalBerakhir, endConfidence) }
        if let nik { fields["nik"] = field(nik) }
        return DocumentResult(file: "surat.pdf", kind: .employerLetter, kindConfidence: 0.9, fields: fields,
                              quality: Quality(readable: true), issues: issues)
    }

    static var documents: [String: DocumentResult] {
        ["ktp": ktp(), "kk": kk(), "employer_letter": letter()]
    }

    static func input(form: ClaimForm = form(), documents: [String: DocumentResult] = documents,
                      context: ClaimContext = ClaimContext(), config: RulesConfig = .default) throws -> ClaimRuleInput {
        ClaimRuleInput(form: form, documents: documents, context: context, config: config,
                       wilayah: try Wilayah.shared(), today: CalendarDate(year: 2020, month: 5, day: 1)!)
    }

    /// Clean documents with one slot replaced or removed.
    static func documents(replacing slot: String, with doc: DocumentResult?) -> [String: DocumentResult] {
        var docs = documents
        docs[slot] = doc
        return docs
    }
}

extension Array where Element == RuleFinding {
    var codes: [ReasonCode] { map(\.issue.code) }
    var effects: [RuleFinding.Effect] { map(\.effect) }
}
