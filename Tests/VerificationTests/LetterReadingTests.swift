import Foundation
import OCR
import Testing
@testable import Verification

/// The pieces of letter reading that tolerate OCR noise, on hand-made readings (no engine).
@Suite("Employer letter reading rules")
struct LetterReadingTests {
    func token(_ text: String, x: Int = 0, confidence: Double = 0.9) -> Token {
        Token(text: text, box: PixelRect(x: x, y: 100, w: 20 * max(1, text.count), h: 24), confidence: confidence)
    }

    @Test("a Roman month misread with ! or 1 becomes the numeral; other segments stay as read")
    func romanMonths() {
        #expect(LetterExtractor.romanMonths("181/HRD/SKK/I!I/2021").0 == "181/HRD/SKK/III/2021")
        #expect(LetterExtractor.romanMonths("113/SKK-BTT/VI!/2021").0 == "113/SKK-BTT/VII/2021")
        // Not a month numeral: left alone rather than guessed.
        #expect(LetterExtractor.romanMonths("128/HRD/SKP/IIW/2023").0 == "128/HRD/SKP/IIW/2023")
        #expect(LetterExtractor.romanMonths("12/HRD/1111/2023").0 == "12/HRD/1111/2023")
        #expect(LetterExtractor.romanMonths("12/HRD/X/2023").1 == false)
    }

    @Test("the end of a period is found under common misreadings of s/d and sampai")
    func endWords() {
        for word in ["s/d", "s.d.", "S/D", "wd", "sampai", "sampa", "hingga", "Hlngga", "berakhir"] {
            #expect(LetterExtractor.isEndWord(token(word)), "\(word)")
        }
        for word in ["sejak", "Jabatan", "sebagai", "bekerja"] {
            #expect(!LetterExtractor.isEndWord(token(word)), "\(word)")
        }
        #expect(LetterExtractor.isStartWord(token("terhltung")))
        #expect(!LetterExtractor.isStartWord(token("sebagai")))
    }

    @Test("a day misread as letters is read only in front of a month and a year")
    func glyphDay() {
        #expect(IndonesianDate.firstDate(in: "terhitung sejak Ol Juli 2020 s/d O8 Mei 2021")?.iso == "2020-07-01")
        #expect(IndonesianDate.find(in: "sejak Ol Juli 2020 wd O8 Mei 2021").map(\.date.iso) == ["2020-07-01", "2021-05-08"])
        #expect(IndonesianDate.firstDate(in: "di Juli 2020") == nil)
        #expect(IndonesianDate.firstDate(in: "Ol Juli") == nil)
    }

    @Test("place and date: scraps of a stamp or margin at the ends of the line are ignored")
    func placeAndDate() {
        let tokens = ["Tegal,", "7", "September", "2021"].enumerated().map { token($0.element, x: $0.offset * 150) }
        let found = LetterExtractor.placeAndDate(tokens.map(\.text).joined(separator: " "), tokens)
        #expect(found?.0 == "Tegal")
        #expect(found?.1.iso == "2021-09-07")
        // A sentence that ends with a date is not a place and date line.
        let sentence = ["bekerja", "sampai", "dengan", "7", "September", "2021"].map { token($0) }
        #expect(LetterExtractor.placeAndDate(sentence.map(\.text).joined(separator: " "), sentence) == nil)
    }

    @Test("a labelled date read by a repair is the one candidate not after the letter's date")
    func repairedLabelDate() throws {
        let letterDate = try #require(CalendarDate(iso: "2023-07-07"))
        #expect(LetterExtractor.repairedDate(": 05 Juli 20273", latest: letterDate)?.iso == "2023-07-05")
        #expect(LetterExtractor.repairedDate("05 Septemhfr 2022", latest: letterDate)?.iso == "2022-09-05")
        // Two candidate years before the letter's date: a choice, not a reading.
        #expect(LetterExtractor.repairedDate("05 Juli 20213", latest: letterDate) == nil)
        // A clean date is not a repair (the strict reading handles it); words beside it are not a label value.
        #expect(LetterExtractor.repairedDate("05 Juli 2023", latest: letterDate) == nil)
        #expect(LetterExtractor.repairedDate("05 Juli 20273 sebagai", latest: letterDate) == nil)
    }

    @Test("the closing below a date line that cannot be read as a date")
    func afterDateLine() {
        func row(_ words: [String]) -> TextRow {
            let tokens = words.enumerated().map { token($0.element, x: $0.offset * 200) }
            return TextRow(tokens: tokens, box: Layout.box(tokens)!)
        }
        let rows = [row(["Dikeluarkan", "di", ":", "kondal"]), row(["Pada", "tangyal", ":", "OWO2/2020"]),
                    row(["Manajemon"]), row(["SUTRISNO"]), row(["Kepala", "Personalia"])]
        #expect(LetterExtractor.afterDateLine(rows)?.map { $0.tokens[0].text } == ["Manajemon", "SUTRISNO", "Kepala"])
        #expect(LetterExtractor.afterDateLine([row(["Hormat", "kami,"]), row(["SUTRISNO"])]) == nil)
    }

    @Test("a closing line whose year is unreadable still gives its place; a full date or a sentence does not")
    func placeBeforeUnreadYear() {
        func tokens(_ words: [String]) -> [Token] { words.enumerated().map { token($0.element, x: $0.offset * 150) } }
        #expect(LetterExtractor.placeBeforeUnreadYear(tokens(["Tegal,", "7", "Juli", "MEI"]))?.map(\.text) == ["Tegal,"])
        #expect(LetterExtractor.placeBeforeUnreadYear(tokens(["Kota", "Tegal,", "7", "Juli"]))?.map(\.text) == ["Kota", "Tegal,"])
        #expect(LetterExtractor.placeBeforeUnreadYear(tokens(["'", "Tegal,", "07", "Jul", "2O2"]))?.map(\.text) == ["Tegal,"])
        // A date that reads is `placeAndDate`'s line.
        #expect(LetterExtractor.placeBeforeUnreadYear(tokens(["Tegal,", "7", "Juli", "2023"])) == nil)
        // No month after the day, no comma after the place, or a sentence.
        #expect(LetterExtractor.placeBeforeUnreadYear(tokens(["Tegal,", "7", "orang", "MEI"])) == nil)
        #expect(LetterExtractor.placeBeforeUnreadYear(tokens(["Tegal", "7", "Juli", "MEI"])) == nil)
        #expect(LetterExtractor.placeBeforeUnreadYear(tokens(["dan", "selama", "bekerja,", "7", "Juli"])) == nil)
    }

    @Test("a signer's name misshapen by a stamp or pen stroke across it is told from a printed name")
    func nameShapes() {
        for name in ["SUTRISNO", "Supriyadi Ansori, S.Psi.", "Erna, S.E.", "Tri Kurniawan, S.Psi.", "H. Ahmad Fauzi",
                     "Dra. Siti Aminah, M.M.", "BUDI SANTOSO, SE.", "Ahmad bin Salim", "Nur-Aini"] {
            #expect(LetterExtractor.looksLikeName(name), "\(name)")
        }
        // Read off the fixtures: the stamp's ring through `Supriyadi`, a title's periods as a hyphen.
        for name in ["Supriyad TAnsori, S.Psi.", "Aisyah Sari, S-E.", "Supr1yadi", "AN | Mega"] {
            #expect(!LetterExtractor.looksLikeName(name), "\(name)")
        }
    }

    @Test("a label of two words without a colon: the value starts after the label column's gap, not after a glued-colon guess")
    func labelWithoutColon() throws {
        // As read off a photographed serif letter: `Nama Lengkap` 22 px apart (more than the
        // row's height), then the value; `EVI` ends in a glyph a glued colon is read as.
        func row(_ words: [(String, Int, Int)]) -> TextRow {
            let tokens = words.map { Token(text: $0.0, box: PixelRect(x: $0.1, y: 500, w: $0.2 - $0.1, h: 21), confidence: 0.9) }
            return TextRow(tokens: tokens, box: Layout.box(tokens)!)
        }
        let reader = LetterExtractor()
        let nama = try #require(reader.label(row([("Nama", 201, 268), ("Lengkap", 290, 404), ("EVI", 610, 659), ("KUSUMAWATI", 681, 887)]), index: 0))
        #expect(nama.field == "nama")
        #expect(nama.value.map(\.text) == ["EVI", "KUSUMAWATI"])
        // A glued colon still reads where no label ends before it with a wider gap.
        let number = try #require(reader.label(row([("No.1", 100, 160), ("91/SKK/IX/2021", 172, 400)]), index: 0))
        #expect(number.field == "nomor_surat")
        #expect(number.value.map(\.text) == ["91/SKK/IX/2021"])
        let jabatan = try #require(reader.label(row([("Jabatan", 201, 300), ("Checker", 604, 712)]), index: 0))
        #expect(jabatan.field == "jabatan" && jabatan.value.map(\.text) == ["Checker"])
    }

    @Test("a colon misread as a guillemet is not part of the value")
    func guillemet() {
        #expect(LetterExtractor.printed([token("»"), token("Helper", x: 60), token("Gudang", x: 200)]) == "Helper Gudang")
    }

    @Test("a lone lower-case letter or mark before a capitalised value is a speck, not part of the value")
    func strayMark() {
        let stray = [token("t", x: 0), token("Zainal", x: 40), token("Riyadi", x: 180)]
        #expect(LetterExtractor.withoutStrayMark(stray).map(\.text) == ["Zainal", "Riyadi"])
        let dash = [token("-", x: 0), token("Staff", x: 40)]
        #expect(LetterExtractor.withoutStrayMark(dash).map(\.text) == ["Staff"])
        // An initial, a lower-case word and a value that starts in lower case stay.
        for kept in [[token("M", x: 0), token("Rizky", x: 40)], [token("a", x: 0), token("b", x: 40)],
                     [token("bin", x: 0), token("Ahmad", x: 80)]] {
            #expect(LetterExtractor.withoutStrayMark(kept).map(\.text) == kept.map(\.text))
        }
    }

    @Test("two readings: agreement stands, disagreement is kept below the review threshold")
    func merge() {
        var a = Extraction(), b = Extraction()
        a.fields["nama"] = FieldValue(value: "HENORA ROHMAN", confidence: 0.83)
        b.fields["nama"] = FieldValue(value: "HENDRA ROHMAN", confidence: 0.9)
        a.fields["jabatan"] = FieldValue(value: "Staff Gudang", confidence: 0.7)
        b.fields["jabatan"] = FieldValue(value: "Staff  Gudang", confidence: 0.95)
        a.fields["alasan_berhenti"] = FieldValue(value: "unknown", confidence: 0.6)
        b.fields["alasan_berhenti"] = FieldValue(value: "retirement", confidence: 0.5)
        b.fields["kota_surat"] = FieldValue(value: "Tegal", confidence: 0.9)
        let m = LetterSecondLook.merge(a, b)
        #expect(m.fields["nama"]?.value == "HENDRA ROHMAN")
        #expect((m.fields["nama"]?.confidence ?? 1) < 0.6)
        #expect(m.fields["jabatan"]?.confidence == 0.95)
        #expect(m.fields["alasan_berhenti"]?.value == "retirement")
        #expect(m.fields["kota_surat"]?.value == "Tegal")
    }

    @Test("the position in the body corrects a misread Jabatan value, with lowered confidence")
    func bodyRole() {
        let labeled = FieldValue(value: "Statt Gudang", confidence: 0.89)
        let words = ["dengan", "jabatan", "terakhir", "sebagai", "Staff", "Gudang."].enumerated().map {
            token($0.element, x: $0.offset * 150, confidence: 0.95)
        }
        let row = TextRow(tokens: words, box: Layout.box(words)!)
        let better = LetterExtractor.bodyRole([row], like: labeled)
        #expect(better?.value == "Staff Gudang")
        #expect((better?.confidence ?? 1) < 0.6)
        // The same reading twice: nothing to change.
        #expect(LetterExtractor.bodyRole([row], like: FieldValue(value: "Staff Gudang", confidence: 0.9)) == nil)
    }
}
