import Foundation
import OCR
import Testing
@testable import Verification

/// Locating a member table's columns by its ruled lines when headings were misread.
@Suite("KK table columns from ruled lines", .serialized)
struct KKTableRulesTests {
    /// The clean KK's page pass, its rows, and the first member table as its headings place it.
    static func cleanTable() async throws -> (KKTable, [TextRow], KKGeometry, Pix, TruthFile) {
        let precheck = try #require(KKFixtures.precheck)
        let (url, truth) = try #require(KKFixtures.documents(level: "clean").first)
        let models = precheck.models
        let scan = try ScanLoader(limits: models.limits).load(file: url)
        let original = try #require(scan.pages.first)
        let page = try #require(Preprocessor().prepare(original))
        let ocr = try await precheck.reader.pool.withEngine { engine in
            engine.recognize(RecognitionRequest(image: page.image, segmentation: .auto, deadlineMs: models.limits.pageDeadlineMs))
        }
        let geo = KKGeometry(words: ocr.words)
        let rows = geo.rows(geo.tokens)
        let table = try #require(KKTable.find(rows, headings: KKExtractor.firstTable,
                                              required: ["nik", "agama", "pendidikan", "jenis_kelamin", "tempat_lahir"], geo: geo))
        return (table, rows, geo, page.image, truth)
    }

    /// Where the page pass read each member's NIK, on the page.
    static func nikBoxes(_ rows: [TextRow], truth: TruthFile) -> [PixelRect] {
        let niks = Set((truth.members ?? []).compactMap { $0["nik"] ?? nil })
        return rows.flatMap(\.tokens).filter { niks.contains($0.text) }.map(\.box)
    }

    @Test("a NIK column whose heading was not read is placed between the ruled lines around it")
    func unreadHeading() async throws {
        // Given the clean KK's first table with its NIK and sex headings taken as unread
        var (table, rows, geo, image, truth) = try await Self.cleanTable()
        let boxes = Self.nikBoxes(rows, truth: truth)
        try #require(!boxes.isEmpty, "the page pass read no member NIK to compare with")
        let keep = table.headingFields.indices.filter { !["nik", "jenis_kelamin"].contains(table.headingFields[$0]) }
        table.headingBoxes = keep.map { table.headingBoxes[$0] }
        table.headingFields = keep.map { table.headingFields[$0] }
        table.columns = table.columns.filter { !["nik", "jenis_kelamin"].contains($0.field) }
        // When the columns are refined from the ruled lines
        table.refine(with: image, slope: geo.slope)
        // Then a NIK column holds every NIK the page pass read, and the sex column follows it
        let nik = try #require(table.columns.first { $0.field == "nik" }, "no NIK column: \(table.columns.map(\.field))")
        for b in boxes { #expect(b.x >= nik.x0 && b.maxX <= nik.x1, "NIK at \(b.x)-\(b.maxX) outside \(nik.x0)-\(nik.x1)") }
        let fields = table.columns.map(\.field)
        #expect(fields.firstIndex(of: "jenis_kelamin") == fields.firstIndex(of: "nik").map { $0 + 1 })
    }

    @Test("without any NIK heading, the NIK column is the one holding long digit runs")
    func byContent() async throws {
        // Given the clean KK's first table with the NIK heading unread and no ruled line to place it by
        var (table, rows, geo, image, truth) = try await Self.cleanTable()
        let boxes = Self.nikBoxes(rows, truth: truth)
        try #require(!boxes.isEmpty)
        table.refine(with: image, slope: geo.slope)
        table.columns = table.columns.filter { $0.field != "nik" }
        // When the NIK column is looked for by its content
        table.locateNIKByContent(rows, geo: geo)
        // Then it is found where the NIKs are
        let nik = try #require(table.columns.first { $0.field == "nik" })
        for b in boxes { #expect(b.midX > nik.x0 && b.midX < nik.x1) }
    }
}
