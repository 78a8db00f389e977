import Foundation
import OCR
import Testing
@testable import Verification

/// The crop a page is read again in, around the words its first reading found.
@Suite("Text region")
struct TextRegionTests {
    /// A white page with dark bars standing for print: `columns` are x ranges, each drawn on
    /// rows 100..<400.
    func page(_ columns: [Range<Int>], width: Int = 1200, height: Int = 600) -> Pix? {
        var px = [UInt8](repeating: 250, count: width * height)
        for y in 100..<400 where y % 30 < 18 {
            for c in columns { for x in c { px[y * width + x] = 30 } }
        }
        return Pix.fromGrey(px, width: width, height: height)
    }

    @Test("Given print left of the words found, with a gap of a few word heights, when the extent is widened, then it reaches that print")
    func widensOverSkippedLabels() throws {
        // Labels at 100..<300, values at 380..<700 (a gap of 80, four word heights of 20).
        let image = try #require(page([100..<300, 380..<700]))
        let (x0, x1) = DocumentAnalysis.widenedOverInk(x0: 380, x1: 700, y0: 100, y1: 400, image: image, gap: 6 * 20)
        #expect(x0 == 100)
        // Nothing right of the values: the right edge is the values' own.
        #expect(x1 == 700)
    }

    @Test("Given print beyond a wide empty band, when the extent is widened, then it stops at the band")
    func stopsAtWideGap() throws {
        // A mark at 0..<40, 340 columns of paper from the values at 380.
        let image = try #require(page([0..<40, 380..<700]))
        let (x0, _) = DocumentAnalysis.widenedOverInk(x0: 380, x1: 700, y0: 100, y1: 400, image: image, gap: 6 * 20)
        #expect(x0 == 380)
    }

    @Test("Given light patterns beside the words, when the extent is widened, then they are not print")
    func lightPatternIsNoPrint() throws {
        var px = [UInt8](repeating: 250, count: 1200 * 600)
        for y in 100..<400 { for x in 0..<380 where (x + y) % 9 < 3 { px[y * 1200 + x] = 170 } }
        for y in 100..<400 where y % 30 < 18 { for x in 380..<700 { px[y * 1200 + x] = 30 } }
        let image = try #require(Pix.fromGrey(px, width: 1200, height: 600))
        let (x0, _) = DocumentAnalysis.widenedOverInk(x0: 380, x1: 700, y0: 100, y1: 400, image: image, gap: 120)
        #expect(x0 == 380)
    }
}
