import Foundation
import Testing
@testable import OCR

@Suite("Loading scans")
struct ScanLoaderTests {
    let loader = ScanLoader()

    @Test("Given one card in every format, when loaded, then each gives the same upright image size")
    func everyFormat() throws {
        let reference = try loader.load(file: fixture("formats/ktp.png"))
        #expect(reference.format == .png)
        let w = reference.pages[0].width, h = reference.pages[0].height
        #expect(w > h)
        for (file, format) in [("ktp.jpg", ImageFormat.jpeg), ("ktp.webp", .webp), ("ktp.bmp", .bmp),
                               ("ktp.tif", .tiff), ("ktp-exif6.jpg", .jpeg)] {
            let scan = try loader.load(file: fixture("formats/\(file)"))
            #expect(scan.format == format, "\(file)")
            #expect(scan.pages[0].width == w && scan.pages[0].height == h, "\(file): \(scan.pages[0].width)x\(scan.pages[0].height)")
        }
    }

    @Test("Given a two-page TIFF and a two-page PDF, when loaded, then every page is there")
    func multiPage() throws {
        #expect(try loader.load(file: fixture("formats/ktp.tif")).pages.count == 2)
        let pdf = try loader.load(file: fixture("formats/letter.pdf"))
        #expect(pdf.format == .pdf)
        #expect(pdf.pages.count == 2)
        #expect(pdf.pages[0].height > pdf.pages[0].width)
    }

    @Test("Given a long PDF or TIFF, when loaded, then only the first pages are rendered and every page is counted")
    func firstPagesOnly() throws {
        let roomy = ScanLoader(limits: ScanLimits(maxPages: 100, decodedPages: 2))
        let pdf = try roomy.load(file: fixture("bad/many-pages.pdf"))
        #expect(pdf.pages.count == 2)
        #expect(pdf.pageCount == 60)
        let firstOnly = ScanLoader(limits: ScanLimits(decodedPages: 1))
        let tiff = try firstOnly.load(file: fixture("formats/ktp.tif"))
        #expect(tiff.pages.count == 1 && tiff.pageCount == 2)
        #expect(try loader.load(file: fixture("formats/letter.pdf")).pageCount == 2)
    }

    @Test("Given limits, when a file is over them, then it is refused before decoding")
    func limits() throws {
        let small = ScanLoader(limits: ScanLimits(maxBytes: 1000))
        #expect(throws: ScanError.self) { try small.load(file: fixture("formats/ktp.png")) }
        let fewPixels = ScanLoader(limits: ScanLimits(maxPixels: 100_000))
        do {
            _ = try fewPixels.load(file: fixture("formats/ktp.png"))
            Issue.record("a 1012x638 image passed a 100,000-pixel limit")
        } catch let error as ScanError {
            guard case .tooManyPixels(let w, let h, _) = error else { Issue.record("\(error)"); return }
            #expect(w == 1012 && h == 638)
        }
        let onePage = ScanLoader(limits: ScanLimits(maxPages: 1))
        #expect(throws: ScanError.tooManyPages(pages: 2, limit: 1)) { try onePage.load(file: fixture("formats/letter.pdf")) }
    }

    @Test("Given each hostile file, when loaded, then it is refused with the right reason",
          arguments: [
            ("empty.jpg", "empty"), ("truncated.jpg", "corrupt"), ("truncated.png", "corrupt"),
            ("text.jpg", "unsupportedFormat"), ("huge-dimensions.png", "tooManyPixels"),
            ("many-pages.pdf", "tooManyPages"), ("encrypted.pdf", "encryptedPDF"), ("one-pixel.png", "tooSmall"),
          ])
    func hostile(file: String, expected: String) {
        do {
            let scan = try loader.load(file: fixture("bad/\(file)"))
            Issue.record("\(file) loaded: \(scan.pages.count) page(s)")
        } catch let error as ScanError {
            #expect(error.name == expected, "\(file): \(error)")
        } catch {
            Issue.record("\(file): unexpected \(error)")
        }
    }

    @Test("Given a CMYK JPEG and a 16-bit PNG, when loaded, then they decode to the card's size")
    func unusualEncodings() throws {
        for file in ["cmyk.jpg", "sixteen-bit.png"] {
            let scan = try loader.load(file: fixture("bad/\(file)"))
            #expect(scan.pages[0].width > 500, "\(file)")
            #expect(scan.pages[0].grey() != nil)
        }
    }

    @Test("Given a file name, when the bytes are another format, then the bytes decide")
    func sniffing() {
        #expect(ImageFormat.sniff(Array("%PDF-1.4".utf8)) == .pdf)
        #expect(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
        #expect(ImageFormat.sniff(Array("hello".utf8)) == nil)
    }
}
