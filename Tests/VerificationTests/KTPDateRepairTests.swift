import Foundation
import Testing
@testable import Verification

@Suite("KTP fields against the NIK")
struct KTPDateRepairTests {
    let models: ExtractionModels

    init() throws {
        models = try ExtractionModels.load(directory: ModelDirectory.require())
    }

    /// 3325140904765380: Batang, born 09-04-1976, a man.
    func repaired(birth: String?, expiry: String? = nil, nik: String = "3325140904765380",
                  nikConfidence: Double = 0.75) -> [String: FieldValue] {
        var fields = ["nik": FieldValue(value: nik, confidence: nikConfidence)]
        if expiry != nil { fields["berlaku_hingga"] = FieldValue(value: "00-04-2020", confidence: 0.3) }
        KTPExtractor.repairDates(&fields, birth: birth.flatMap(KTPExtractor.garbledDate),
                                 expiry: expiry.flatMap(KTPExtractor.garbledDate), models: models)
        return fields
    }

    @Test("Given a birth date or expiry one digit from the NIK's that is no date, then the NIK's date is taken below trust")
    func oneDigitOff() {
        let fields = repaired(birth: "BATANG, 00-04-1976", expiry: "00-04-2020")
        #expect(fields["tanggal_lahir"]?.value == "1976-04-09")
        #expect(fields["berlaku_hingga"]?.value == "2020-04-09")
        #expect((fields["tanggal_lahir"]?.confidence ?? 1) < 0.8)
        #expect((fields["berlaku_hingga"]?.confidence ?? 1) < 0.8)
    }

    @Test("Given a garbled date two digits from the NIK's, an unsure NIK, or no date at all, then nothing is made up")
    func notRepaired() {
        #expect(repaired(birth: "BATANG, 00-07-1976")["tanggal_lahir"] == nil)
        #expect(repaired(birth: "BATANG, 00-04-1976", nikConfidence: 0.4)["tanggal_lahir"] == nil)
        #expect(repaired(birth: "BATANG")["tanggal_lahir"] == nil)
        #expect(repaired(birth: nil, expiry: "00-04-2031")["berlaku_hingga"]?.value == "00-04-2020",
                "an expiry year no card prints is left as read")
        #expect(KTPExtractor.garbledDate("BATANG, 0O-04-1976") == nil)
        #expect(KTPExtractor.garbledDate("BATANG, 00 - 04 - 1976") == "00041976")
    }

    @Test("Given a NIK whose regency is the one at the card's head, then it names the card a KTP's; another regency, an unknown one or an unsure head does not")
    func nikAgainstHeader() {
        func agrees(_ nik: String, _ head: String, _ confidence: Double = 0.9) -> Bool {
            KTPExtractor.nikNamesHeaderRegency(["nik": FieldValue(value: nik, confidence: 0.4),
                                                "kabupaten_kota": FieldValue(value: head, confidence: confidence)], models: models)
        }
        #expect(agrees("3325084412862299", "KABUPATEN BATANG"))
        #expect(!agrees("3325084412862299", "KABUPATEN PEMALANG"))
        #expect(!agrees("3325084412862299", "KABUPATEN BATANG", 0.3))
        #expect(!agrees("3325084412862299", "KABUPATEN XQZWV"))
        #expect(!agrees("3325084499862299", "KABUPATEN BATANG"), "no birth date")
    }
}
