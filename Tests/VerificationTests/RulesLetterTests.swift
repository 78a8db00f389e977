import Testing
@testable import Verification

@Suite("Rules: employer letter and waiting period")
struct RulesLetterTests {
    func letterInput(_ letter: DocumentResult, reason: ClaimReason = .resign,
                     submittedAt: String = "2020-04-28", config: RulesConfig = .default) throws -> ClaimRuleInput {
        try Claimant.input(form: Claimant.form(reason: reason, submittedAt: submittedAt),
                           documents: Claimant.documents(replacing: "employer_letter", with: letter), config: config)
    }

    @Test("the letter in the claimant's name passes; another name must be fixed")
    func letterName() throws {
        #expect(LetterNameRule().evaluate(try letterInput(Claimant.letter(nama: "Rina Marlina"))).isEmpty)
        let other = LetterNameRule().evaluate(try letterInput(Claimant.letter(nama: "SITI AMINAH")))
        #expect(other.codes == [.letterNameMismatch])
        #expect(other.effects == [.fix])
        let noisy = LetterNameRule().evaluate(try letterInput(Claimant.letter(nama: "RINA MARLlNA")))
        #expect(noisy.effects == [.review])
    }

    @Test("a retirement claim does not judge a letter it does not need")
    func letterNotNeeded() throws {
        let input = try letterInput(Claimant.letter(nama: "SITI AMINAH", tanggalBerakhir: nil), reason: .retirement)
        #expect(LetterNameRule().evaluate(input).isEmpty)
        #expect(LetterEndDateRule().evaluate(input).isEmpty)
        #expect(WaitingPeriodRule().evaluate(input).isEmpty)
    }

    @Test("a letter stating another reason for the end of work than the form goes to an officer; the same reason, unknown or none passes")
    func letterReason() throws {
        func with(_ stated: String?, form reason: ClaimReason) throws -> [RuleFinding] {
            var letter = Claimant.letter()
            letter.fields["alasan_berhenti"] = stated.map { FieldValue(value: $0, confidence: 0.9) }
            return LetterReasonRule().evaluate(try letterInput(letter, reason: reason))
        }
        #expect(try with("resign", form: .resign).isEmpty)
        #expect(try with("unknown", form: .resign).isEmpty)
        #expect(try with(nil, form: .termination).isEmpty)
        let differing = try with("resign", form: .contractEnd)
        #expect(differing.codes == [.letterReasonMismatch])
        #expect(differing.effects == [.review])
        // A retirement claim needs no letter, so it is not judged.
        #expect(try with("resign", form: .retirement).isEmpty)
    }

    @Test("a NIK printed on the letter must be the claimant's")
    func letterNIK() throws {
        #expect(LetterNIKRule().evaluate(try letterInput(Claimant.letter(nik: Claimant.nik))).isEmpty)
        #expect(LetterNIKRule().evaluate(try letterInput(Claimant.letter(nik: nil))).isEmpty)
        #expect(LetterNIKRule().evaluate(try letterInput(Claimant.letter(nik: "3326081005850002"))).effects == [.fix])
        #expect(LetterNIKRule().evaluate(try letterInput(Claimant.letter(nik: "3325065106884448"))).effects == [.review])
    }

    @Test("a letter without an end date must be replaced; a faint letter is doubt")
    func endDate() throws {
        #expect(LetterEndDateRule().evaluate(try letterInput(Claimant.letter())).isEmpty)
        let missing = LetterEndDateRule().evaluate(try letterInput(Claimant.letter(tanggalBerakhir: nil)))
        #expect(missing.codes == [.letterEndDateMissing])
        #expect(missing.effects == [.fix])
        let faint = LetterEndDateRule().evaluate(try letterInput(Claimant.letter(
            tanggalBerakhir: nil, issues: [ReasonIssue(.documentLowConfidence)])))
        #expect(faint.effects == [.review])
    }

    @Test("resign and termination wait one month from the end date", arguments: [ClaimReason.resign, .termination])
    func oneMonth(reason: ClaimReason) throws {
        // Given work ended 27 March 2020
        let letter = Claimant.letter(tanggalBerakhir: "2020-03-27")
        // When the claim is made on 26 April, a day early
        let early = WaitingPeriodRule().evaluate(try letterInput(letter, reason: reason, submittedAt: "2020-04-26"))
        // Then the waiting period is not over, and the message says from when a claim may be made
        #expect(early.codes == [.letterWaitingPeriod])
        #expect(early.effects == [.fix])
        #expect(early.first?.issue.message.contains("27 April 2020") == true)
        // And on 27 April it is
        #expect(WaitingPeriodRule().evaluate(try letterInput(letter, reason: reason, submittedAt: "2020-04-27")).isEmpty)
    }

    @Test("contract end has no waiting period but work must have ended")
    func contractEnd() throws {
        let letter = Claimant.letter(tanggalBerakhir: "2020-04-20")
        #expect(WaitingPeriodRule().evaluate(try letterInput(letter, reason: .contractEnd, submittedAt: "2020-04-20")).isEmpty)
        #expect(WaitingPeriodRule().evaluate(try letterInput(letter, reason: .contractEnd, submittedAt: "2020-04-19")).effects == [.fix])
    }

    @Test("the waiting period comes from the configuration")
    func configured() throws {
        var config = RulesConfig.default
        config.waitingPeriodMonths["resign"] = 3
        let letter = Claimant.letter(tanggalBerakhir: "2020-03-27")
        let findings = WaitingPeriodRule().evaluate(try letterInput(letter, submittedAt: "2020-05-28", config: config))
        #expect(findings.codes == [.letterWaitingPeriod])
        #expect(findings.first?.issue.message.contains("27 Juni 2020") == true)
    }

    @Test("a waiting period judged on a faint end date is doubt")
    func faintEndDate() throws {
        let letter = Claimant.letter(tanggalBerakhir: "2020-04-27", endConfidence: 0.4)
        #expect(WaitingPeriodRule().evaluate(try letterInput(letter)).effects == [.review])
    }
}
