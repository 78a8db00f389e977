import Foundation
import OCR

/// Second readings of an employer letter photographed by phone, where the first page read
/// leaves body text too small or skips blocks: the page read again enlarged, the closing block
/// read alone, and the way two readings of the same letter are combined.
enum LetterSecondLook {
    /// The word height the second reading aims at. Clean letters at 200 dpi (words about 21
    /// pixels high) read nearly perfectly; a photographed page that the reader straightened
    /// and enlarged to words of 35-40 pixels carries the photo's blur enlarged with it and reads
    /// better brought back to about 24 (measured on the phone letters of the corpus).
    static let targetTextHeight = 24.0

    /// The median height of the confidently read words.
    static func textHeight(_ words: [OCRWord]) -> Double? {
        let heights = words.filter { $0.confidence >= 0.6 && $0.text.count >= 3 }.map(\.box.h).sorted()
        guard heights.count >= 10 else { return nil }
        return Double(heights[heights.count / 2])
    }

    /// How much to scale the page for a reading at the target word height; nil when it is
    /// there already.
    static func enlargement(_ ctx: PageContext) -> Double? {
        guard let h = textHeight(ctx.ocr.words) else { return nil }
        let factor = max(0.5, min(2, targetTextHeight / max(h, 1)))
        // Bringing large print back down only pays where the reader enlarged a photo (and its
        // blur); a scan's sharp print at its own resolution reads best as it is.
        if factor < 1, ctx.page.scale <= 1.1 { return nil }
        return abs(factor - 1) >= 0.2 ? factor : nil
    }

    /// The page read again at the target word height, with the words' boxes in the page's pixels; nil when the
    /// text is large enough already.
    static func closerWords(_ ctx: PageContext) -> [OCRWord]? {
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_LETTER"] != nil {
            FileHandle.standardError.write(Data("text height \(textHeight(ctx.ocr.words) ?? 0)\n".utf8))
        }
        guard let factor = enlargement(ctx), let big = ctx.page.image.scaled(by: factor) else { return nil }
        let again = ctx.recognize(on: big, segmentation: .auto)
        guard !again.timedOut, !again.words.isEmpty else { return nil }
        return again.words.map { w in
            var w = w
            w.box = w.box.scaled(1 / factor)
            return w
        }
    }

    /// The rows of the page below `top` (page pixels), read as one block of text at the target
    /// word height. The region spans the text column and about a dozen
    /// line pitches (place and date, the closing, the signature space, name and position): on a
    /// photo, the table under the page would otherwise darken the whole region's threshold.
    static func rows(below top: Int, column: ClosedRange<Int>, pitch: Int, ctx: PageContext) -> [TextRow] {
        rows(from: top, to: max(0, top - 4) + 12 * pitch, column: column, pitch: pitch, ctx: ctx)
    }

    /// The rows between `top` and `bottom` (page pixels) across the text column, read as one
    /// block of text at the target word height, their boxes in the page's pixels.
    static func rows(from top: Int, to bottom: Int, column: ClosedRange<Int>, pitch: Int, ctx: PageContext) -> [TextRow] {
        let image = ctx.page.image
        let y = max(0, top - 4)
        let x0 = max(0, column.lowerBound - pitch), x1 = min(image.width, column.upperBound + pitch)
        let h = min(image.height - y, bottom - y)
        guard h > 40, x1 - x0 > 40, let crop = image.cropped(PixelRect(x: x0, y: y, w: x1 - x0, h: h)) else { return [] }
        let factor = enlargement(ctx) ?? 1
        guard let big = factor != 1 ? crop.scaled(by: factor) : crop else { return [] }
        let result = ctx.recognize(on: big, segmentation: .singleBlock)
        let words = result.words.map { w in
            var w = w
            let b = w.box.scaled(1 / factor)
            w.box = PixelRect(x: b.x + x0, y: b.y + y, w: b.w, h: b.h)
            return w
        }
        let geo = KKGeometry(words: words)
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_LETTER"] != nil {
            FileHandle.standardError.write(Data("block from \(y) to \(y + h) x\(factor): \(result.text)\n".utf8))
        }
        return geo.rows(geo.tokens).filter { r in r.tokens.contains { !TextMatch.key($0.text).isEmpty } }
    }

    /// The rows below `top` read from the loaded photo itself, for a page whose prepared image
    /// ends before the closing block (the reader crops a photo to the words its first pass
    /// read, and a skipped signature block is then cut off). The rows' boxes are in the photo's
    /// pixels, so fields taken from them carry no box.
    static func photoRows(below top: Int, column: ClosedRange<Int>, pitch: Int, ctx: PageContext) -> [TextRow] {
        let page = ctx.page
        let seam = page.toOriginal(PixelRect(x: column.lowerBound, y: max(0, top - 4),
                                             w: max(1, column.upperBound - column.lowerBound), h: 1))
        let scale = Double(seam.w) / Double(max(1, column.upperBound - column.lowerBound))
        let photoPitch = max(8, Int(Double(pitch) * scale))
        let x0 = max(0, seam.x - photoPitch), x1 = min(page.original.width, seam.maxX + photoPitch)
        let y0 = max(0, seam.y), h = min(page.original.height - y0, 12 * photoPitch)
        // Only when the photo holds clearly more below the page's last line than the page does.
        guard h > 3 * photoPitch, x1 - x0 > 40, let crop = page.original.cropped(PixelRect(x: x0, y: y0, w: x1 - x0, h: h))?.grey() else { return [] }
        var factor = 1.0
        if let textHeight = textHeight(ctx.ocr.words) { factor = max(0.5, min(2.5, targetTextHeight / max(1, textHeight * scale))) }
        guard let sized = crop.scaled(by: factor) else { return [] }
        let result = ctx.recognize(on: sized, segmentation: .singleBlock)
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_LETTER"] != nil {
            FileHandle.standardError.write(Data("photo block from \(y0) x\(factor): \(result.text)\n".utf8))
        }
        let words = result.words.map { w in
            var w = w
            let b = w.box.scaled(1 / factor)
            w.box = PixelRect(x: b.x + x0, y: b.y + y0, w: b.w, h: b.h)
            return w
        }
        let geo = KKGeometry(words: words)
        return geo.rows(geo.tokens).filter { r in r.tokens.contains { !TextMatch.key($0.text).isEmpty } }
    }

    /// Combines two readings of one letter field by field. Where they agree the value stands
    /// with the better confidence; where only one read a value, it stands; where they disagree,
    /// the more confident one stands with its confidence capped, since one of the two readings
    /// is wrong.
    static func merge(_ a: Extraction, _ b: Extraction) -> Extraction {
        var out = a
        for name in Set(a.fields.keys).union(b.fields.keys) {
            let x = a.fields[name], y = b.fields[name]
            guard let x, x.value != nil else { if let y { out.fields[name] = y }; continue }
            guard let y, y.value != nil else { continue }
            if same(x.value, y.value) {
                out.fields[name] = x.confidence >= y.confidence ? x : y
            } else {
                var pick = y.confidence > x.confidence ? y : x
                if name == "alasan_berhenti" {
                    // `unknown` is the absence of reason words, which a poorer reading also gives.
                    if x.value == "unknown" { pick = y } else if y.value == "unknown" { pick = x }
                } else {
                    pick.confidence = min(pick.confidence, disagreementCap)
                }
                out.fields[name] = pick
            }
        }
        out.issues = a.issues + b.issues.filter { i in !a.issues.contains { $0.code == i.code && $0.field == i.field } }
        return out
    }

    /// Below the rules' field confidence threshold: a value two readings disagree on goes to an officer.
    static let disagreementCap = 0.55

    static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return TextMatch.key(a) == TextMatch.key(b)
    }
}
