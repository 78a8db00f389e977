import Testing
@testable import Verification

@Suite("Rules: identity")
struct RulesIdentityTests {
    func ktpInput(_ ktp: DocumentResult) throws -> ClaimRuleInput {
        try Claimant.input(documents: Claimant.documents(replacing: "ktp", with: ktp))
    }

    func kkInput(_ members: [[String: FieldValue]], form: ClaimForm = Claimant.form()) throws -> ClaimRuleInput {
        try Claimant.input(form: form, documents: Claimant.documents(replacing: "kk", with: Claimant.kk(members: members)))
    }

    // MARK: ClaimNIKRule

    @Test("a valid form NIK passes")
    func formNIKValid() throws {
        #expect(ClaimNIKRule().evaluate(try Claimant.input()).isEmpty)
    }

    @Test("an invalid or empty form NIK must be fixed", arguments: ["3325065106880000", "332506510688", "", "3325063206884443"])
    func formNIKInvalid(nik: String) throws {
        let findings = ClaimNIKRule().evaluate(try Claimant.input(form: Claimant.form(nik: nik)))
        #expect(findings.codes == [.claimNikInvalid])
        #expect(findings.effects == [.fix])
    }

    // MARK: KTPNIKMatchRule

    @Test("the KTP NIK equal to the form's passes, even read with low confidence")
    func ktpNIKSame() throws {
        #expect(KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp())).isEmpty)
        #expect(KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp(nikConfidence: 0.3))).isEmpty)
    }

    @Test("another NIK read with confidence is another card: fix")
    func ktpNIKOther() throws {
        let findings = KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp(nik: "3326081005850002")))
        #expect(findings.codes == [.ktpNikMismatch])
        #expect(findings.effects == [.fix])
        #expect(findings.first?.issue.severity == .error)
    }

    @Test("one or two digits apart, read with low confidence, is doubt: review")
    func ktpNIKMisread() throws {
        let findings = KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp(nik: "3325065106884448", nikConfidence: 0.6)))
        #expect(findings.codes == [.ktpNikMismatch])
        #expect(findings.effects == [.review])
        #expect(findings.first?.issue.severity == .warning)
    }

    @Test("a confident read that differs in two digits and is a valid NIK is a mismatch")
    func ktpNIKConfidentTwoDigits() throws {
        let findings = KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp(nik: "3325065106884488", nikConfidence: 0.95)))
        #expect(findings.effects == [.fix])
    }

    @Test("a confident read one digit apart that breaks the NIK structure is a misreading: review")
    func ktpNIKStructureBroken() throws {
        // Given a day digit read as 9: day 91 cannot be a birth day, so the read is wrong
        let broken = KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp(nik: "3325069106884443", nikConfidence: 0.95)))
        #expect(broken.effects == [.review])
        // But a valid NIK one digit apart, read with confidence, is another card
        let valid = KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp(nik: "3325065106880443", nikConfidence: 0.95)))
        #expect(valid.effects == [.fix])
    }

    @Test("glyphs that repair to the form's NIK are doubt, not a mismatch")
    func ktpNIKRepairable() throws {
        let findings = KTPNIKMatchRule().evaluate(try ktpInput(Claimant.ktp(nik: "33250651O6BB4443", nikConfidence: 0.9)))
        #expect(findings.effects == [.review])
    }

    // MARK: KTPNameMatchRule

    @Test("the same name with a title passes")
    func ktpNameSame() throws {
        #expect(KTPNameMatchRule().evaluate(try ktpInput(Claimant.ktp(nama: "HJ. RINA MARLINA, S.E."))).isEmpty)
    }

    @Test("a misread glyph in the name is doubt")
    func ktpNameNoise() throws {
        let findings = KTPNameMatchRule().evaluate(try ktpInput(Claimant.ktp(nama: "RINA MARL1NA")))
        #expect(findings.codes == [.ktpNameMismatch])
        #expect(findings.effects == [.review])
    }

    @Test("another person's name must be fixed; read with low confidence it is doubt")
    func ktpNameDifferent() throws {
        let confident = KTPNameMatchRule().evaluate(try ktpInput(Claimant.ktp(nama: "SITI AMINAH")))
        #expect(confident.codes == [.ktpNameMismatch])
        #expect(confident.effects == [.fix])
        let unsure = KTPNameMatchRule().evaluate(try ktpInput(Claimant.ktp(nama: "SITI AMINAH", namaConfidence: 0.3)))
        #expect(unsure.effects == [.review])
    }

    // MARK: KKMembershipRule

    @Test("the claimant listed by NIK passes")
    func kkByNIK() throws {
        #expect(KKMembershipRule().evaluate(try kkInput([Claimant.husband, Claimant.herself])).isEmpty)
    }

    @Test("a KK without the claimant, read clearly, must be replaced")
    func kkNotListed() throws {
        let findings = KKMembershipRule().evaluate(try kkInput([Claimant.husband]))
        #expect(findings.codes == [.kkClaimantNotListed])
        #expect(findings.effects == [.fix])
        #expect(findings.first?.issue.document == "kk")
    }

    @Test("a KK page read poorly (a phone photo of a small table) may hold rows not read at all: the claimant missing from the rows read is doubt")
    func kkPoorPageNotListed() throws {
        let kk = Claimant.kk(members: [Claimant.husband], pageConfidence: 0.35)
        let findings = KKMembershipRule().evaluate(try Claimant.input(documents: Claimant.documents(replacing: "kk", with: kk)))
        #expect(findings.codes == [.kkClaimantNotListed])
        #expect(findings.effects == [.review])
    }

    @Test("a member table found by its rows' contents (headings unread) may have missed rows: the claimant missing is doubt, found is a pass")
    func kkTableFoundByContent() throws {
        let flag = ReasonIssue(.fieldLowConfidence, field: "members")
        let missing = Claimant.kk(members: [Claimant.husband], issues: [flag])
        let findings = KKMembershipRule().evaluate(try Claimant.input(documents: Claimant.documents(replacing: "kk", with: missing)))
        #expect(findings.codes == [.kkClaimantNotListed])
        #expect(findings.effects == [.review])
        let listed = Claimant.kk(members: [Claimant.husband, Claimant.herself], issues: [flag])
        #expect(KKMembershipRule().evaluate(try Claimant.input(documents: Claimant.documents(replacing: "kk", with: listed))).isEmpty)
        // The flag alone does not send the claim to an officer.
        let input = try Claimant.input(documents: Claimant.documents(replacing: "kk", with: listed))
        #expect(DocumentFieldsRule().evaluate(input).allSatisfy { $0.effect == .note })
    }

    @Test("with her NIK unreadable, name and birth date find the claimant")
    func kkByNameAndBirthDate() throws {
        let row = Claimant.member(nama: Claimant.nama, nik: nil, tanggalLahir: "1988-06-11", hubungan: "ISTRI")
        #expect(KKMembershipRule().evaluate(try kkInput([Claimant.husband, row])).isEmpty)
    }

    @Test("with her NIK unreadable and another birth date, she is not found")
    func kkNameButOtherBirthDate() throws {
        let row = Claimant.member(nama: Claimant.nama, nik: "33250651068B", tanggalLahir: "1990-01-01",
                                  hubungan: "ISTRI", nikConfidence: 0.3)
        let findings = KKMembershipRule().evaluate(try kkInput([Claimant.husband, row]))
        #expect(findings.effects == [.fix])
    }

    @Test("a row whose NIK is one low-confidence digit off is doubt")
    func kkNIKMisread() throws {
        let row = Claimant.member(nama: "RINA MARLlNA", nik: "3325065106884448", tanggalLahir: "1988-06-11",
                                  hubungan: "ISTRI", nikConfidence: 0.5)
        let findings = KKMembershipRule().evaluate(try kkInput([Claimant.husband, row]))
        #expect(findings.codes == [.kkClaimantNotListed])
        #expect(findings.effects == [.review])
    }

    @Test("a row too faint to read could be anyone: doubt")
    func kkIllegibleRow() throws {
        let row = Claimant.member(nama: "R.. M..L.N.", nik: nil, tanggalLahir: nil, hubungan: "ISTRI", namaConfidence: 0.2)
        let findings = KKMembershipRule().evaluate(try kkInput([Claimant.husband, row]))
        #expect(findings.effects == [.review])
    }
}
