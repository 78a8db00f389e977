import Foundation
import Testing
@testable import Verification
import OCR

/// Runs the real pipeline on the KK fixtures and compares with their truth files.
enum KKFixtures {
    static let precheck: Precheck? = try? Precheck.load(workers: 1)
    static let corpus = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("fixtures/corpus")

    /// Photos kept at the camera's size (fixtures/generator/generate_photos.py).
    static let cameraCorpus = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("fixtures/photos/corpus")

    static func documents(level: String) -> [(URL, TruthFile)] {
        let dir = (level == "camera" ? cameraCorpus : corpus).appendingPathComponent(level)
        return ((try? CorpusEvaluation.truthFiles(in: dir)) ?? []).filter { $0.1.kind == .kk }
    }

    static func read(_ url: URL) async -> DocumentResult? {
        guard let precheck else { return nil }
        return await precheck.reader.read(.file(url))
    }
}

@Suite("KK extraction on the fixture corpus", .serialized)
struct KKExtractorTests {
    static let header = ["no_kk", "kepala_keluarga", "alamat", "rt_rw", "desa_kelurahan", "kecamatan",
                         "kabupaten_kota", "kode_pos", "provinsi", "tanggal_dikeluarkan"]

    /// Member NIKs (the proof a claimant belongs to the family) and the header, per capture level:
    /// floors measured now (clean 100%, office 13/14); phone photos are a known gap (the table's
    /// small print is not read by the page pass), recorded as a known issue until fixed.
    @Test("member NIKs and header fields", arguments: [("clean", 1.0, 0.95), ("office", 0.9, 0.9)])
    func level(_ args: (String, Double, Double)) async throws {
        try await check(args)
    }

    /// Phone photos at the camera's size (3000-4000 pixels): measured 15 of 17 member NIKs and
    /// 35 of 40 header fields; one table's headings are unread and its rows are found by content.
    @Test("member NIKs and header fields on photos at the camera's size")
    func camera() async throws {
        try await check(("camera", 0.8, 0.8))
    }

    @Test("a member table whose headings are unread is found by its rows: a number followed by a sex")
    func membersWithoutHeadings() throws {
        // Rows as a blurred page pass reads them: a stray rule mark, the row number, a NIK with a
        // letter for a digit, a split date; a heading-like row and a header row hold no sex.
        func row(_ words: [String], y: Int) -> TextRow {
            var x = 10
            let tokens = words.map { w -> Token in
                defer { x += 12 * w.count + 15 }
                return Token(text: w, box: PixelRect(x: x, y: y, w: 12 * w.count, h: 20), confidence: 0.7)
            }
            return TextRow(tokens: tokens, box: PixelRect(x: 10, y: y, w: x, h: 20))
        }
        let rows = [
            row(["Nama", "Kepala", "Keluarga", ":", "FERRY", "SANTOSO"], y: 100),
            row(["No", "Nama", "Lengkap", "NIK", "Jenis", "Kelamin"], y: 300),
            row(["|", "1", "FERRY", "SANTOSO", "33261225O5940029", "LAKI-LAKI", "JAKARTA", "25-05-1994", "ISLAM"], y: 340),
            row(["2", "SUCI", "MULYANI", "3326126707990003", "PEREMPUAN", "PEKALONGAN", "27-07.", "1999", "ISLAM"], y: 370),
        ]
        let members = KKExtractor().membersByContent(rows)
        #expect(members.count == 2)
        let head = try #require(members.first)
        #expect(head.cells["nik"]?.map(\.text) == ["33261225O5940029"])
        #expect(head.cells["nama"]?.map(\.text) == ["FERRY", "SANTOSO"])
        #expect(head.cells["jenis_kelamin"]?.map(\.text) == ["LAKI-LAKI"])
        #expect(head.cells["tanggal_lahir"]?.map(\.text) == ["25-05-1994"])
        #expect(members.last?.cells["tanggal_lahir"]?.map(\.text) == ["27-07.", "1999"])
    }

    @Test("a photographed KK whose table headings are unread is flagged: rows may have been missed, so a claimant not found is doubt")
    func headlessTableFlagged() async throws {
        let result = try #require(await KKFixtures.read(URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("fixtures/claims/c0013/kk.jpg")))
        #expect(result.kind == .kk)
        #expect(result.members?.isEmpty == false)
        #expect(result.issues.contains { $0.code == .fieldLowConfidence && $0.field == "members" }, "\(result.issues)")
    }

    @Test("member NIKs and header fields on phone photos (target 90%)")
    func phone() async throws {
        await withKnownIssue("phone KK tables are not read yet", isIntermittent: true) {
            try await check(("phone", 0.9, 0.75))
        }
    }

    @Test("a phone photo of a KK whose table reads as low-confidence fragments is readable when its number and header are read")
    func phoneHeaderReadable() async throws {
        let url = KKFixtures.corpus.appendingPathComponent("phone/kk-001.jpg")
        let truth = try #require(KKFixtures.documents(level: "phone").first { $0.0.lastPathComponent == "kk-001.jpg" }?.1)
        let result = try #require(await KKFixtures.read(url))
        #expect(result.kind == .kk)
        // The page as a whole reads poorly (the table's small print)...
        #expect(result.quality.ocrConfidence < 0.6)
        // ...yet it is not sent back as unreadable: its header is legible.
        #expect(result.quality.readable)
        #expect(!result.issues.contains { $0.code == .documentUnreadable })
        #expect(result.fields["no_kk"]?.value == truth.fields["no_kk"] ?? nil)
        let exact = Self.header.filter { CorpusEvaluation.same(result.fields[$0]?.value, (truth.fields[$0] ?? nil) ?? "") }
        #expect(exact.count >= 6, "header fields read exactly: \(exact)")
    }

    @Test("a photographed KK whose number and most header fields are legible goes to an officer, not back to the claimant")
    func phoneHeaderPartlyLegible() async throws {
        // c0008's KK: a photo on a patterned table; the member table is unreadable and the
        // head-of-family line's colon reads as `2` (`Nama Kepala Keluarga 2 ABDUL HAKIM`).
        let result = try #require(await KKFixtures.read(fixtureURL("claims/c0008/kk.jpg")))
        #expect(result.kind == .kk)
        #expect(result.quality.readable)
        #expect(!result.issues.contains { $0.code == .documentUnreadable })
        #expect(result.fields["no_kk"]?.value == "3327061106183209")
        #expect(result.fields["kepala_keluarga"]?.value == "ABDUL HAKIM")
        #expect(result.fields["provinsi"]?.value == "JAWA TENGAH")
    }

    @Test("a photographed KK's header lines stay apart when a tall smudge at the margin is read as a word")
    func headerRowsNotChained() async throws {
        // c0010's KK (a PDF of a tilted photo): a shadow at the left margin comes out as a box
        // as tall as four header lines, which used to join them into one row and give the head
        // of family as `TANGERAN 001/012 JL. FAJAR PATTIMURA ...` with confidence.
        let result = try #require(await KKFixtures.read(fixtureURL("claims/c0010/kk.pdf")))
        #expect(result.kind == .kk)
        let expected = ["kepala_keluarga": "FAJAR SANTOSO", "alamat": "JL. PATTIMURA NO. 122", "rt_rw": "001/012",
                        "kecamatan": "PANINGGARAN", "kabupaten_kota": "PEKALONGAN", "provinsi": "JAWA TENGAH"]
        for (name, value) in expected {
            #expect(result.fields[name]?.value == value, "\(name): \(String(describing: result.fields[name]?.value))")
        }
        // Whatever is read of the postcode (its colon glued on as `1`) is not certain, or is right.
        if let pos = result.fields["kode_pos"], let v = pos.value {
            #expect(v == "51152" || pos.confidence < 0.8)
        }
    }

    @Test("the KK header legibility bar: a confident number and more than half of the other header fields")
    func headerLegibleBar() {
        func kk(number: Double, confident: Int) -> Extraction {
            var e = Extraction()
            e.fields["no_kk"] = FieldValue(value: "3327061106183209", confidence: number, box: nil)
            let others = ["kepala_keluarga", "alamat", "rt_rw", "desa_kelurahan", "kecamatan",
                          "kabupaten_kota", "provinsi", "kode_pos", "tanggal_dikeluarkan"]
            for (i, name) in others.enumerated() {
                e.fields[name] = FieldValue(value: "X", confidence: i < confident ? 0.9 : 0.3, box: nil)
            }
            return e
        }
        #expect(DocumentAnalysis.headerLegible(kk(number: 0.93, confident: 5)))
        #expect(!DocumentAnalysis.headerLegible(kk(number: 0.93, confident: 4)))
        #expect(!DocumentAnalysis.headerLegible(kk(number: 0.5, confident: 9)))
    }

    func check(_ args: (String, Double, Double)) async throws {
        let (level, nikShare, headerShare) = args
        let docs = KKFixtures.documents(level: level)
        try #require(!docs.isEmpty, "no KK fixtures at \(level)")
        try #require(KKFixtures.precheck != nil, "models not found: run from the package root")
        var nikTotal = 0, nikFound = 0, fieldTotal = 0, fieldExact = 0
        for (url, truth) in docs {
            let result = try #require(await KKFixtures.read(url))
            #expect(result.kind == .kk, "\(url.lastPathComponent) read as \(result.kind)")
            let read = Set((result.members ?? []).compactMap { $0["nik"]?.value })
            for m in truth.members ?? [] {
                guard let nik = m["nik"] ?? nil else { continue }
                nikTotal += 1
                if read.contains(nik) { nikFound += 1 }
            }
            // A NIK that is not in the truth must not be reported as certain.
            let truthNIKs = Set((truth.members ?? []).compactMap { $0["nik"] ?? nil })
            for m in result.members ?? [] {
                if let v = m["nik"]?.value, !truthNIKs.contains(v) {
                    #expect((m["nik"]?.confidence ?? 0) < 0.8, "\(url.lastPathComponent): wrong NIK \(v) reported confidently")
                }
            }
            for name in Self.header {
                guard let expected = truth.fields[name] ?? nil else { continue }
                fieldTotal += 1
                if CorpusEvaluation.same(result.fields[name]?.value, expected) { fieldExact += 1 }
            }
        }
        #expect(Double(nikFound) >= nikShare * Double(nikTotal), "\(level): \(nikFound)/\(nikTotal) member NIKs")
        #expect(Double(fieldExact) >= headerShare * Double(fieldTotal), "\(level): \(fieldExact)/\(fieldTotal) header fields")
    }

    /// The other member columns of a clean page: one object per printed row, in row order.
    @Test("member rows of a clean KK")
    func memberRows() async throws {
        let docs = KKFixtures.documents(level: "clean")
        try #require(KKFixtures.precheck != nil)
        for (url, truth) in docs {
            let result = try #require(await KKFixtures.read(url))
            let members = result.members ?? []
            let expected = truth.members ?? []
            #expect(members.count == expected.count, "\(url.lastPathComponent): \(members.count) rows, truth \(expected.count)")
            var total = 0, exact = 0
            for (got, want) in zip(members, expected) {
                for (name, value) in want {
                    guard let value else { continue }
                    total += 1
                    if CorpusEvaluation.same(got[name]?.value, value) { exact += 1 }
                }
                // Every value carries a box on the page and a confidence in 0...1.
                for (_, f) in got where f.value != nil {
                    #expect(f.box != nil)
                    #expect((0...1).contains(f.confidence))
                }
            }
            #expect(Double(exact) >= 0.8 * Double(total), "\(url.lastPathComponent): \(exact)/\(total) member fields")
        }
    }
}
