import Foundation
import OCR
import Testing
import Verification

/// Phones save photos sideways or upside down when the camera's orientation tag is lost or the
/// document lay the other way round; the reader must turn them upright, not call them unreadable.
@Suite("Turned documents")
struct TurnedDocumentTests {
    /// The same scan given clockwise quarter turns, as PNG bytes.
    func turned(_ path: String, quarterTurns: Int) throws -> (Data, width: Int, height: Int) {
        let scan = try ScanLoader().load(file: fixtureURL(path))
        let page = try #require(scan.pages[0].rotated(quarterTurns: quarterTurns))
        let png = try #require(page.pngData())
        return (Data(png), page.width, page.height)
    }

    /// Where a box on the upright scan lands once the scan is given `q` clockwise quarter turns.
    func turnedBox(_ b: Box, quarterTurns q: Int, width w: Int, height h: Int) -> (Double, Double) {
        let cx = Double(b.x) + Double(b.w) / 2, cy = Double(b.y) + Double(b.h) / 2
        switch q {
        case 1: return (Double(h) - cy, cx)
        case 2: return (Double(w) - cx, Double(h) - cy)
        default: return (cy, Double(w) - cx)
        }
    }

    @Test("Given a KTP turned a quarter, half or three quarters, when read, then it is a KTP with the upright scan's fields, boxed where they are on the turned file",
          arguments: [1, 2, 3])
    func turnedKTP(quarterTurns: Int) async throws {
        let path = "corpus/clean/ktp-001.png"
        let upright = await sharedPrecheck.reader.read(.file(fixtureURL(path)), slot: "ktp")
        let (data, _, _) = try turned(path, quarterTurns: quarterTurns)
        let result = await sharedPrecheck.reader.read(.data(data, name: "turned.png"), slot: "ktp")

        #expect(result.kind == .ktp)
        #expect(result.quality.readable)
        #expect(!result.issues.contains { $0.code == .documentUnreadable })
        for field in ["nama", "tanggal_lahir", "alamat"] {
            let value = try #require(upright.fields[field]?.value, "\(field) not read on the upright scan")
            #expect(result.fields[field]?.value == value, "\(field)")
            let a = try #require(upright.fields[field]?.box), b = try #require(result.fields[field]?.box)
            let (ex, ey) = turnedBox(a, quarterTurns: quarterTurns, width: upright.quality.width, height: upright.quality.height)
            let bx = Double(b.x) + Double(b.w) / 2, by = Double(b.y) + Double(b.h) / 2
            #expect(abs(bx - ex) < 12 && abs(by - ey) < 12, "\(field): box \(b) should be centred near (\(ex), \(ey))")
        }
        // A NIK is either the upright scan's or flagged as doubtful, never a confident other one.
        let nik = try #require(result.fields["nik"])
        #expect(nik.value == upright.fields["nik"]?.value || nik.confidence < 0.8, "NIK \(nik.value ?? "-") at \(nik.confidence)")
    }

    @Test("Given an employer letter upside down, when read, then it is a letter with the upright scan's name and reason")
    func upsideDownLetter() async throws {
        let path = "corpus/clean/letter-001.png"
        let upright = await sharedPrecheck.reader.read(.file(fixtureURL(path)), slot: "surat")
        let (data, _, _) = try turned(path, quarterTurns: 2)
        let result = await sharedPrecheck.reader.read(.data(data, name: "turned.png"), slot: "surat")
        #expect(result.kind == .employerLetter)
        for field in ["nama", "alasan_berhenti", "tanggal_berakhir"] {
            let value = try #require(upright.fields[field]?.value, "\(field) not read on the upright scan")
            #expect(result.fields[field]?.value == value, "\(field)")
        }
    }
}

/// A blurred photo that reads poorly is read again with its edges steepened.
@Suite("Blurred photos")
struct BlurredPhotoTests {
    @Test("Given a dark, blurred phone photo of a KTP, when read, then it is readable and its NIK and name come through")
    func blurredKTP() async throws {
        let path = "corpus/poor/ktp-004.jpg"
        let want = try truth(of: path)
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(path)), slot: "ktp")
        #expect(result.kind == .ktp)
        #expect(result.quality.readable)
        #expect(result.fields["nik"]?.value == want.fields["nik"] ?? nil)
        #expect(result.fields["nama"]?.value == want.fields["nama"] ?? nil)
        // A page that had to be sharpened to be read is a poor capture: nothing on it is certain.
        #expect(result.fields.values.allSatisfy { $0.confidence < 0.8 })
    }
}
