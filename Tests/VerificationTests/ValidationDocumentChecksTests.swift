import Testing
@testable import Verification

@Suite("Per-document checks")
struct ValidationDocumentChecksTests {
    let reference = CalendarDate(year: 2020, month: 4, day: 28)!

    func check(_ doc: DocumentResult) throws -> [ReasonIssue] {
        DocumentChecks.issues(for: doc, wilayah: try Wilayah.shared(), referenceDate: reference)
    }

    @Test("a clean KTP, KK and letter have no issues")
    func clean() throws {
        #expect(try check(Claimant.ktp()).isEmpty)
        #expect(try check(Claimant.kk()).isEmpty)
        #expect(try check(Claimant.letter()).isEmpty)
    }

    @Test("a structurally invalid KTP NIK is ktp.nik_invalid on the nik field")
    func invalidNIK() throws {
        let issues = try check(Claimant.ktp(nik: "3325063206884443"))   // day 32
        #expect(issues.map(\.code) == [.ktpNikInvalid])
        #expect(issues.first?.document == "ktp")
        #expect(issues.first?.field == "nik")
        #expect(issues.first?.severity == .error)
    }

    @Test("a NIK region in neither revision is a warning")
    func unknownRegion() throws {
        let issues = try check(Claimant.ktp(nik: "3399065106884443"))
        #expect(issues.map(\.code) == [.ktpNikRegionUnknown])
        #expect(issues.first?.severity == .warning)
    }

    @Test("NIK birth date and sex are compared with the printed ones")
    func nikAgainstPrinted() throws {
        let birth = try check(Claimant.ktp(tanggalLahir: "1988-06-12"))
        #expect(birth.map(\.code) == [.ktpNikBirthDateMismatch])
        #expect(birth.first?.field == "tanggal_lahir")
        let sex = try check(Claimant.ktp(jenisKelamin: "LAKI-LAKI"))
        #expect(sex.map(\.code) == [.ktpNikSexMismatch])
        #expect(sex.first?.severity == .warning)
    }

    @Test("missing mandatory fields are named", arguments: ["nik", "nama", "tanggal_lahir"])
    func ktpMissing(field: String) throws {
        var doc = Claimant.ktp()
        doc.fields[field] = FieldValue(value: nil, confidence: 0)
        let issues = try check(doc)
        #expect(issues.contains { $0.code == .fieldMissing && $0.field == field && $0.document == "ktp" })
    }

    @Test("a KK without a number or members, a letter without a name")
    func otherMissing() throws {
        var kk = Claimant.kk(members: [])
        kk.fields["no_kk"] = nil
        let kkIssues = try check(kk)
        #expect(Set(kkIssues.compactMap(\.field)) == ["no_kk", "members"])
        #expect(kkIssues.allSatisfy { $0.code == .fieldMissing && $0.document == "kk" })
        let letter = try check(Claimant.letter(nama: nil))
        #expect(letter.map(\.code) == [.fieldMissing])
        #expect(letter.first?.document == "employer_letter")
    }

    @Test("low confidence is judged against the configured thresholds")
    func lowConfidence() throws {
        // Given a name read at 0.5 (below field_min 0.6) and a NIK at 0.7 (below nik_min 0.8)
        let issues = try check(Claimant.ktp(nikConfidence: 0.7, namaConfidence: 0.5))
        #expect(Set(issues.filter { $0.code == .fieldLowConfidence }.compactMap(\.field)) == ["nik", "nama"])
        // When the thresholds are lowered, the same reading is not doubtful
        var config = RulesConfig.default
        config.confidence.fieldMin = 0.4
        config.confidence.nikMin = 0.6
        let relaxed = DocumentChecks.issues(for: Claimant.ktp(nikConfidence: 0.7, namaConfidence: 0.5), config: config,
                                            wilayah: try Wilayah.shared(), referenceDate: reference)
        #expect(relaxed.isEmpty)
    }

    @Test("invalid member NIKs on a KK are warnings naming the row")
    func kkMemberNIK() throws {
        let bad = Claimant.member(nama: "ANAK", nik: "3325060000000000", tanggalLahir: nil, hubungan: "ANAK")
        let issues = try check(Claimant.kk(members: [Claimant.husband, Claimant.herself, bad]))
        #expect(issues.map(\.code) == [.kkNikInvalid])
        #expect(issues.first?.field == "members[2].nik")
        #expect(issues.first?.severity == .warning)
    }

    @Test("a document of unknown kind is not field-checked")
    func unknownKind() throws {
        #expect(try check(DocumentResult(file: "selfie.jpg", kind: .unknown)).isEmpty)
    }
}
