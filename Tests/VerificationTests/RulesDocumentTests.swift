import Testing
@testable import Verification

@Suite("Rules: documents")
struct RulesDocumentTests {
    @Test("every required document present passes")
    func requiredPresent() throws {
        #expect(RequiredDocumentsRule().evaluate(try Claimant.input()).isEmpty)
    }

    @Test("a missing KTP, KK or letter must be uploaded", arguments: ["ktp", "kk", "employer_letter"])
    func requiredMissing(slot: String) throws {
        let input = try Claimant.input(documents: Claimant.documents(replacing: slot, with: nil))
        let findings = RequiredDocumentsRule().evaluate(input)
        #expect(findings.codes == [.documentMissing])
        #expect(findings.first?.issue.document == slot)
        #expect(findings.effects == [.fix])
    }

    @Test("retirement needs no employer letter; resign, termination and contract end do",
          arguments: [(ClaimReason.retirement, false), (.resign, true), (.termination, true), (.contractEnd, true)])
    func letterByReason(reason: ClaimReason, needed: Bool) throws {
        let input = try Claimant.input(form: Claimant.form(reason: reason),
                                       documents: Claimant.documents(replacing: "employer_letter", with: nil))
        #expect(RequiredDocumentsRule().evaluate(input).isEmpty == !needed)
    }

    @Test("a KK uploaded in the KTP slot is the wrong kind")
    func wrongKind() throws {
        var kk = Claimant.kk()
        kk.file = "ktp.jpg"
        let findings = DocumentKindRule().evaluate(try Claimant.input(documents: Claimant.documents(replacing: "ktp", with: kk)))
        #expect(findings.codes == [.documentWrongKind])
        #expect(findings.first?.issue.document == "ktp")
        #expect(findings.effects == [.fix])
        #expect(findings.first?.issue.message.contains("Kartu Keluarga") == true)
    }

    @Test("the right kind in each slot passes")
    func rightKind() throws {
        #expect(DocumentKindRule().evaluate(try Claimant.input()).isEmpty)
    }

    @Test("an unreadable scan is not called the wrong kind")
    func unreadableIsNotWrongKind() throws {
        let blurred = DocumentResult(file: "ktp.jpg", kind: .unknown, kindConfidence: 0.9,
                                     issues: [ReasonIssue(.documentUnreadable, document: "ktp")])
        let input = try Claimant.input(documents: Claimant.documents(replacing: "ktp", with: blurred))
        #expect(DocumentKindRule().evaluate(input).isEmpty)
        let readable = DocumentReadableRule().evaluate(input)
        #expect(readable.codes == [.documentUnreadable])
        #expect(readable.effects == [.fix])
        #expect(readable.first?.issue.document == "ktp")
    }

    @Test("an unsure classification is doubt, not a wrong kind")
    func unsureKind() throws {
        let unsure = DocumentResult(file: "ktp.jpg", kind: .unknown, kindConfidence: 0.3)
        let findings = DocumentKindRule().evaluate(try Claimant.input(documents: Claimant.documents(replacing: "ktp", with: unsure)))
        #expect(findings.codes == [.documentWrongKind])
        #expect(findings.effects == [.review])
        #expect(findings.first?.issue.severity == .warning)
    }

    @Test("a file that cannot be opened is passed on; readable documents pass")
    func unsupported() throws {
        let locked = DocumentResult(file: "surat.pdf", kind: .unknown,
                                    issues: [ReasonIssue(.documentUnsupported, document: "employer_letter")])
        let input = try Claimant.input(documents: Claimant.documents(replacing: "employer_letter", with: locked))
        #expect(DocumentReadableRule().evaluate(input).codes == [.documentUnsupported])
        #expect(DocumentReadableRule().evaluate(try Claimant.input()).isEmpty)
    }

    @Test("an unreadable letter a retirement claim does not need changes nothing")
    func unneededUnreadable() throws {
        let blurred = DocumentResult(file: "surat.pdf", kind: .unknown, issues: [ReasonIssue(.documentUnreadable)])
        let input = try Claimant.input(form: Claimant.form(reason: .retirement),
                                       documents: Claimant.documents(replacing: "employer_letter", with: blurred))
        #expect(DocumentReadableRule().evaluate(input).effects == [.note])
    }

    @Test("clean documents raise no field doubts")
    func fieldsClean() throws {
        #expect(DocumentFieldsRule().evaluate(try Claimant.input()).filter { $0.effect != .note }.isEmpty)
    }

    @Test("a KTP field OCR did not find sends the claim to review")
    func fieldsMissing() throws {
        let input = try Claimant.input(documents: Claimant.documents(replacing: "ktp", with: Claimant.ktp(nama: nil)))
        let findings = DocumentFieldsRule().evaluate(input)
        #expect(findings.contains { $0.issue.code == .fieldMissing && $0.issue.field == "nama" && $0.effect == .review })
    }

    @Test("a low-confidence name that differs from the form is doubt; one that agrees is confirmed")
    func fieldsLowConfidence() throws {
        let differing = try Claimant.input(documents: Claimant.documents(
            replacing: "ktp", with: Claimant.ktp(nama: "RINA MARLlNA", namaConfidence: 0.4)))
        #expect(DocumentFieldsRule().evaluate(differing).contains {
            $0.issue.code == .fieldLowConfidence && $0.effect == .review
        })
        let agreeing = try Claimant.input(documents: Claimant.documents(
            replacing: "ktp", with: Claimant.ktp(namaConfidence: 0.4)))
        #expect(DocumentFieldsRule().evaluate(agreeing).allSatisfy { $0.effect == .note })
    }

    @Test("a NIK that contradicts its own card's birth date is doubt")
    func fieldsBirthDateConflict() throws {
        let input = try Claimant.input(documents: Claimant.documents(
            replacing: "ktp", with: Claimant.ktp(tanggalLahir: "1988-06-21")))
        let findings = DocumentFieldsRule().evaluate(input)
        #expect(findings.codes == [.ktpNikBirthDateMismatch])
        #expect(findings.effects == [.review])
    }

    @Test("extraction's low-confidence flag on a document is doubt")
    func fieldsExtractionFlag() throws {
        let input = try Claimant.input(documents: Claimant.documents(
            replacing: "kk", with: Claimant.kk(issues: [ReasonIssue(.documentLowConfidence, document: "kk")])))
        #expect(DocumentFieldsRule().evaluate(input).effects == [.review])
    }

    @Test("an invalid member NIK that is not the claimant's is only noted")
    func fieldsOtherMemberNIK() throws {
        let child = Claimant.member(nama: "ANAK", nik: "3325069999999999", tanggalLahir: nil, hubungan: "ANAK")
        let input = try Claimant.input(documents: Claimant.documents(
            replacing: "kk", with: Claimant.kk(members: [Claimant.husband, Claimant.herself, child])))
        let findings = DocumentFieldsRule().evaluate(input)
        #expect(findings.codes == [.kkNikInvalid])
        #expect(findings.effects == [.note])
    }
}
