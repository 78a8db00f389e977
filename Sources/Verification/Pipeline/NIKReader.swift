import Foundation
import OCR

/// Reads a NIK from a crop of its line. Stock Tesseract reads the OCR-A-like NIK typeface
/// badly (FACTS.md), so the digits are segmented and matched against rendered templates; a
/// Tesseract digits-only pass is a second opinion, and only a reading that is a valid NIK
/// (structure, region code, and the birth date and sex printed on the card when known) is
/// trusted.
struct NIKReader {
    let templates: GlyphTemplates
    let wilayah: Wilayah
    let referenceDate: CalendarDate

    struct Glyph {
        var box: PixelRect
        var digit: Character
        var score: Float
        var second: Character
        var secondScore: Float
    }

    /// A template match whose margin over the runner-up digit is below this is a coin toss.
    static let unsureMargin: Float = 0.1

    /// The digits found by template matching, left to right.
    func segment(_ crop: Pix) -> [Glyph] {
        guard let grey = crop.grey(), grey.width > 8, grey.height > 8 else { return [] }
        let w = grey.width, h = grey.height
        let px = grey.greyBytes()
        let threshold = DocumentLocator.otsu(px)
        var mask = px.map { Int($0) < threshold }
        var comps = Self.components(mask: mask, w: w, h: h)
        guard !comps.isEmpty else { return [] }
        // The crop holds more than the NIK line: the tops of the name line below it, the
        // label's last letters, a card edge. Pieces of those that touch a digit's column used
        // to be glued onto it (clean ktp-008 read 8 as 6 that way), so ink outside the band
        // the digits stand in (a sloping band on a photo) is dropped first.
        if let band = DigitBand(comps) {
            for y in 0..<h { for x in 0..<w where mask[y * w + x] && !band.contains(x: x, y: y) { mask[y * w + x] = false } }
            comps = Self.components(mask: mask, w: w, h: h)
            guard !comps.isEmpty else { return [] }
        }

        // The digits are the tallest consistent shapes on the line.
        let tall = comps.map(\.h).sorted(by: >)
        let digitH = tall[min(tall.count - 1, max(0, min(15, tall.count / 2)))]
        guard digitH >= 6 else { return [] }
        let kept = comps.filter { Double($0.h) >= 0.55 * Double(digitH) && Double($0.h) <= 1.5 * Double(digitH) && $0.w <= 3 * digitH }
        var glyphs = kept.map { PixelRect($0) }
        // Pieces of a broken glyph overlap it horizontally.
        let keptSet = Set(kept)
        let pieces = comps.filter { c in !keptSet.contains(c) && c.count >= 3 }
        for p in pieces {
            if let i = glyphs.firstIndex(where: { g in
                let overlap = min(g.maxX, p.maxX) - max(g.x, p.x)
                return overlap > 0 && Double(overlap) >= 0.5 * Double(min(g.w, p.w))
            }) {
                glyphs[i] = glyphs[i].union(p)
            }
        }
        glyphs.sort { $0.x < $1.x }
        // Merge shapes that overlap strongly in x (a glyph broken top/bottom).
        var merged: [PixelRect] = []
        for g in glyphs {
            if let last = merged.last {
                let overlap = min(last.maxX, g.maxX) - max(last.x, g.x)
                if overlap > 0 && Double(overlap) >= 0.6 * Double(min(last.w, g.w)) {
                    merged[merged.count - 1] = last.union(g); continue
                }
            }
            merged.append(g)
        }
        guard !merged.isEmpty else { return [] }
        // Touching glyphs (blur) become one wide shape: split by the typical width.
        let widths = merged.map(\.w).sorted()
        let typical = max(1, widths[widths.count / 2])
        var split: [PixelRect] = []
        for g in merged {
            let n = Int((Double(g.w) / Double(typical)).rounded())
            if Double(g.w) > 1.6 * Double(typical), n >= 2 {
                for k in 0..<n {
                    let x0 = g.x + g.w * k / n, x1 = g.x + g.w * (k + 1) / n
                    split.append(PixelRect(x: x0, y: g.y, w: x1 - x0, h: g.h))
                }
            } else {
                split.append(g)
            }
        }
        // Keep the longest run of evenly spaced glyphs (drops a colon or label letters).
        let pitch = Self.medianPitch(split)
        var runs: [[PixelRect]] = [[]]
        for g in split {
            if let last = runs[runs.count - 1].last, Double(g.x - last.maxX) > 1.2 * Double(max(pitch, typical)) {
                runs.append([])
            }
            runs[runs.count - 1].append(g)
        }
        let run = runs.max { $0.count < $1.count } ?? []

        var read = run.map { r in
            var sub = [Bool](repeating: false, count: r.w * r.h)
            for y in 0..<r.h { for x in 0..<r.w {
                let sx = r.x + x, sy = r.y + y
                if sx < w && sy < h { sub[y * r.w + x] = mask[sy * w + sx] }
            } }
            guard let ink = InkBox(mask: sub, w: r.w, h: r.h) else {
                return Glyph(box: r, digit: "?", score: 0, second: "?", secondScore: 0)
            }
            let c = templates.classify(ink.feature(mask: sub, w: r.w))
            return Glyph(box: r, digit: c.digit, score: c.score, second: c.second, secondScore: c.secondScore)
        }
        // A mark at either end of the line evenly spaced with the digits (the photo's edge, a
        // speck) is one glyph too many: dropped when it is like no digit.
        while read.count > 16, let end = [read.first!, read.last!].min(by: { $0.score < $1.score }),
              end.score < Self.strayGlyphScore {
            if end.box == read.first!.box { read.removeFirst() } else { read.removeLast() }
        }
        return read
    }

    /// Below this template score, a seventeenth glyph at the line's end is not a digit.
    static let strayGlyphScore: Float = 0.6

    /// Chooses the NIK from the template reading and Tesseract's, checking each against the NIK
    /// rules and the printed birth date and sex.
    func decide(glyphs: [Glyph], tesseract: String, tesseractConfidence: Double,
                printedBirthDate: CalendarDate?, printedSex: NIK.Sex?) -> (value: String?, confidence: Double) {
        let templateString = String(glyphs.map(\.digit))
        func plausible(_ s: String) -> NIK? {
            guard let nik = NIK(s, referenceDate: referenceDate), wilayah.isKnownDistrict(nik.regionDigits) else { return nil }
            if let d = printedBirthDate, d != nik.birthDate { return nil }
            if let sex = printedSex, sex != nik.sex { return nil }
            return nik
        }
        let glyphConfidence = glyphs.isEmpty ? 0 : Double(glyphs.map { g in
            // Margin over the runner-up matters as much as the score itself.
            min(1, max(0, Double(g.score) * 0.6 + Double(g.score - g.secondScore) * 2.0))
        }.min() ?? 0)

        let tessDigits = String(tesseract.filter { $0.isNumber })
        let templateValid = glyphs.count == 16 ? plausible(templateString) : nil
        let tessValid = tessDigits.count == 16 ? plausible(tessDigits) : nil

        if let t = templateValid, let s = tessValid, t.digits == s.digits {
            return (t.digits, 0.99)
        }
        if let t = templateValid, let s = tessValid {
            // Two different valid readings: the NIK is printed in a face the templates do not
            // know, or one digit is ambiguous. Either may be right; an officer decides. Where
            // the templates could hardly tell their digit from another at every place the two
            // differ, Tesseract's reading is the better guess (a sans face the templates lack).
            let differing = zip(t.digits, s.digits).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
            let templatesUnsure = differing.allSatisfy { glyphs[$0].score - glyphs[$0].secondScore < Self.unsureMargin }
            return (templatesUnsure ? s.digits : t.digits, min(0.55, 0.4 + 0.3 * glyphConfidence))
        }
        if let t = templateValid {
            // Tesseract disagrees (it often does on OCR-A); trust the templates by their margins.
            return (t.digits, min(0.97, 0.7 + 0.3 * glyphConfidence))
        }
        // Try the runner-up digit where the template match was close.
        if glyphs.count == 16 {
            let doubtful = glyphs.indices.filter { glyphs[$0].score - glyphs[$0].secondScore < 0.08 }
                .sorted { (glyphs[$0].score - glyphs[$0].secondScore) < (glyphs[$1].score - glyphs[$1].secondScore) }
                .prefix(4)
            var found: [String] = []
            for i in doubtful {
                var chars = Array(templateString)
                chars[i] = glyphs[i].second
                let s = String(chars)
                if plausible(s) != nil { found.append(s) }
            }
            // Where Tesseract agrees with one repair, that settles it.
            if let agreed = found.first(where: { $0 == tessDigits }) { return (agreed, 0.9) }
            if found.count == 1 { return (found[0], 0.6) }
        }
        if let s = tessValid {
            return (s.digits, min(0.8, 0.4 + 0.4 * tesseractConfidence))
        }
        // Nothing valid: report the reading with low confidence rather than guess.
        if glyphs.count == 16 { return (templateString, 0.25) }
        if tessDigits.count == 16 { return (tessDigits, 0.2) }
        return (nil, 0)
    }

    // MARK: - Image helpers

    /// Bounding boxes of 8-connected ink components, with their pixel counts.
    static func components(mask: [Bool], w: Int, h: Int) -> [Component] {
        var label = [Int32](repeating: 0, count: w * h)
        var out: [Component] = []
        var stack: [Int] = []
        var next: Int32 = 1
        for start in 0..<(w * h) where mask[start] && label[start] == 0 {
            label[start] = next
            stack.append(start)
            var x0 = w, y0 = h, x1 = 0, y1 = 0, count = 0
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                count += 1
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
                for dy in -1...1 { for dx in -1...1 where dx != 0 || dy != 0 {
                    let nx = x + dx, ny = y + dy
                    if nx >= 0, ny >= 0, nx < w, ny < h {
                        let q = ny * w + nx
                        if mask[q] && label[q] == 0 { label[q] = next; stack.append(q) }
                    }
                } }
            }
            out.append(Component(x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, count: count))
            next += 1
        }
        return out
    }

    static func medianPitch(_ boxes: [PixelRect]) -> Int {
        guard boxes.count > 2 else { return boxes.first?.w ?? 1 }
        let gaps = zip(boxes, boxes.dropFirst()).map { $1.x - $0.x }.sorted()
        return gaps[gaps.count / 2]
    }
}

/// The band a line of digits stands in: its top and bottom edges as lines across the crop,
/// fitted to the components of about the digits' height (robustly: medians, so a few other
/// shapes of that size do not move it).
struct DigitBand {
    var slope: Double
    var top: Double
    var bottom: Double
    var margin: Double

    init?(_ comps: [Component]) {
        let tall = comps.map(\.h).sorted(by: >)
        guard !tall.isEmpty else { return nil }
        let digitH = Double(tall[min(tall.count - 1, max(0, min(15, tall.count / 2)))])
        let core = comps.filter { Double($0.h) >= 0.8 * digitH && Double($0.h) <= 1.25 * digitH && Double($0.w) <= 1.5 * digitH }
        guard core.count >= 3, digitH >= 6 else { return nil }
        let xs = core.map { Double($0.x) + Double($0.w) / 2 }
        let mids = core.map { Double($0.y) + Double($0.h) / 2 }
        var slopes: [Double] = []
        for i in core.indices { for j in core.indices where j > i && abs(xs[j] - xs[i]) > digitH {
            slopes.append((mids[j] - mids[i]) / (xs[j] - xs[i]))
        } }
        let slope = slopes.isEmpty ? 0 : slopes.sorted()[slopes.count / 2]
        guard abs(slope) < 0.15 else { return nil }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        self.slope = slope
        top = median(core.indices.map { Double(core[$0].y) - slope * xs[$0] })
        bottom = median(core.indices.map { Double(core[$0].y + core[$0].h) - slope * xs[$0] })
        margin = max(2, 0.12 * (bottom - top))
    }

    func contains(x: Int, y: Int) -> Bool {
        let shift = slope * Double(x)
        return Double(y) >= top + shift - margin && Double(y) <= bottom + shift + margin
    }
}

/// A connected component's box and pixel count.
struct Component: Hashable {
    var x: Int, y: Int, w: Int, h: Int, count: Int
    var maxX: Int { x + w }
    var rect: PixelRect { PixelRect(x: x, y: y, w: w, h: h) }
}

extension PixelRect {
    init(_ c: Component) { self.init(x: c.x, y: c.y, w: c.w, h: c.h) }
    func union(_ c: Component) -> PixelRect { union(PixelRect(c)) }
}
