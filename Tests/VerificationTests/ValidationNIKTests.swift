import Testing
@testable import Verification

@Suite("NIK structure")
struct ValidationNIKTests {
    let reference = CalendarDate(year: 2020, month: 4, day: 28)!

    @Test("a woman's NIK gives region, birth date minus 40 days, sex and serial")
    func womanNIK() throws {
        // Given the NIK of a woman born 11 June 1988, registered in Tersono, Batang
        // When it is parsed
        let nik = try NIK.parse("3325065106884443", referenceDate: reference).get()
        // Then every part is read out
        #expect(nik.provinceCode == "33")
        #expect(nik.regencyCode == "33.25")
        #expect(nik.regionCode == "33.25.06")
        #expect(nik.birthDate == CalendarDate(year: 1988, month: 6, day: 11))
        #expect(nik.sex == .female)
        #expect(nik.serial == "4443")
    }

    @Test("a man's NIK keeps the day as printed")
    func manNIK() throws {
        let nik = try NIK.parse("3326081005850002", referenceDate: reference).get()
        #expect(nik.sex == .male)
        #expect(nik.birthDate == CalendarDate(year: 1985, month: 5, day: 10))
        #expect(nik.regionDigits == "332608")
    }

    @Test("the century makes the holder 0 to 99 years old on the reference date")
    func century() throws {
        // Given YY = 15 and YY = 25 judged in 2020
        let child = try NIK.parse("3326080101150003", referenceDate: reference).get()
        let elder = try NIK.parse("3326080101250003", referenceDate: reference).get()
        // Then 2015 (not 1915) and 1925 (not 2025, which is after the reference date)
        #expect(child.birthDate.year == 2015)
        #expect(elder.birthDate.year == 1925)
        // And a birthday later in the reference year than the reference date is the previous century
        let lateBirthday = try NIK.parse("3326081012200003", referenceDate: reference).get()
        #expect(lateBirthday.birthDate.year == 1920)
    }

    @Test("29 February 00 is valid in 2000", arguments: ["3326082902000003", "3326086902000003"])
    func leapDay(nik: String) throws {
        let parsed = try NIK.parse(nik, referenceDate: reference).get()
        #expect(parsed.birthDate == CalendarDate(year: 2000, month: 2, day: 29))
    }

    @Test("structural defects are each reported", arguments: [
        ("3326081005850000", NIK.Problem.zeroSerial),
        ("3326081013850002", .invalidBirthDate),      // month 13
        ("3326083102850002", .invalidBirthDate),      // 31 February
        ("3326087205850002", .invalidBirthDate),      // day 72 - 40 = 32
        ("3326083205850002", .invalidBirthDate),      // day 32 for a man
        ("0026081005850002", .invalidRegion),
        ("3300081005850002", .invalidRegion),
        ("332608100585000", .wrongLength(15)),
        ("33260810058500021", .wrongLength(17)),
        ("33260810O5850002", .notDigits),
    ])
    func defects(nik: String, problem: NIK.Problem) {
        // When an invalid NIK is parsed
        let result = NIK.parse(nik, referenceDate: reference)
        // Then the failure names the defect
        guard case .failure(let problems) = result else {
            Issue.record("\(nik) was accepted")
            return
        }
        #expect(problems.problems.contains(problem))
    }

    @Test("an unknown region is structurally valid but not a known district")
    func unknownRegion() throws {
        let wilayah = try Wilayah.shared()
        let nik = try NIK.parse("3399081005850002", referenceDate: reference).get()
        #expect(!wilayah.isKnownDistrict(nik.regionDigits))
        #expect(wilayah.isKnownDistrict("332608"))
    }

    @Test("OCR confusions repair to the one valid NIK")
    func repair() throws {
        let wilayah = try Wilayah.shared()
        // Given an OCR reading with O for 0, l for 1, S for 5 and a label
        let candidates = NIK.repairCandidates(raw: "NIK : 33250S5lO6884443", referenceDate: reference, wilayah: wilayah)
        // Then the only candidate is the real NIK
        #expect(candidates.map(\.digits) == ["3325055106884443"])
    }

    @Test("a reading one glyph too long yields only valid deletions with a known region")
    func repairExtraGlyph() throws {
        let wilayah = try Wilayah.shared()
        let candidates = NIK.repairCandidates(raw: "33250651068844430", referenceDate: reference, wilayah: wilayah)
        #expect(candidates.map(\.digits).contains("3325065106884443"))
        #expect(candidates.allSatisfy { wilayah.isKnownDistrict($0.regionDigits) })
    }

    @Test("no candidate when the repaired NIK is invalid or its region unknown")
    func repairRejects() throws {
        let wilayah = try Wilayah.shared()
        #expect(NIK.repairCandidates(raw: "3325O65106880000", referenceDate: reference, wilayah: wilayah).isEmpty)
        #expect(NIK.repairCandidates(raw: "33990B1005850002", referenceDate: reference, wilayah: wilayah).isEmpty)
        #expect(NIK.repairCandidates(raw: "3325XX5106884443", referenceDate: reference, wilayah: wilayah).isEmpty)
    }

    @Test("printed sex words map to the NIK's sex", arguments: [
        ("LAKI-LAKI", NIK.Sex.male), ("LAKI - LAKI", .male), ("PEREMPUAN", .female), ("Perempuan", .female),
    ])
    func printedSex(text: String, sex: NIK.Sex) {
        #expect(NIK.Sex(printed: text) == sex)
    }
}
