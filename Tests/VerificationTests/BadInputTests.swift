import Foundation
import Testing
import Verification
import OCR

@Suite("Bad input")
struct BadInputTests {
    @Test("Given each broken or hostile file, when read, then the result carries a reason code and a message",
          arguments: [
            ("empty.jpg", ReasonCode.documentUnsupported), ("truncated.jpg", .documentUnreadable),
            ("truncated.png", .documentUnreadable), ("text.jpg", .documentUnsupported),
            ("huge-dimensions.png", .documentUnsupported), ("many-pages.pdf", .documentUnsupported),
            ("encrypted.pdf", .documentUnsupported), ("one-pixel.png", .documentUnreadable),
          ])
    func refused(file: String, code: ReasonCode) async {
        let result = await sharedPrecheck.reader.read(.file(fixtureURL("bad/\(file)")), slot: "ktp")
        #expect(result.kind == .unknown)
        let issue = result.issues.first
        #expect(issue?.code == code, "\(file): \(result.issues)")
        #expect(issue?.document == "ktp")
        #expect((issue?.message.count ?? 0) > 20)
    }

    @Test("Given a card saved as CMYK JPEG or 16-bit PNG, when read, then it is read as a KTP")
    func unusualEncodingsStillRead() async throws {
        for file in ["cmyk.jpg", "sixteen-bit.png"] {
            let result = await sharedPrecheck.reader.read(.file(fixtureURL("bad/\(file)")))
            #expect(result.kind == .ktp, "\(file): \(result.kind) \(result.issues)")
            #expect(result.quality.readable)
        }
    }

    @Test("Given a blank page (also a scanned one with paper grain, a dot and a page number), when read, then it is a readable document of unknown kind",
          arguments: ["bad/blank.png", "corpus/office/other-003.jpg"])
    func blankPage(file: String) async {
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(file)))
        #expect(result.kind == .unknown)
        #expect(result.quality.readable)
        #expect(!result.issues.contains { $0.code == .documentUnreadable }, "\(result.issues)")
    }

    @Test("Given bytes in memory that are not an image, when read, then the name is only used in messages")
    func bytesInMemory() async {
        let result = await sharedPrecheck.reader.read(.data(Data("not an image".utf8), name: "../../etc/passwd"), slot: "kk")
        #expect(result.issues.first?.code == .documentUnsupported)
        #expect(result.file == "../../etc/passwd")
    }

    @Test("Given poor phone photos, when read, then each is its true kind or unknown, never another kind, and an unreadable one is still named when its title came through")
    func poorPhotosKeepTheirKind() async throws {
        let dir = fixtureURL("corpus/poor")
        let scans = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jpg") }.sorted()
        var namedUnreadable = 0
        for file in scans {
            let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(
                file.replacingOccurrences(of: ".jpg", with: ".json")))) as? [String: Any]
            let kind = DocumentKind(rawValue: truth?["kind"] as? String ?? "") ?? .unknown
            let result = await sharedPrecheck.reader.read(.file(dir.appendingPathComponent(file)))
            #expect(result.kind == kind || result.kind == .unknown, "\(file): \(kind) read as \(result.kind)")
            if kind != .unknown, result.kind == kind, result.issues.contains(where: { $0.code == .documentUnreadable }) {
                namedUnreadable += 1
            }
        }
        // The claimant is asked for a better photo of *this* document, not for another one.
        #expect(namedUnreadable >= 3)
    }
}

@Suite("Reading that runs out of time")
struct TimedOutReadingTests {
    @Test("Given a PDF of 60 pages of noise allowed through a raised page limit, when read, then its first pages are read without a crash")
    func longNoisePDF() async throws {
        let roomy = try Precheck.load(workers: 1, limits: ScanLimits(maxPages: 100))
        let result = await roomy.reader.read(.file(fixtureURL("bad/many-pages.pdf")))
        #expect(result.quality.pages == 60)
        #expect(result.kind != .kk && result.kind != .employerLetter, "\(result.kind)")
    }

    @Test("Given a PDF that takes longer to render than allowed, when a claim is checked, then the claim goes to an officer, not back to the claimant")
    func pdfTimeout() async throws {
        // A render limit no PDF can meet stands in for a server too busy to render in time.
        let hurried = try Precheck.load(workers: 1, limits: ScanLimits(pdfTimeout: 0.000_1))
        let dir = fixtureURL("claims/c0010")
        let folder = try ClaimFolder.load(dir)
        let result = await hurried.reader.read(try #require(folder.documents["kk"]), slot: "kk")
        #expect(result.issues.map(\.code) == [.documentTimedOut], "\(result.issues)")
        #expect(result.issues.first?.message.contains("petugas") == true)

        let verdict = await hurried.check(form: folder.form, documents: folder.documents, context: ClaimContext())
        #expect(verdict.status == .review, "\(verdict.reasons.map(\.code.rawValue))")
        #expect(verdict.reasons.contains { $0.code == .documentTimedOut && $0.document == "kk" })
        #expect(!verdict.reasons.contains { $0.code == .documentUnreadable || $0.code == .documentWrongKind })
    }
}
