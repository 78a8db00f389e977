import Testing
@testable import Verification

@Suite("Dates printed on Indonesian documents")
struct ValidationDateTests {
    @Test("printed forms normalise to YYYY-MM-DD", arguments: [
        ("28-04-2020", "2020-04-28"),
        ("28/04/2020", "2020-04-28"),
        ("28.04.2020", "2020-04-28"),
        ("28 - 04 - 2020", "2020-04-28"),
        ("2020-04-28", "2020-04-28"),
        ("28 April 2020", "2020-04-28"),
        ("28 Apr 2020", "2020-04-28"),
        ("28 APRIL 2020", "2020-04-28"),
        ("1 Mar 2015", "2015-03-01"),
        ("1 Maret 2015", "2015-03-01"),
        ("28 Pebruari 2020", "2020-02-28"),
        ("28 Februari 2020", "2020-02-28"),
        ("17 Agustus 1945", "1945-08-17"),
        ("17 Agt 2019", "2019-08-17"),
        ("17 Agu 2019", "2019-08-17"),
        ("17 Ags 2019", "2019-08-17"),
        ("5 Mei 2021", "2021-05-05"),
        ("5 Juni 2021", "2021-06-05"),
        ("5 Jun 2021", "2021-06-05"),
        ("5 Juli 2021", "2021-07-05"),
        ("5 Jul 2021", "2021-07-05"),
        ("5 Oktober 2021", "2021-10-05"),
        ("5 Okt 2021", "2021-10-05"),
        ("5 Nopember 2021", "2021-11-05"),
        ("5 November 2021", "2021-11-05"),
        ("5 Nov 2021", "2021-11-05"),
        ("5 Nop 2021", "2021-11-05"),
        ("5 Desember 2021", "2021-12-05"),
        ("5 Des 2021", "2021-12-05"),
        ("5 Januari 2021", "2021-01-05"),
        ("5 September 2021", "2021-09-05"),
        ("28-O4-2020", "2020-04-28"),
        ("2B-04-2O2O", "2020-04-28"),
        ("28 Apri1 2020", "2020-04-28"),
        ("28 Pebruarl 2020", "2020-02-28"),
        ("17 Oki 2023", "2023-10-17"),
        ("17 Agn 2019", "2019-08-17"),
        ("5 Noy 2021", "2021-11-05"),
        ("26 Marot 2008", "2008-03-26"),
        ("12 Aprll 2010", "2010-04-12"),
    ])
    func normalises(printed: String, iso: String) {
        #expect(IndonesianDate.normalize(printed) == iso)
    }

    @Test("impossible or partial dates are rejected", arguments: [
        "31-02-2020", "29-02-2019", "32-01-2020", "28-13-2020", "28 Foo 2020", "28-04-20", "SEUMUR HIDUP", "",
        "28 - - 04 2020",
        // One misread letter that could be either of two months, or a misread first letter.
        "5 Jui 2021", "5 Mab 2021", "5 Oes 2021", "26 Narot 2008",
    ])
    func rejects(text: String) {
        #expect(IndonesianDate.parse(text) == nil)
    }

    @Test("29 February exists in leap years only")
    func leapYears() {
        #expect(IndonesianDate.normalize("29-02-2020") == "2020-02-29")
        #expect(IndonesianDate.normalize("29-02-2000") == "2000-02-29")
        #expect(IndonesianDate.normalize("29-02-1900") == nil)
    }

    @Test("dates inside a longer line are found with their ranges")
    func findInLine() {
        // Given a KTP line with the place of birth and the date, and a letter line with two dates
        let line = "Tempat/Tgl Lahir : PEKALONGAN, 11-06-1988"
        let found = IndonesianDate.find(in: line)
        // Then each date is found where it was printed
        #expect(found.map(\.date.iso) == ["1988-06-11"])
        #expect(found.first.map { String(line[$0.range]) } == "11-06-1988")

        let letter = "bekerja sejak 1 Maret 2015 sampai dengan 27 Mar 2020 sebagai operator"
        let dates = IndonesianDate.find(in: letter)
        #expect(dates.map(\.date.iso) == ["2015-03-01", "2020-03-27"])
        #expect(dates.map { String(letter[$0.range]) } == ["1 Maret 2015", "27 Mar 2020"])
    }

    @Test("a NIK or an RT/RW is not taken for a date")
    func notDates() {
        #expect(IndonesianDate.find(in: "NIK : 3325065106884443").isEmpty)
        #expect(IndonesianDate.find(in: "RT/RW : 004/005").isEmpty)
        #expect(IndonesianDate.parse("Pekalongan, 28-04-2020") == nil)   // not the whole text
        #expect(IndonesianDate.firstDate(in: "Pekalongan, 28-04-2020")?.iso == "2020-04-28")
    }

    @Test("a photo's garbled written-out date is read only when asked for leniently, as a repair with its candidates")
    func lenient() {
        // Given the end of a period as a blurred photo prints it
        let line = "dari 1 Feb 20271 hingga 12 Met 20273 dengan jabatan"
        // When read strictly, then neither date is taken
        #expect(IndonesianDate.find(in: line).isEmpty)
        #expect(IndonesianDate.parse("19 Januan 2021") == nil)
        // When read leniently, then each is a repair that lists every year one dropped digit leaves
        let found = IndonesianDate.find(in: line, lenient: true)
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.repaired })
        #expect(found.first?.candidates.map(\.iso) == ["2071-02-01", "2021-02-01", "2027-02-01"])
        #expect(found.last?.candidates.map(\.iso) == ["2073-05-12", "2023-05-12", "2027-05-12"])
        #expect(found.map { String(line[$0.range]) } == ["1 Feb 20271", "12 Met 20273"])
        // A month name with two misread letters, when only one month is that close
        let januan = IndonesianDate.find(in: "sampai dengan 19 Januan 2021", lenient: true)
        #expect(januan.map(\.date.iso) == ["2021-01-19"])
        #expect(januan.first?.repaired == true)
        // A clean date is not a repair; a short or ambiguous word is no month
        #expect(IndonesianDate.find(in: "19 Januari 2021", lenient: true).first?.repaired == false)
        #expect(IndonesianDate.find(in: "19 Jabatan 2021", lenient: true).isEmpty)
        #expect(IndonesianDate.find(in: "19 Jaan 2021", lenient: true).isEmpty)
        #expect(IndonesianDate.find(in: "NIK 3325065106884443", lenient: true).isEmpty)
        // A numeric date whose first separator was lost: day and month, a repair
        let glued = IndonesianDate.find(in: "berakhir pada tanggal 1807/2022. Yang", lenient: true)
        #expect(glued.map(\.date.iso) == ["2022-07-18"])
        #expect(glued.first?.repaired == true)
        #expect(IndonesianDate.find(in: "1807/2022").isEmpty)
        // Not a month, no separator, or a year with a digit too many: no date
        #expect(IndonesianDate.find(in: "tanggal 1813/2022", lenient: true).isEmpty)
        #expect(IndonesianDate.find(in: "No. 1807 2022", lenient: true).isEmpty)
        #expect(IndonesianDate.find(in: "1807/20221", lenient: true).isEmpty)
        // A day with its label's colon glued on as a `1`: a repair, never a strict date
        #expect(IndonesianDate.find(in: "Tanggal Keluar 117 Feb 2021", lenient: true).map(\.date.iso) == ["2021-02-17"])
        #expect(IndonesianDate.find(in: "Tanggal Keluar 117 Feb 2021", lenient: true).first?.repaired == true)
        #expect(IndonesianDate.find(in: "117-02-2021", lenient: true).map(\.date.iso) == ["2021-02-17"])
        #expect(IndonesianDate.find(in: "Tanggal Keluar 117 Feb 2021").isEmpty)
        #expect(IndonesianDate.find(in: "217 Feb 2021", lenient: true).isEmpty)
        #expect(IndonesianDate.find(in: "145 Feb 2021", lenient: true).isEmpty)
    }

    @Test("month and day arithmetic clamps to the month's end")
    func arithmetic() throws {
        let jan31 = try #require(CalendarDate(iso: "2020-01-31"))
        #expect(jan31.adding(months: 1).iso == "2020-02-29")
        #expect(jan31.adding(months: 13).iso == "2021-02-28")
        #expect(jan31.adding(months: -2).iso == "2019-11-30")
        #expect(jan31.adding(days: 30).iso == "2020-03-01")
        #expect(jan31.adding(days: -31).iso == "2019-12-31")
        #expect(jan31.days(until: CalendarDate(iso: "2021-01-31")!) == 366)
        #expect(CalendarDate(iso: "1988-06-11")!.age(on: CalendarDate(iso: "2020-06-10")!) == 31)
        #expect(CalendarDate(iso: "2020-04-28")! < CalendarDate(iso: "2020-04-29")!)
        #expect(CalendarDate(iso: "2020-4-28") == nil)
    }
}
