import Foundation
import OCR

/// One line of text read inside one column of a member table.
struct KKCellLine {
    var text: String
    /// Slope-corrected vertical centre on the page (as `KKGeometry.correctedMidY`).
    var y: Double
    var box: PixelRect
    var confidence: Double

    var token: Token { Token(text: text, box: box, confidence: confidence) }
}

/// Re-reads one column of a member table on its own: the strip between two column borders,
/// from under the headings to the table's end, enlarged so its print is about 32 pixels high
/// and read as one block. Alone in its strip, a column's lines cannot be merged with the
/// neighbouring columns' lines (rows printed a little off their neighbours, a page that is
/// not quite level, two rows read as one tall line on a photo), and the cell lines keep
/// their order even where the full-page pass read nothing.
struct KKColumnStrip {
    var x0: Int
    var x1: Int
    /// Slope-corrected top and bottom of the data rows.
    var top: Int
    var bottom: Int
    var slope: Double
    /// The table's print height on the page.
    var textHeight: Int

    /// The strip's lines, top to bottom; `whitelist` limits the characters (digits for a NIK).
    /// The print height is measured on a first reading and the strip read again at the right
    /// size when the guess was far off (a page pass that read the cells as tall merged words).
    func read(_ ctx: PageContext, whitelist: String?, targetHeight: Double = 32) -> [KKCellLine] {
        let passes = readings(ctx, whitelist: whitelist, targetHeight: targetHeight)
        return passes.max { a, b in a.filter { $0.text.count >= 6 }.count < b.filter { $0.text.count >= 6 }.count } ?? []
    }

    /// Every reading made: the first at the guessed print height, then at the height measured
    /// on the lines read, and `extra` more at a larger size (independent readings to compare).
    func readings(_ ctx: PageContext, whitelist: String?, targetHeight: Double = 32, extra: Int = 0) -> [[KKCellLine]] {
        var assumed = Double(textHeight)
        var passes: [[KKCellLine]] = []
        var tried: [Double] = []
        for _ in 0..<3 {
            tried.append(assumed)
            let lines = read(ctx, whitelist: whitelist, assumedHeight: assumed, targetHeight: targetHeight)
            passes.append(lines)
            let hs = lines.filter { $0.text.count >= 6 }.map(\.box.h).sorted()
            let next = hs.isEmpty ? assumed / 2 : Double(hs[hs.count / 2])
            if next < 5 || tried.contains(where: { abs($0 - next) <= 0.25 * $0 }) { break }
            assumed = next
        }
        for i in 0..<extra {
            passes.append(read(ctx, whitelist: whitelist, assumedHeight: assumed, targetHeight: targetHeight * (1.35 + 0.3 * Double(i))))
        }
        return passes
    }

    private func read(_ ctx: PageContext, whitelist: String?, assumedHeight: Double, targetHeight: Double) -> [KKCellLine] {
        let image = ctx.page.image
        let mid = Double(x0 + x1) / 2
        let y0 = Int(Double(top) + slope * mid), y1 = Int(Double(bottom) + slope * mid)
        let margin = max(4, textHeight / 2)
        guard x1 - x0 > 8, y1 - y0 > 4 else { return [] }
        // A little wider than the column, then cut at the ruled borders nearest its middle.
        let wide = PixelRect(x: x0 - margin, y: y0, w: x1 - x0 + 2 * margin, h: y1 - y0)
        guard let w0 = wide.clipped(width: image.width, height: image.height), let crop0 = image.cropped(w0),
              let (left, right) = Self.borders(crop0, middle: Int(mid) - w0.x) else { return [] }
        let r = PixelRect(x: w0.x + left, y: w0.y, w: right - left, h: w0.h)
        guard r.w > 8, let crop = image.cropped(r) else { return [] }
        let factor = min(4, max(1, targetHeight / max(assumedHeight, 1)))
        let pad = 16
        guard let cleaned = Self.withoutRules(crop, textHeight: Int(assumedHeight)), let big = cleaned.scaled(by: factor),
              let padded = big.bordered(pad) else { return [] }
        if let dir = ProcessInfo.processInfo.environment["BERKAS_DEBUG_KK_DIR"] {
            _ = padded.writePNG(to: "\(dir)/strip-\(x0)-\(whitelist?.count ?? 0)-\(Int(assumedHeight)).png")
        }
        let result = ctx.recognize(on: padded, segmentation: .singleBlock, whitelist: whitelist)
        var out: [KKCellLine] = []
        for line in result.lines {
            let words = line.filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
            guard !words.isEmpty else { continue }
            let boxes = words.map { w in
                PixelRect(x: r.x + Int(Double(w.box.x - pad) / factor), y: r.y + Int(Double(w.box.y - pad) / factor),
                          w: max(1, Int(Double(w.box.w) / factor)), h: max(1, Int(Double(w.box.h) / factor)))
            }
            let box = boxes.dropFirst().reduce(boxes[0]) { $0.union($1) }
            // Tiny marks (a ruled line's remains) are not text.
            guard Double(box.h) * 2 >= assumedHeight else { continue }
            let text = words.map(\.text).joined(separator: " ")
            let conf = words.map(\.confidence).reduce(0, +) / Double(words.count)
            out.append(KKCellLine(text: text, y: Double(box.midY) - slope * Double(box.midX), box: box, confidence: conf))
        }
        return out.sorted { $0.y < $1.y }
    }

    /// The ruled borders left and right of `middle` in a strip: pixel columns dark over most of
    /// the strip's height (allowing a line that leans a pixel or two); the strip's edges when
    /// there is none.
    static func borders(_ crop: Pix, middle: Int) -> (Int, Int)? {
        guard let g = crop.grey() else { return nil }
        let w = g.width, h = g.height
        guard w > 4, h > 4 else { return nil }
        let px = g.greyBytes()
        let sorted = px.sorted()
        let threshold = (Int(sorted[sorted.count / 2]) + Int(sorted[sorted.count / 200])) / 2
        var counts = [Int](repeating: 0, count: w)
        for y in 0..<h {
            var dark = [Bool](repeating: false, count: w)
            for x in 0..<w where Int(px[y * w + x]) < threshold { dark[x] = true }
            for x in 0..<w where dark[max(0, x - 2)...min(w - 1, x + 2)].contains(true) { counts[x] += 1 }
        }
        let lines = (0..<w).filter { Double(counts[$0]) >= 0.6 * Double(h) }
        // (`lines` holds the rule widened by two pixels each side.)
        let left = (lines.filter { $0 < middle }.max() ?? -2) + 1
        let right = (lines.filter { $0 > middle }.min() ?? (w + 1)) - 1
        return right - left > 8 ? (left, right) : (0, w)
    }

    /// The strip with its ruled lines whitened: pixel rows that are dark over most of the
    /// strip's width in a band thinner than the print (row rules, solid or dashed), and pixel
    /// columns dark over most of its height (the column borders).
    static func withoutRules(_ crop: Pix, textHeight: Int) -> Pix? {
        guard let g = crop.grey() else { return nil }
        let w = g.width, h = g.height
        guard w > 4, h > 4 else { return g }
        var px = g.greyBytes()
        let sorted = px.sorted()
        let median = Int(sorted[sorted.count / 2]), darkest = Int(sorted[sorted.count / 200])
        guard median - darkest > 30 else { return g }
        let threshold = UInt8((median + darkest) / 2)
        var rowDark = [Int](repeating: 0, count: h), colDark = [Int](repeating: 0, count: w)
        for y in 0..<h {
            for x in 0..<w where px[y * w + x] < threshold {
                rowDark[y] += 1
                colDark[x] += 1
            }
        }
        let thin = max(2, textHeight / 4)
        var y = 0
        while y < h {
            guard Double(rowDark[y]) >= 0.45 * Double(w) else { y += 1; continue }
            var e = y
            while e + 1 < h && Double(rowDark[e + 1]) >= 0.45 * Double(w) { e += 1 }
            if e - y + 1 <= thin {
                // Whiten the rule and one pixel of its blur on each side.
                for yy in max(0, y - 1)...min(h - 1, e + 1) {
                    for x in 0..<w { px[yy * w + x] = UInt8(median) }
                }
            }
            y = e + 1
        }
        for x in 0..<w where Double(colDark[x]) >= 0.7 * Double(h) {
            for xx in max(0, x - 1)...min(w - 1, x + 1) {
                for yy in 0..<h { px[yy * w + xx] = UInt8(median) }
            }
        }
        return Pix.fromGrey(px, width: w, height: h)
    }
}

/// Pairs the lines of one column with the rows of another when the columns may sit a little
/// above or below each other (a renderer's offset, a page not quite level): the common shift
/// that lines up most lines, then each line to the nearest row within half a row.
enum KKRowAlignment {
    /// For each anchor row, the index of its line in `lines`, when one lines up.
    static func align(_ lines: [Double], to anchors: [Double], pitch: Double) -> [Int: Int] {
        guard !lines.isEmpty, !anchors.isEmpty, pitch > 0 else { return [:] }
        var shifts: [Double] = [0]
        for l in lines { for a in anchors where abs(l - a) < 0.8 * pitch { shifts.append(l - a) } }
        func matches(_ d: Double) -> Int {
            lines.filter { l in anchors.contains { abs(l - d - $0) <= 0.3 * pitch } }.count
        }
        var shift = 0.0, best = -1
        for d in shifts {
            let m = matches(d)
            if m > best || (m == best && abs(d) < abs(shift)) { shift = d; best = m }
        }
        var out: [Int: (Int, Double)] = [:]
        for (i, l) in lines.enumerated() {
            var k = 0, dist = Double.infinity
            for (j, a) in anchors.enumerated() where abs(l - shift - a) < dist { k = j; dist = abs(l - shift - a) }
            guard dist <= 0.45 * pitch else { continue }
            if let prev = out[k], prev.1 <= dist { continue }
            out[k] = (i, dist)
        }
        return out.mapValues(\.0)
    }

    /// The usual distance between consecutive rows.
    static func pitch(_ anchors: [Double]) -> Double {
        let gaps = zip(anchors.dropFirst(), anchors).map { $0 - $1 }.filter { $0 > 0 }.sorted()
        return gaps.isEmpty ? 40 : gaps[gaps.count / 2]
    }
}
