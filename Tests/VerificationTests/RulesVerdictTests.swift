import Testing
@testable import Verification

@Suite("Verdict policy and the claim pre-check")
struct RulesVerdictTests {
    func decide(form: ClaimForm = Claimant.form(), documents: [String: DocumentResult] = Claimant.documents,
                context: ClaimContext = ClaimContext()) throws -> (status: ClaimStatus, reasons: [ReasonIssue]) {
        ClaimPrecheck.decide(form: form, documents: documents, context: context, config: .default,
                             wilayah: try Wilayah.shared(), today: CalendarDate(year: 2020, month: 5, day: 1)!)
    }

    @Test("a clean claim is complete with no reasons")
    func clean() throws {
        let verdict = try decide()
        #expect(verdict.status == .complete)
        #expect(verdict.reasons.isEmpty)
    }

    @Test("a clean retirement claim needs no letter")
    func cleanRetirement() throws {
        let verdict = try decide(form: Claimant.form(reason: .retirement),
                                 documents: Claimant.documents(replacing: "employer_letter", with: nil))
        #expect(verdict.status == .complete)
    }

    @Test("defects the claimant must fix make the claim incomplete with the right code", arguments: [
        ("ktp", ReasonCode.documentMissing),
        ("kk", .kkClaimantNotListed),
        ("letter_end", .letterEndDateMissing),
        ("whatsapp", .claimWhatsappInvalid),
        ("duplicate", .claimDuplicate),
        ("waiting", .letterWaitingPeriod),
        ("ktp_other", .ktpNikMismatch),
    ])
    func incomplete(defect: String, code: ReasonCode) throws {
        var form = Claimant.form()
        var docs = Claimant.documents
        var context = ClaimContext()
        switch defect {
        case "ktp": docs["ktp"] = nil
        case "kk": docs["kk"] = Claimant.kk(members: [Claimant.husband])
        case "letter_end": docs["employer_letter"] = Claimant.letter(tanggalBerakhir: nil)
        case "whatsapp": form.whatsapp = "0285421234"
        case "duplicate": context.hasOtherOpenClaim = true
        case "waiting": form.submittedAt = "2020-04-10"
        case "ktp_other":
            docs["ktp"] = Claimant.ktp(nik: "3326081005850002", nama: "BUDI SANTOSO", tanggalLahir: "1985-05-10",
                                       jenisKelamin: "LAKI-LAKI")
        default: Issue.record("unknown defect \(defect)")
        }
        let verdict = try decide(form: form, documents: docs, context: context)
        #expect(verdict.status == .incomplete)
        #expect(verdict.reasons.contains { $0.code == code && $0.severity == .error })
        // Every error tells the claimant what to do, in Bahasa Indonesia
        #expect(verdict.reasons.filter { $0.severity == .error }.allSatisfy { !$0.message.isEmpty })
    }

    @Test("doubtful evidence sends the claim to review", arguments: ["nik_faint", "name_noise", "field_flag", "kind_unsure", "region"])
    func review(doubt: String) throws {
        var docs = Claimant.documents
        switch doubt {
        case "nik_faint": docs["ktp"] = Claimant.ktp(nik: "3325065106884448", nikConfidence: 0.55)
        case "name_noise": docs["ktp"] = Claimant.ktp(nama: "RINA MARL1NA")
        case "field_flag":
            docs["employer_letter"] = Claimant.letter(issues: [ReasonIssue(.fieldLowConfidence, document: "employer_letter", field: "tanggal_berakhir")])
        case "kind_unsure": docs["kk"] = DocumentResult(file: "kk.png", kind: .unknown, kindConfidence: 0.2)
        case "region":
            // a NIK whose district is in neither revision, typed the same on the form
            docs["ktp"] = Claimant.ktp(nik: "3399065106884443")
            docs["kk"] = Claimant.kk(members: [Claimant.husband, Claimant.member(
                nama: Claimant.nama, nik: "3399065106884443", tanggalLahir: "1988-06-11", hubungan: "ISTRI")])
            let verdict = try decide(form: Claimant.form(nik: "3399065106884443"), documents: docs)
            #expect(verdict.status == .review)
            #expect(verdict.reasons.map(\.code) == [.ktpNikRegionUnknown])
            return
        default: Issue.record("unknown doubt \(doubt)")
        }
        let verdict = try decide(documents: docs)
        #expect(verdict.status == .review)
        #expect(!verdict.reasons.isEmpty)
        #expect(verdict.reasons.allSatisfy { $0.severity == .warning })
    }

    @Test("an error outranks doubt, and errors are listed first")
    func errorsFirst() throws {
        let verdict = try decide(form: Claimant.form(whatsapp: nil),
                                 documents: Claimant.documents(replacing: "ktp", with: Claimant.ktp(nama: "RINA MARL1NA")))
        #expect(verdict.status == .incomplete)
        #expect(verdict.reasons.map(\.code) == [.claimWhatsappMissing, .ktpNameMismatch])
        #expect(verdict.reasons.map(\.severity) == [.error, .warning])
    }

    @Test("reasons are deduplicated, keeping the strongest")
    func dedup() {
        let findings: [RuleFinding] = [
            .review(.ktpNikMismatch, document: "ktp", field: "nik"),
            .fix(.ktpNikMismatch, document: "ktp", field: "nik"),
            .fix(.documentMissing, document: "kk"),
            .fix(.documentMissing, document: "kk"),
            .note(ReasonIssue(.kkNikInvalid, document: "kk")),
        ]
        let reasons = VerdictPolicy.reasons(from: findings)
        #expect(reasons.map(\.code) == [.ktpNikMismatch, .documentMissing])
        #expect(reasons.allSatisfy { $0.severity == .error })
        #expect(VerdictPolicy.status(for: findings) == .incomplete)
        #expect(VerdictPolicy.status(for: [.note(ReasonIssue(.kkNikInvalid))]) == .complete)
        #expect(VerdictPolicy.status(for: []) == .complete)
    }

    @Test("a blurred KTP is unreadable, incomplete, and not also a wrong kind")
    func blurred() throws {
        let blurred = DocumentResult(file: "ktp.jpg", kind: .unknown, issues: [ReasonIssue(.documentUnreadable, document: "ktp")])
        let verdict = try decide(documents: Claimant.documents(replacing: "ktp", with: blurred))
        #expect(verdict.status == .incomplete)
        #expect(verdict.reasons.map(\.code) == [.documentUnreadable])
    }

    @Test("no documents at all: every required one is asked for")
    func nothingUploaded() throws {
        let verdict = try decide(documents: [:])
        #expect(verdict.status == .incomplete)
        #expect(verdict.reasons.filter { $0.code == .documentMissing }.compactMap(\.document) == ["ktp", "kk", "employer_letter"])
    }
}
