import Testing
@testable import Verification

@Suite("Rules: claim form")
struct RulesClaimFormTests {
    @Test("a valid WhatsApp number passes")
    func whatsappValid() throws {
        #expect(WhatsAppRule().evaluate(try Claimant.input(form: Claimant.form(whatsapp: "+62 812-3456-7890"))).isEmpty)
    }

    @Test("a missing WhatsApp number must be given", arguments: [nil, "", "  "] as [String?])
    func whatsappMissing(number: String?) throws {
        let findings = WhatsAppRule().evaluate(try Claimant.input(form: Claimant.form(whatsapp: number)))
        #expect(findings.codes == [.claimWhatsappMissing])
        #expect(findings.effects == [.fix])
    }

    @Test("a landline or junk is not a WhatsApp number", arguments: ["0285421234", "12345", "0812-ABC"])
    func whatsappInvalid(number: String) throws {
        let findings = WhatsAppRule().evaluate(try Claimant.input(form: Claimant.form(whatsapp: number)))
        #expect(findings.codes == [.claimWhatsappInvalid])
        #expect(findings.first?.issue.field == "whatsapp")
    }

    @Test("another open claim for the NIK is a duplicate")
    func duplicate() throws {
        #expect(DuplicateClaimRule().evaluate(try Claimant.input()).isEmpty)
        let findings = DuplicateClaimRule().evaluate(try Claimant.input(context: ClaimContext(hasOtherOpenClaim: true)))
        #expect(findings.codes == [.claimDuplicate])
        #expect(findings.effects == [.fix])
    }

    @Test("a form without reason, date or name is invalid")
    func formFields() throws {
        #expect(ClaimFormFieldsRule().evaluate(try Claimant.input()).isEmpty)
        var form = Claimant.form(nama: nil, submittedAt: "28-04-2020")
        form.reason = nil
        let findings = ClaimFormFieldsRule().evaluate(try Claimant.input(form: form))
        #expect(findings.codes == [.claimInvalid, .claimInvalid, .claimInvalid])
        #expect(findings.compactMap(\.issue.field) == ["reason", "submitted_at", "nama"])
    }
}
