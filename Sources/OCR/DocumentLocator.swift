import Foundation

/// Finds a document inside a larger photo: the largest bright region that stands out from a
/// darker background (a card or page on a table). Text-based focusing needs readable words;
/// this works when the photo is too small or blurred for the first OCR pass to find any.
public enum DocumentLocator {
    /// The region in `page`'s pixels, or nil when no single region covers 5-92% of the photo.
    public static func brightRegion(_ page: Pix) -> PixelRect? {
        workingCopy(page).flatMap { brightComponent($0) }.flatMap { region(of: $0, in: page) }
    }

    /// The document's region and, when it is turned or seen at an angle, its outline, from one
    /// look at the photo (the reader needs both).
    public static func locate(_ page: Pix) -> (region: PixelRect?, quad: Quad?) {
        // One working copy for both searches.
        guard let copy = workingCopy(page) else { return (nil, nil) }
        let c = brightComponent(copy)
        // The bright region fails where light falls unevenly (the far side of the page darker
        // than the near side of the table) or where the document has a dark band (a letterhead's
        // black banner on a dark table): it then runs into the frame's edge or is no document's
        // shape. The page's own edges still stand out there.
        // Where no threshold parts a document from its background at all (a white page on a pale
        // table), its edges may still: taken then only when the photo steps up in brightness
        // along most of each side, not at one crossing of a line at the wrong slope.
        if c.map({ touchesFrame($0) || !outline(of: $0).isPlausibleDocument }) ?? true,
           let edges = edgeOutline(copy, minimumCoverage: c == nil ? Self.lowContrastEdgeCoverage : 0) {
            let xs = edges.corners.map(\.0), ys = edges.corners.map(\.1)
            let box = PixelRect(x: Int(xs.min()!) - 3, y: Int(ys.min()!) - 3,
                                w: Int(xs.max()! - xs.min()!) + 7, h: Int(ys.max()! - ys.min()!) + 7)
            return (box.clipped(width: page.width, height: page.height), edges)
        }
        return (c.flatMap { region(of: $0, in: page) }, c.flatMap { quad(of: $0) })
    }

    /// The share of each side along which the photo must step up in brightness for an outline
    /// found from edges alone, where no brightness threshold found the document.
    static let lowContrastEdgeCoverage = 0.7

    /// The region runs into the photo's edge: it is the page joined to a light background
    /// (or a page cut off by the frame).
    private static func touchesFrame(_ c: Component) -> Bool {
        let w = Int((Double(c.frameWidth) * c.scale).rounded()), h = Int((Double(c.frameHeight) * c.scale).rounded())
        return c.x0 <= 1 || c.y0 <= 1 || c.x1 >= w - 2 || c.y1 >= h - 2
    }

    /// The component's four extreme points, at the working size.
    private static func outline(of c: Component) -> Quad {
        Quad(topLeft: (Double(c.topLeft.0), Double(c.topLeft.1)),
             topRight: (Double(c.topRight.0 + 1), Double(c.topRight.1)),
             bottomRight: (Double(c.bottomRight.0 + 1), Double(c.bottomRight.1 + 1)),
             bottomLeft: (Double(c.bottomLeft.0), Double(c.bottomLeft.1 + 1)))
    }

    private static func region(of c: Component, in page: Pix) -> PixelRect? {
        let margin = 3
        let r = PixelRect(x: c.x0 - margin, y: c.y0 - margin, w: c.x1 - c.x0 + 1 + 2 * margin, h: c.y1 - c.y0 + 1 + 2 * margin)
        return r.scaled(1 / c.scale).clipped(width: page.width, height: page.height)
    }

    /// The document's four corners in `page`'s pixels when it is turned or seen at an angle
    /// (a card photographed on a table); nil when there is no document region or it is already
    /// an upright rectangle, so cropping `brightRegion` is enough.
    public static func documentQuad(_ page: Pix) -> Quad? {
        locate(page).quad
    }

    private static func quad(of c: Component) -> Quad? {
        let f = 1 / c.scale
        let quad = Quad(topLeft: (Double(c.topLeft.0) * f, Double(c.topLeft.1) * f),
                        topRight: (Double(c.topRight.0 + 1) * f, Double(c.topRight.1) * f),
                        bottomRight: (Double(c.bottomRight.0 + 1) * f, Double(c.bottomRight.1 + 1) * f),
                        bottomLeft: (Double(c.bottomLeft.0) * f, Double(c.bottomLeft.1 + 1) * f))
        // Corners that sit on their bounding box's corners: an upright rectangle.
        let box = [(Double(c.x0) * f, Double(c.y0) * f), (Double(c.x1 + 1) * f, Double(c.y0) * f),
                   (Double(c.x1 + 1) * f, Double(c.y1 + 1) * f), (Double(c.x0) * f, Double(c.y1 + 1) * f)]
        let size = Double(max(c.x1 - c.x0, c.y1 - c.y0) + 1) * f
        let off = zip(quad.corners, box).map { hypot($0.0 - $1.0, $0.1 - $1.1) }.max() ?? 0
        guard off > 0.02 * size else { return nil }
        // A quadrilateral too far from a rectangle is not a document's outline (a hand, a shadow).
        guard quad.isPlausibleDocument else { return nil }
        return quad
    }

    /// The largest bright connected region at a 320-pixel working size.
    private struct Component {
        var count = 0
        var x0 = Int.max, y0 = Int.max, x1 = 0, y1 = 0
        var topLeft = (0, 0), topRight = (0, 0), bottomRight = (0, 0), bottomLeft = (0, 0)
        var scale = 1.0
        /// The photo's size in its own pixels.
        var frameWidth = 0, frameHeight = 0
    }

    /// The photo in grey at most 320 pixels on its long side (the outline needs no more), its
    /// bytes, and the factor from the photo to it.
    private static func workingCopy(_ page: Pix) -> WorkingCopy? {
        guard let grey = page.grey() else { return nil }
        let f = 320.0 / Double(max(grey.width, grey.height))
        guard let small = f < 1 ? grey.scaled(by: f) : grey, small.depth == 8 else { return nil }
        let w = small.width, h = small.height
        let px = small.greyBytes()
        guard w > 8, h > 8, px.count == w * h else { return nil }
        return WorkingCopy(px: px, w: w, h: h, f: f, frameWidth: grey.width, frameHeight: grey.height)
    }

    private struct WorkingCopy {
        var px: [UInt8]
        var w: Int, h: Int
        /// From the photo to the copy.
        var f: Double
        var frameWidth: Int, frameHeight: Int
    }

    private static func brightComponent(_ copy: WorkingCopy) -> Component? {
        let (px, w, h, f) = (copy.px, copy.w, copy.h, copy.f)
        let t = otsu(px)
        // Too little contrast between document and background to tell them apart.
        var hi = 0.0, lo = 0.0, nHi = 0.0, nLo = 0.0
        for v in px { if Int(v) >= t { hi += Double(v); nHi += 1 } else { lo += Double(v); nLo += 1 } }
        guard nHi > 0, nLo > 0, hi / nHi - lo / nLo > 40 else { return nil }

        // Otsu's threshold splits ink and shadow from everything light, so a light table (tiles,
        // a pale cloth) can join the page into one region whose extreme points are not its
        // corners. Brighter thresholds part them: the document is the brightest region whose
        // outline is a plausible document's and stays put as the threshold rises (a region still
        // joined to the table, or breaking up, changes shape).
        let sorted = px.sorted()
        let bright = Int(sorted[sorted.count * 97 / 100])
        var thresholds = [t]
        if bright > t + 12 { thresholds += (1...6).map { t + (bright - t) * $0 / 7 } }
        var candidates: [(component: Component, outline: Quad, threshold: Int)] = []
        for threshold in thresholds {
            guard var c = largestComponent(px, width: w, height: h, threshold: threshold) else { continue }
            c.scale = f
            c.frameWidth = copy.frameWidth; c.frameHeight = copy.frameHeight
            let boxArea = Double((c.x1 - c.x0 + 1) * (c.y1 - c.y0 + 1))
            let share = boxArea / Double(w * h)
            // The region must be mostly filled (a document, not scattered highlights).
            guard share > 0.05, share < 0.92, Double(c.count) / boxArea > 0.5 else { continue }
            candidates.append((c, outline(of: c), threshold))
        }
        let stable = zip(candidates, candidates.dropFirst()).filter { a, b in
            let size = Double(max(a.component.x1 - a.component.x0, a.component.y1 - a.component.y0) + 1)
            let moved = zip(a.outline.corners, b.outline.corners).map { hypot($0.0 - $1.0, $0.1 - $1.1) }.max() ?? .infinity
            return moved < 0.03 * size
        }.map(\.0)
        if let page = stable.last(where: { $0.outline.isPlausibleDocument }) { return page.component }
        return (stable.first ?? candidates.first { $0.threshold == t })?.component
    }

    /// The largest connected region at or above `threshold`.
    private static func largestComponent(_ px: [UInt8], width w: Int, height h: Int, threshold t: Int) -> Component? {
        var label = [Int32](repeating: 0, count: w * h)
        var best: Component? = nil
        var stack: [Int] = []
        var next: Int32 = 1
        for start in 0..<(w * h) where Int(px[start]) >= t && label[start] == 0 {
            label[start] = next
            stack.append(start)
            var c = Component()
            // Extreme points along the diagonals are the corners of a turned quadrilateral.
            var minSum = Int.max, maxSum = Int.min, minDiff = Int.max, maxDiff = Int.min
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                c.count += 1
                c.x0 = min(c.x0, x); c.x1 = max(c.x1, x); c.y0 = min(c.y0, y); c.y1 = max(c.y1, y)
                if x + y < minSum { minSum = x + y; c.topLeft = (x, y) }
                if x + y > maxSum { maxSum = x + y; c.bottomRight = (x, y) }
                if x - y > maxDiff { maxDiff = x - y; c.topRight = (x, y) }
                if x - y < minDiff { minDiff = x - y; c.bottomLeft = (x, y) }
                if x + 1 < w { let q = p + 1; if label[q] == 0 && Int(px[q]) >= t { label[q] = next; stack.append(q) } }
                if x > 0 { let q = p - 1; if label[q] == 0 && Int(px[q]) >= t { label[q] = next; stack.append(q) } }
                if y + 1 < h { let q = p + w; if label[q] == 0 && Int(px[q]) >= t { label[q] = next; stack.append(q) } }
                if y > 0 { let q = p - w; if label[q] == 0 && Int(px[q]) >= t { label[q] = next; stack.append(q) } }
            }
            if c.count > (best?.count ?? 0) { best = c }
            next += 1
        }
        return best
    }

    /// The document's outline from its edges: for each side, the outermost straight line along
    /// which the photo steps up in brightness towards the middle, nearly as strongly as along the
    /// strongest such line (a page is brighter than what it lies on, at its own edge, however
    /// the light falls across the photo). Nil when the lines do not make a document's shape
    /// inside the frame.
    private static func edgeOutline(_ copy: WorkingCopy, minimumCoverage: Double = 0) -> Quad? {
        let (raw, w, h, f) = (copy.px, copy.w, copy.h, copy.f)
        guard w > 16, h > 16 else { return nil }
        // A light blur (1-2-1 both ways) so paper grain and print do not make edges.
        var a = [Float](repeating: 0, count: w * h), tmp = [Float](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            let l = raw[y * w + max(0, x - 1)], r = raw[y * w + min(w - 1, x + 1)]
            tmp[y * w + x] = (Float(l) + 2 * Float(raw[y * w + x]) + Float(r)) / 4
        } }
        for y in 0..<h { for x in 0..<w {
            a[y * w + x] = (tmp[max(0, y - 1) * w + x] + 2 * tmp[y * w + x] + tmp[min(h - 1, y + 1) * w + x]) / 4
        } }
        var gx = [Float](repeating: 0, count: w * h), gy = [Float](repeating: 0, count: w * h)
        for y in 1..<(h - 1) { for x in 1..<(w - 1) {
            gx[y * w + x] = (a[y * w + x + 1] - a[y * w + x - 1]) / 2
            gy[y * w + x] = (a[(y + 1) * w + x] - a[(y - 1) * w + x]) / 2
        } }
        /// A side as `across = offset + slope * (along - length / 2)`.
        struct Side { var offset: Double; var slope: Double }
        func side(vertical: Bool, inward: Float, outermostLow: Bool) -> Side? {
            let length = vertical ? h : w, span = vertical ? w : h
            var scored: [(score: Float, side: Side)] = []
            for k in 0...25 {
                let slope = -0.25 + 0.02 * Double(k)
                for offset in 2..<(span - 2) {
                    var sum: Float = 0, n = 0
                    for t in 0..<length {
                        let c = Int((Double(offset) + slope * (Double(t) - Double(length) / 2)).rounded())
                        guard c >= 1, c < span - 1 else { continue }
                        let g = vertical ? gx[t * w + c] : gy[c * w + t]
                        sum += max(0, inward * g)
                        n += 1
                    }
                    guard n * 2 >= length else { continue }
                    scored.append((sum / Float(n), Side(offset: Double(offset), slope: slope)))
                }
            }
            guard let best = scored.map(\.score).max(), best > 2 else { return nil }
            let strong = scored.filter { $0.score >= 0.6 * best }
            // The outermost strong line; of several at that offset, the strongest.
            let edge = outermostLow ? strong.map(\.side.offset).min()! : strong.map(\.side.offset).max()!
            return strong.filter { $0.side.offset == edge }.max { $0.score < $1.score }?.side
        }
        guard let left = side(vertical: true, inward: 1, outermostLow: true),
              let right = side(vertical: true, inward: -1, outermostLow: false),
              let top = side(vertical: false, inward: 1, outermostLow: true),
              let bottom = side(vertical: false, inward: -1, outermostLow: false),
              right.offset - left.offset > 0.2 * Double(w), bottom.offset - top.offset > 0.2 * Double(h) else { return nil }
        // x = v.offset + v.slope * (y - h/2) meets y = hz.offset + hz.slope * (x - w/2).
        func corner(_ v: Side, _ hz: Side) -> (Double, Double)? {
            let det = 1 - v.slope * hz.slope
            guard abs(det) > 0.5 else { return nil }
            let x = (v.offset + v.slope * (hz.offset - hz.slope * Double(w) / 2 - Double(h) / 2)) / det
            return (x, hz.offset + hz.slope * (x - Double(w) / 2))
        }
        guard let tl = corner(left, top), let tr = corner(right, top),
              let br = corner(right, bottom), let bl = corner(left, bottom) else { return nil }
        // A corner at the frame's edge is the frame, not the document.
        for (x, y) in [tl, tr, br, bl] where x < 4 || y < 4 || x > Double(w - 5) || y > Double(h - 5) { return nil }
        /// The share of the side from `a` to `b` along which the photo steps up towards the
        /// middle (within a pixel across the line) by at least a third of its strongest steps
        /// there: a page's edge steps up evenly along its length, a line at the wrong slope only
        /// where it crosses an edge.
        func coverage(_ a: (Double, Double), _ b: (Double, Double), vertical: Bool, inward: Float) -> Double {
            let steps = Int(max(abs(b.0 - a.0), abs(b.1 - a.1)))
            guard steps > 8 else { return 0 }
            var values: [Float] = []
            // The corners are rounded on a card: the middle 80% of the side.
            for k in (steps / 10)...(steps - steps / 10) {
                let t = Double(k) / Double(steps)
                let x = Int((a.0 + (b.0 - a.0) * t).rounded()), y = Int((a.1 + (b.1 - a.1) * t).rounded())
                var best: Float = 0
                for d in -1...1 {
                    let (px, py) = vertical ? (x + d, y) : (x, y + d)
                    guard px >= 1, py >= 1, px < w - 1, py < h - 1 else { continue }
                    best = max(best, inward * (vertical ? gx[py * w + px] : gy[py * w + px]))
                }
                values.append(best)
            }
            let strong = values.sorted()[values.count * 9 / 10]
            let floor = max(3, strong / 3)
            return Double(values.filter { $0 >= floor }.count) / Double(values.count)
        }
        /// The mean brightness of a band beside the side from `a` to `b`, `from` to `to` pixels
        /// across it (`sign` 1 towards increasing x or y).
        func band(_ a: (Double, Double), _ b: (Double, Double), vertical: Bool, sign: Double, from: Int, to: Int) -> Double {
            let steps = Int(max(abs(b.0 - a.0), abs(b.1 - a.1)))
            var sum = 0.0, n = 0.0
            for k in stride(from: steps / 10, through: steps - steps / 10, by: 1) {
                let t = Double(k) / Double(max(1, steps))
                let x = a.0 + (b.0 - a.0) * t, y = a.1 + (b.1 - a.1) * t
                for d in from...to {
                    let px = Int((vertical ? x + sign * Double(d) : x).rounded()), py = Int((vertical ? y : y + sign * Double(d)).rounded())
                    guard px >= 0, py >= 0, px < w, py < h else { continue }
                    sum += Double(raw[py * w + px]); n += 1
                }
            }
            return n == 0 ? 0 : sum / n
        }
        if minimumCoverage > 0 {
            let shares = [coverage(tl, bl, vertical: true, inward: 1), coverage(tr, br, vertical: true, inward: -1),
                          coverage(tl, tr, vertical: false, inward: 1), coverage(bl, br, vertical: false, inward: -1)]
            // What lies outside each side is the background, not more of the page (the tops of a
            // page's lines of print also step down evenly along their length).
            var rim = 0.0, rimCount = 0.0
            for y in 0..<h { for x in 0..<w where x < 3 || y < 3 || x >= w - 3 || y >= h - 3 { rim += Double(raw[y * w + x]); rimCount += 1 } }
            let background = rim / max(1, rimCount)
            let sides: [((Double, Double), (Double, Double), Bool, Double)] = [(tl, bl, true, -1), (tr, br, true, 1), (tl, tr, false, -1), (bl, br, false, 1)]
            let outsideLikeBackground = sides.map { s -> Bool in
                let inside = band(s.0, s.1, vertical: s.2, sign: -s.3, from: 3, to: 8)
                let outside = band(s.0, s.1, vertical: s.2, sign: s.3, from: 3, to: 8)
                return outside - background < 0.5 * (inside - background)
            }
            if ProcessInfo.processInfo.environment["BERKAS_TRACE_OCR"] != nil {
                FileHandle.standardError.write(Data("edge coverage \(shares.map { String(format: "%.2f", $0) }) outside like background \(outsideLikeBackground)\n".utf8))
            }
            guard shares.allSatisfy({ $0 >= minimumCoverage }), !outsideLikeBackground.contains(false) else { return nil }
        }
        let back = 1 / f
        let quad = Quad(topLeft: (tl.0 * back, tl.1 * back), topRight: (tr.0 * back, tr.1 * back),
                        bottomRight: (br.0 * back, br.1 * back), bottomLeft: (bl.0 * back, bl.1 * back))
        return quad.isPlausibleDocument ? quad : nil
    }

    /// Otsu's threshold of 8-bit grey values: ink or document below/at-or-above it.
    public static func otsu(_ px: [UInt8]) -> Int {
        var hist = [Int](repeating: 0, count: 256)
        for v in px { hist[Int(v)] += 1 }
        let total = Double(px.count)
        var sum = 0.0
        for i in 0..<256 { sum += Double(i * hist[i]) }
        var sumB = 0.0, wB = 0.0, best = 0.0, threshold = 128
        for t in 0..<256 {
            wB += Double(hist[t]); if wB == 0 { continue }
            let wF = total - wB; if wF == 0 { break }
            sumB += Double(t * hist[t])
            let mB = sumB / wB, mF = (sum - sumB) / wF
            let between = wB * wF * (mB - mF) * (mB - mF)
            if between > best { best = between; threshold = t }
        }
        return threshold + 1
    }
}

/// A document's outline in a photo: four corners, clockwise from the top left, in pixels.
public struct Quad: Sendable {
    public var topLeft: (Double, Double)
    public var topRight: (Double, Double)
    public var bottomRight: (Double, Double)
    public var bottomLeft: (Double, Double)

    public init(topLeft: (Double, Double), topRight: (Double, Double), bottomRight: (Double, Double), bottomLeft: (Double, Double)) {
        self.topLeft = topLeft; self.topRight = topRight; self.bottomRight = bottomRight; self.bottomLeft = bottomLeft
    }

    public var corners: [(Double, Double)] { [topLeft, topRight, bottomRight, bottomLeft] }

    /// Width and height of the upright document: the mean of opposite sides.
    public var uprightSize: (width: Double, height: Double) {
        func d(_ a: (Double, Double), _ b: (Double, Double)) -> Double { hypot(a.0 - b.0, a.1 - b.1) }
        return ((d(topLeft, topRight) + d(bottomLeft, bottomRight)) / 2, (d(topLeft, bottomLeft) + d(topRight, bottomRight)) / 2)
    }

    /// Opposite sides of similar length and corners near right angles: a flat document seen
    /// at a moderate angle, not a blob that happens to have four extreme points.
    var isPlausibleDocument: Bool {
        func d(_ a: (Double, Double), _ b: (Double, Double)) -> Double { hypot(a.0 - b.0, a.1 - b.1) }
        let top = d(topLeft, topRight), bottom = d(bottomLeft, bottomRight)
        let left = d(topLeft, bottomLeft), right = d(topRight, bottomRight)
        guard min(top, bottom, left, right) > 20 else { return false }
        guard min(top, bottom) / max(top, bottom) > 0.7, min(left, right) / max(left, right) > 0.7 else { return false }
        // ID cards (85.6 x 54 mm) and A4/F4 pages are 1.4 to 1.6 times as long as wide; a
        // square-ish outline is a card with its shadow or something else.
        let aspect = max(top + bottom, left + right) / min(top + bottom, left + right)
        guard aspect > 1.25, aspect < 1.85 else { return false }
        let c = corners
        for i in 0..<4 {
            let p = c[(i + 3) % 4], q = c[i], r = c[(i + 1) % 4]
            let a = (p.0 - q.0, p.1 - q.1), b = (r.0 - q.0, r.1 - q.1)
            let cosine = (a.0 * b.0 + a.1 * b.1) / (hypot(a.0, a.1) * hypot(b.0, b.1))
            if abs(cosine) > 0.35 { return false }  // corner angle outside about 70-110 degrees
        }
        return true
    }
}
