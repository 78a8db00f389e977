import Testing
@testable import Verification

@Suite("WhatsApp numbers")
struct ValidationWhatsAppTests {
    @Test("written forms of one mobile number normalise to +62", arguments: [
        "081234567890", "0812-3456-7890", "0812 3456 7890", "0812.3456.7890", "(0812) 3456-7890",
        "6281234567890", "+6281234567890", "+62 812-3456-7890", "+62 (0)812 3456 7890",
    ])
    func forms(text: String) {
        #expect(WhatsAppNumber(text)?.e164 == "+6281234567890")
    }

    @Test("the shortest and the longest numbers in use are accepted", arguments: [
        ("081234567", "+6281234567"),
        ("0811234567", "+62811234567"),
        ("0812345678901", "+62812345678901"),
        ("0895123456789", "+62895123456789"),
        ("0838-1234-5678", "+6283812345678"),
    ])
    func lengths(text: String, e164: String) {
        #expect(WhatsAppNumber(text)?.e164 == e164)
    }

    @Test("landlines, foreign numbers, wrong lengths and junk are invalid", arguments: [
        ("0215551234", WhatsAppNumber.Problem.notMobile),       // Jakarta landline
        ("0285 421234", .notMobile),                              // Pekalongan landline
        ("0841234567", .notMobile),                               // 84 is not a mobile prefix
        ("0801234567", .notMobile),
        ("+6512345678", .notMobile),                              // Singapore
        ("+0812345678", .notMobile),
        ("08123456", .wrongLength),                               // 8 digits with the 0
        ("08123456789012", .wrongLength),                         // 14 digits with the 0
        ("0812-3456-ABCD", .notANumber),
        ("nomor saya 0812", .notANumber),
        (" - ", .empty),
    ])
    func invalid(text: String, problem: WhatsAppNumber.Problem) {
        guard case .failure(let found) = WhatsAppNumber.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(found == problem)
    }
}
