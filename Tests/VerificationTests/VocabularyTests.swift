import Testing
@testable import Verification
import OCR

@Suite("Printed vocabularies")
struct VocabularyTests {
    @Test("Given an occupation read without its slash or with one slip, then it takes the register's spelling")
    func occupationSpelling() {
        #expect(Vocabulary.occupation("PELAJAR MAHASISWA") == "PELAJAR/MAHASISWA")
        #expect(Vocabulary.occupation("PELAJAR/MAHASlSWA") == "PELAJAR/MAHASISWA")
        #expect(Vocabulary.occupation("BELUM TIDAK BEKERJA") == "BELUM/TIDAK BEKERJA")
        #expect(Vocabulary.occupation("KARYAWAN SWASTA") == "KARYAWAN SWASTA")
        #expect(Vocabulary.occupation("GURU") == "GURU")
        #expect(Vocabulary.occupation("WIRASMASTA") == "WIRASWASTA")
        #expect(Vocabulary.occupation("MENGURUS RUMAH TANCCA") == "MENGURUS RUMAH TANGGA")
    }

    @Test("Given an occupation the register does not list, or a short one misread, then the reading is kept")
    func occupationKept() {
        #expect(Vocabulary.occupation("BURUH PABRIK") == "BURUH PABRIK")
        #expect(Vocabulary.occupation("GURV") == "GURV")
        #expect(Vocabulary.occupation("PENJAHIT") == "PENJAHIT")
    }

    @Test("Given an address whose abbreviations' full stops were read as commas, then they are full stops again")
    func addressStops() {
        #expect(Layout.address("JL. KARTINI NO, 91") == "JL. KARTINI NO. 91")
        #expect(Layout.address("JL, PATTIMURA NO, 122 GG, 3") == "JL. PATTIMURA NO. 122 GG. 3")
        #expect(Layout.address("DK. SUKOREJO, RT 1") == "DK. SUKOREJO, RT 1")
        #expect(Layout.address("PERUM GRIYA ASRI BLOK G4 NO. 31") == "PERUM GRIYA ASRI BLOK G4 NO. 31")
        #expect(Layout.address("PERUMNAS KRAPYAK BLOK BINO. 25") == "PERUMNAS KRAPYAK BLOK B1 NO. 25")
        // A hyphen read with a space after it joins its word again; one standing alone does not.
        #expect(Layout.address("DK. KRAJAN DEPAN MASJID AL- IKHLAS") == "DK. KRAJAN DEPAN MASJID AL-IKHLAS")
        #expect(Layout.address("JL. MERDEKA - GG. 3") == "JL. MERDEKA - GG. 3")
        #expect(Layout.address("JL. A- 5") == "JL. A- 5")
        // A lost stop after JL, NO or GG is put back; the words themselves elsewhere are kept.
        #expect(Layout.address("JL KARTINI NO 150 GG 1") == "JL. KARTINI NO. 150 GG. 1")
        #expect(Layout.address("DUSUN NO RT 2") == "DUSUN NO RT 2")
        #expect(Layout.address("JL 5") == "JL 5")
        #expect(Layout.address("PERUMNAS BLOK CASINO. 2") == "PERUMNAS BLOK CASINO. 2", "a word that is no block number is kept")
        #expect(Layout.address("JL. GAJAH MADANO. 27 GG.9") == "JL. GAJAH MADA NO. 27 GG. 9")
        #expect(Layout.address("JL. SUKARNO HATTA NO. 5") == "JL. SUKARNO HATTA NO. 5")
        #expect(Layout.address("JL. PRAWIRONO. RT 2") == "JL. PRAWIRONO. RT 2", "no house number follows")
    }

    @Test("Given a place of issue or birth read a glyph or two from a regency's name, then it takes that spelling; another place is kept")
    func placesSnapped() throws {
        let w = try Wilayah.shared()
        func snapped(issued: String? = nil, born: String? = nil, province: String = "JAWA TENGAH") -> (String?, String?, Double?) {
            var fields: [String: FieldValue] = ["provinsi": FieldValue(value: province, confidence: 0.9)]
            if let issued { fields["tempat_terbit"] = FieldValue(value: issued, confidence: 0.9) }
            if let born { fields["tempat_lahir"] = FieldValue(value: born, confidence: 0.9) }
            KTPExtractor.snapPlaces(&fields, wilayah: w)
            return (fields["tempat_terbit"]?.value, fields["tempat_lahir"]?.value, fields["tempat_terbit"]?.confidence)
        }
        let blurred = snapped(issued: "KAB. \u{00A3} KALONGAN")
        #expect(blurred.0 == "KAB. PEKALONGAN")
        #expect((blurred.2 ?? 1) < 0.9, "a corrected reading is less sure than a clean one")
        #expect(snapped(issued: "KOTA SEMARAMG").0 == "KOTA SEMARANG")
        #expect(snapped(issued: "Z KAB. PEMALANG").0 == "KAB. PEMALANG")
        #expect(snapped(issued: "KAB. BREBES").0 == "KAB. BREBES")
        #expect(snapped(issued: "KAB. BREBES").2 == 0.9)
        #expect(snapped(issued: "JAKARTA SELATAN", province: "DKI JAKARTA").0 == "JAKARTA SELATAN")
        #expect(snapped(issued: "KAB. XQZWV").0 == "KAB. XQZWV")
        #expect(snapped(born: "EMALANG").1 == "PEMALANG")
        #expect(snapped(born: "SEMARANG").1 == "SEMARANG")
        #expect(snapped(born: "KAJEN").1 == "KAJEN", "a district's own name is a place of birth too")
        #expect(snapped(born: "SINGAPURA").1 == "SINGAPURA")
    }

    @Test("Given a label row that starts with a speck read as a glyph, then the label is still found and its value starts after it")
    func labelBehindASpeck() {
        func word(_ text: String, _ x: Int, _ y: Int) -> OCRWord {
            OCRWord(text: text, confidence: 0.9, box: PixelRect(x: x, y: y, w: 12 * text.count, h: 20), block: 0, line: y / 40)
        }
        let words = [
            word("NIK", 50, 100), word(":", 250, 100), word("3325055404870521", 270, 100),
            word("2", 20, 140), word("Nama", 50, 140), word(":", 250, 140), word("ANISA", 270, 140), word("DWI", 345, 140),
            word("Tempat/Tgl", 50, 180), word("Lahir", 180, 180), word(":", 250, 180), word("PEKALONGAN,", 270, 180),
            word("Jenis", 50, 220), word("Kelamin", 120, 220), word(":", 250, 220), word("PEREMPUAN", 270, 220),
        ]
        let rows = Layout.rows(words)
        let assigned = KTPExtractor().assignLabels(rows, imageWidth: 1000)
        let nama = try? #require(assigned["nama"])
        #expect(nama.map { rows[$0.row].text } == "2 Nama : ANISA DWI")
        #expect(nama.map { Array(rows[$0.row].tokens[$0.valueStart...]).filter { !$0.isColon }.map(\.text) } == ["ANISA", "DWI"])
        #expect(assigned["nik"]?.row == 0)
        #expect(assigned["tempat_tgl_lahir"]?.row == 2)
    }

    @Test("Given a value with a lone bar inside or a misread colon before it, then neither is part of it")
    func strayMarks() {
        #expect(Layout.normalize("JL. MERDEKA | NO. 5") == "JL. MERDEKA NO. 5")
        #expect(Layout.normalize("#PEMALANG") == "PEMALANG")
        #expect(Layout.normalize("A/B") == "A/B")
    }

    @Test("Given a speck of the card's pattern read as a lone $ or * among a value's words, then it is no word of the value, while marks within words stay")
    func patternSpecks() {
        #expect(Layout.normalize("PERUMAHAN GRIYA BLOK $ D3 NO. 22") == "PERUMAHAN GRIYA BLOK D3 NO. 22")
        #expect(Layout.normalize("KARANGDADAP *") == "KARANGDADAP")
        #expect(Layout.normalize("LAWE SIGALA-GALA") == "LAWE SIGALA-GALA")
        #expect(Layout.normalize("RP 5$") == "RP 5$")
    }

    @Test("Given the column under a KTP photo with the photo's dark lower part above and a dark table to its right, then only the light print between is kept")
    func photoColumnLightPart() throws {
        let w = 200, h = 120
        var grey = [UInt8](repeating: 230, count: w * h)
        for y in 0..<h { for x in 0..<w {
            if y < 50 && x >= 20 && x < 150 { grey[y * w + x] = 40 }   // the photo
            if x >= 170 { grey[y * w + x] = 30 }                      // the table past the card
        } }
        let block = try #require(Pix.fromGrey(grey, width: w, height: h))
        let part = KTPExtractor.lightPart(block, minimumHeight: 20)
        #expect(part.y >= 50 && part.y <= 56, "\(part)")
        #expect(part.maxX <= 170 && part.maxX >= 160, "\(part)")
        #expect(part.maxY == h)
        let plain = try #require(Pix.fromGrey([UInt8](repeating: 230, count: w * h), width: w, height: h))
        #expect(KTPExtractor.lightPart(plain, minimumHeight: 20) == PixelRect(x: 0, y: 0, w: w, h: h))
    }
}

@Suite("KTP values paired a row off their labels")
struct OffByARowTests {
    @Test("Given values that each belong to the label above, then the card is read a row off; a card read right is not")
    func offByARow() {
        // A tilted photo: labels and values read as two columns and joined a row apart.
        #expect(KTPExtractor.valuesOffByARow(["jenis_kelamin": "", "alamat": "LAKI-LAKI", "rt_rw": "PERUM BUMI BLOK E9 NO. 20",
                                              "kel_desa": "002/012", "agama": "BEBANDEM", "status_perkawinan": "KAWIN",
                                              "berlaku_hingga": "WNI"]))
        // Every value of its own kind.
        #expect(!KTPExtractor.valuesOffByARow(["jenis_kelamin": "LAKI-LAKI", "alamat": "JL. MERDEKA NO. 5", "rt_rw": "002/012",
                                               "kel_desa": "BEJI", "agama": "ISLAM", "status_perkawinan": "KAWIN",
                                               "kewarganegaraan": "WNI", "berlaku_hingga": "SEUMUR HIDUP"]))
        // One stray value is no shift.
        #expect(!KTPExtractor.valuesOffByARow(["jenis_kelamin": "LAKI-LAKI", "alamat": "LAKI-LAKI", "rt_rw": "002/012"]))
    }
}
