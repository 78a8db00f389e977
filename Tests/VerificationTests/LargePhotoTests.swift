import Foundation
import OCR
import Testing
import Verification

/// A phone's 40-megapixel photo must neither blow up an engine's memory nor move the boxes.
@Suite("Large photos")
struct LargePhotoTests {
    @Test("Given a KTP saved as a 4.5x larger JPEG, when read, then it is decoded reduced and the fields and their boxes (in the file's pixels) match the small scan's")
    func hugeJPEGReadReduced() async throws {
        let small = fixtureURL("corpus/clean/ktp-001.png")
        let scan = try ScanLoader().load(file: small)
        let big = try #require(scan.pages[0].scaled(by: 4.5))
        let jpeg = try #require(big.jpegData(quality: 90))
        #expect(big.width > 4000)

        let loaded = try ScanLoader().load(data: Data(jpeg))
        #expect(loaded.reduction == 2)
        #expect(loaded.pages[0].width == big.width / 2)

        let reference = await sharedPrecheck.reader.read(.file(small), slot: "ktp")
        let result = await sharedPrecheck.reader.read(.data(Data(jpeg), name: "big.jpg"), slot: "ktp")
        #expect(result.kind == .ktp)
        // The file's size, to within the decoding reduction.
        #expect(abs(result.quality.width - big.width) < 2 && abs(result.quality.height - big.height) < 2)
        for field in ["nik", "nama", "tanggal_lahir"] {
            let a = try #require(reference.fields[field]?.value, "\(field) not read on the small scan")
            #expect(result.fields[field]?.value == a, "\(field)")
            let ra = try #require(reference.fields[field]?.box), rb = try #require(result.fields[field]?.box)
            // The same place on the card, 4.5 times further from the corner.
            let cx = Double(ra.x) + Double(ra.w) / 2, cy = Double(ra.y) + Double(ra.h) / 2
            let bx = Double(rb.x) + Double(rb.w) / 2, by = Double(rb.y) + Double(rb.h) / 2
            #expect(abs(bx - 4.5 * cx) < 30 && abs(by - 4.5 * cy) < 30, "\(field): \(rb) vs 4.5 x \(ra)")
        }
    }
}
