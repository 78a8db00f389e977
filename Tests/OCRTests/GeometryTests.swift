import Foundation
import Testing
@testable import OCR

/// Boxes found on a straightened page must land on the same spot of the scan the officer sees.
@Suite("Page geometry")
struct GeometryTests {
    /// A grey image: `background` everywhere, a `paper` quadrilateral (or nothing), and a black
    /// mark at `mark`.
    func drawing(width: Int, height: Int, background: UInt8, paper: [(Double, Double)]?, mark: PixelRect,
                 tileGrout: Int? = nil, light: ((Int, Int) -> Double)? = nil) -> Pix? {
        var px = [UInt8](repeating: background, count: width * height)
        // Tiles: dark grout lines every `tileGrout` pixels.
        if let step = tileGrout {
            for y in 0..<height { for x in 0..<width where x % step < 8 || y % step < 8 { px[y * width + x] = 90 } }
        }
        if let q = paper {
            // Inside test against each edge of the clockwise quadrilateral (y down).
            for y in 0..<height {
                for x in 0..<width {
                    var inside = true
                    for i in 0..<4 {
                        let a = q[i], b = q[(i + 1) % 4]
                        if (b.0 - a.0) * (Double(y) - a.1) - (b.1 - a.1) * (Double(x) - a.0) < 0 { inside = false; break }
                    }
                    if inside { px[y * width + x] = 235 }
                }
            }
        }
        for y in mark.y..<mark.maxY { for x in mark.x..<mark.maxX { px[y * width + x] = 0 } }
        // Uneven light: each pixel dimmed by the light falling on it.
        if let light {
            for y in 0..<height { for x in 0..<width { px[y * width + x] = UInt8(Double(px[y * width + x]) * light(x, y)) } }
        }
        return Pix.fromGrey(px, width: width, height: height)
    }

    /// The bounding box of the dark pixels of an 8-bit image.
    func darkBox(_ pix: Pix) -> PixelRect? {
        let px = pix.greyBytes(), w = pix.width
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        for (i, v) in px.enumerated() where v < 40 {
            x0 = min(x0, i % w); x1 = max(x1, i % w); y0 = min(y0, i / w); y1 = max(y1, i / w)
        }
        return x1 < 0 ? nil : PixelRect(x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1)
    }

    func centre(_ r: PixelRect) -> (Double, Double) { (Double(r.x) + Double(r.w) / 2, Double(r.y) + Double(r.h) / 2) }

    @Test("Given a page turned by 6 degrees, a box found on it maps back onto the mark in the scan")
    func rotationMapsBack() throws {
        let mark = PixelRect(x: 1500, y: 300, w: 60, h: 60)
        let scan = try #require(drawing(width: 1800, height: 1000, background: 255, paper: nil, mark: mark))
        var page = try #require(Preprocessor().prepare(scan))
        page = try #require(page.rotated(by: 6))
        let found = try #require(darkBox(page.image))
        // The mark moved on the turned page...
        #expect(abs(centre(found).1 - centre(mark.scaled(page.scale)).1) > 20)
        // ...and its box comes back to where it is printed.
        let back = centre(page.toOriginal(found)), truth = centre(mark)
        #expect(abs(back.0 - truth.0) < 4 && abs(back.1 - truth.1) < 4, "mapped back to \(back), printed at \(truth)")
    }

    @Test("Given a card photographed at an angle on a dark table, it is found, straightened, and boxes map back")
    func perspectiveMapsBack() throws {
        let card = [(300.0, 200.0), (1400.0, 260.0), (1360.0, 900.0), (280.0, 820.0)]
        let mark = PixelRect(x: 1100, y: 500, w: 50, h: 50)
        let photo = try #require(drawing(width: 1600, height: 1100, background: 110, paper: card, mark: mark))
        let quad = try #require(DocumentLocator.documentQuad(photo))
        for (found, truth) in zip(quad.corners, card) {
            #expect(hypot(found.0 - truth.0, found.1 - truth.1) < 12, "corner \(found) should be near \(truth)")
        }
        let page = try #require(Preprocessor().rectify(photo, quad: quad, minimumLongSide: 1600))
        // Straightened: the page is the card alone, about as wide as its top and bottom edges.
        #expect(page.image.width > page.image.height)
        let found = try #require(darkBox(page.image))
        let back = centre(page.toOriginal(found)), truth = centre(mark)
        #expect(abs(back.0 - truth.0) < 6 && abs(back.1 - truth.1) < 6, "mapped back to \(back), printed at \(truth)")
    }

    @Test("Given a page photographed at an angle on light tiles, its outline is the page's, not the page joined to the tiles")
    func outlineOnLightTiles() throws {
        let page = [(320.0, 180.0), (1420.0, 120.0), (1470.0, 900.0), (370.0, 940.0)]
        let mark = PixelRect(x: 800, y: 500, w: 40, h: 40)
        let photo = try #require(drawing(width: 1700, height: 1100, background: 200, paper: page, mark: mark, tileGrout: 150))
        let quad = try #require(DocumentLocator.documentQuad(photo))
        for (found, truth) in zip(quad.corners, page) {
            #expect(hypot(found.0 - truth.0, found.1 - truth.1) < 15, "corner \(found) should be near \(truth)")
        }
    }

    @Test("Given a page lit unevenly, its far side darker than the table beside its near side, its outline is still the page's")
    func outlineUnderUnevenLight() throws {
        let page = [(330.0, 200.0), (1450.0, 150.0), (1480.0, 930.0), (360.0, 960.0)]
        let mark = PixelRect(x: 800, y: 500, w: 40, h: 40)
        // The light falls from the right: the page's left edge (235 x 0.63) is darker than the
        // table at the right (150 x 0.97), so no brightness threshold parts page from table.
        let photo = try #require(drawing(width: 1700, height: 1100, background: 150, paper: page, mark: mark,
                                         light: { x, _ in 0.45 + 0.55 * Double(x) / 1700 }))
        let (region, quad) = DocumentLocator.locate(photo)
        let outline = try #require(quad)
        for (found, truth) in zip(outline.corners, page) {
            // One pixel of the 320-pixel working size is 5 here.
            #expect(hypot(found.0 - truth.0, found.1 - truth.1) < 25, "corner \(found) should be near \(truth)")
        }
        let box = try #require(region)
        #expect(box.x > 300 && box.maxX < 1520 && box.y > 120 && box.maxY < 1000, "region \(box)")
    }

    @Test("Given a white page on a pale table, too alike in brightness for a threshold, its outline is found from its edges")
    func outlineOnPaleTable() throws {
        let page = [(290.0, 120.0), (1380.0, 40.0), (1430.0, 1500.0), (360.0, 1520.0)]
        let mark = PixelRect(x: 800, y: 700, w: 40, h: 40)
        // Page 235 on a table of 205: the bright and dark halves differ by less than the
        // threshold search needs.
        let photo = try #require(drawing(width: 1600, height: 1600, background: 205, paper: page, mark: mark))
        let (region, quad) = DocumentLocator.locate(photo)
        let outline = try #require(quad)
        for (found, truth) in zip(outline.corners, page) {
            #expect(hypot(found.0 - truth.0, found.1 - truth.1) < 25, "corner \(found) should be near \(truth)")
        }
        let box = try #require(region)
        #expect(box.x > 260 && box.maxX < 1460 && box.y > 10, "region \(box)")
    }

    @Test("Given an upright scan or a photo without a document, no outline is reported")
    func noQuadForUprightPages() throws {
        let mark = PixelRect(x: 100, y: 100, w: 20, h: 20)
        let upright = try #require(drawing(width: 1200, height: 800, background: 60,
                                           paper: [(200, 150), (1000, 150), (1000, 650), (200, 650)], mark: mark))
        #expect(DocumentLocator.documentQuad(upright) == nil)
        let blank = try #require(drawing(width: 800, height: 600, background: 255, paper: nil, mark: mark))
        #expect(DocumentLocator.documentQuad(blank) == nil)
    }
}

/// A crop is worth reading again only when it is enlarged: the reader compares this scale with
/// the page's own before spending a pass on it.
@Suite("Crop scale")
struct CropScaleTests {
    @Test("a region smaller than the minimum is enlarged to it, one within the range is not rescaled, a larger one is reduced")
    func scaleFactor() {
        #expect(Preprocessor.scaleFactor(longSide: 800, minimumLongSide: 1600) == 2)
        #expect(Preprocessor.scaleFactor(longSide: 1647, minimumLongSide: 1600) == 1)
        #expect(Preprocessor.scaleFactor(longSide: 4800, minimumLongSide: 1600) == 0.5)
        // Never more than 4 times: a speck is not blown up into a page.
        #expect(Preprocessor.scaleFactor(longSide: 100, minimumLongSide: 1600) == 4)
    }
}
