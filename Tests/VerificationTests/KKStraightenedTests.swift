import Foundation
import OCR
import Testing
@testable import Verification

/// The member table of a KK photographed at an angle, once the page is straightened out of the
/// photo (perspective undone and enlarged, as the reader's rectify step does): the straightened
/// print is sharp, but its tightly ruled rows are easily read two as one by the page pass.
@Suite("KK member table on a straightened photo", .serialized)
struct KKStraightenedTests {
    /// Straightens `url` at a few working sizes and runs the KK extractor on each.
    static func straightened(_ url: URL, sizes: [Int] = [2400, 3200]) async throws -> [(Int, Extraction)] {
        let precheck = try #require(KKFixtures.precheck)
        let models = precheck.models
        let scan = try ScanLoader(limits: models.limits).load(file: url)
        let original = try #require(scan.pages.first)
        let quad = try #require(DocumentLocator.documentQuad(original), "no document outline found in \(url.lastPathComponent)")
        var out: [(Int, Extraction)] = []
        for size in sizes {
            let page = try #require(Preprocessor().rectify(original, quad: quad, minimumLongSide: size))
            let extraction = try await precheck.reader.pool.withEngine { engine in
                let ocr = engine.recognize(RecognitionRequest(image: page.image, segmentation: .auto,
                                                              deadlineMs: models.limits.pageDeadlineMs))
                return KKExtractor().extract(PageContext(page: page, ocr: ocr, engine: engine, models: models, morePages: []))
            }
            out.append((size, extraction))
        }
        return out
    }

    @Test("the claimant's NIK is read from a straightened KK photo", arguments: ["c0002", "c0008"])
    func claimant(_ claim: String) async throws {
        // Given a claim whose KK is a phone photo, and the NIK on its claim form
        let folder = fixtureURL("claims/\(claim)")
        let form = try JSONDecoder().decode(ClaimForm.self, from: Data(contentsOf: folder.appendingPathComponent("claim.json")))
        let nik = try #require(form.nik)
        let kk = try #require(form.documents?["kk"])
        // When the page is straightened and its member table read
        for (size, extraction) in try await Self.straightened(folder.appendingPathComponent(kk)) {
            let members = extraction.members ?? []
            // Then no NIK is reported confidently against its own row, and (on the legible c0002)
            // the claimant's NIK is there, confidently
            for m in members {
                guard let v = m["nik"]?.value, (m["nik"]?.confidence ?? 0) >= 0.8,
                      let birth = m["tanggal_lahir"]?.value.flatMap(CalendarDate.init(iso:)) else { continue }
                let n = NIK(v, referenceDate: KKFixtures.precheck!.models.referenceDate)
                #expect(n?.birthDate == birth, "\(claim) at \(size): NIK \(v) against birth date \(birth)")
            }
            if claim == "c0002" {
                // Known gap: on the straightened page the NIK heading is misread and the column
                // borders found from the heading row miss the NIK column.
                withKnownIssue("NIK column not located on the straightened page", isIntermittent: true) {
                    let found = members.first { $0["nik"]?.value == nik }
                    #expect(found != nil, "\(claim) at \(size): claimant's NIK not among \(members.compactMap { $0["nik"]?.value })")
                    #expect((found?["nik"]?.confidence ?? 0) >= 0.8, "\(claim) at \(size): claimant's NIK read with low confidence")
                }
            }
        }
    }

    @Test("straightened phone KKs give no wrong member NIK with high confidence")
    func corpusPhone() async throws {
        for (url, truth) in KKFixtures.documents(level: "phone") {
            let truthNIKs = Set((truth.members ?? []).compactMap { $0["nik"] ?? nil })
            for (size, extraction) in try await Self.straightened(url, sizes: [3200]) {
                for m in extraction.members ?? [] {
                    guard let v = m["nik"]?.value, !truthNIKs.contains(v) else { continue }
                    #expect((m["nik"]?.confidence ?? 0) < 0.8, "\(url.lastPathComponent) at \(size): wrong NIK \(v) reported confidently")
                }
            }
        }
    }
}
