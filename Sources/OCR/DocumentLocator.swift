import Foundation

/// Finds a document inside a larger photo: the largest bright region that stands out from a
/// darker background (a card or page on a table). Text-based focusing needs readable words;
/// this works when the photo is too small or blurred for the first OCR pass to find any.
public enum DocumentLocator {
    /// The region in `page`'s pixels, or nil when no single region covers 5-92% of the photo.
    public static func brightRegion(_ page: Pix) -> PixelRect? {
        guard let grey = page.grey() else { return nil }
        let f = 320.0 / Double(max(grey.width, grey.height))
        guard let small = f < 1 ? grey.scaled(by: f) : grey, small.depth == 8 else { return nil }
        let w = small.width, h = small.height
        let px = small.greyBytes()
        guard w > 8, h > 8, px.count == w * h else { return nil }
        let t = otsu(px)
        // Too little contrast between document and background to tell them apart.
        var hi = 0.0, lo = 0.0, nHi = 0.0, nLo = 0.0
        for v in px { if Int(v) >= t { hi += Double(v); nHi += 1 } else { lo += Double(v); nLo += 1 } }
        guard nHi > 0, nLo > 0, hi / nHi - lo / nLo > 40 else { return nil }

        var label = [Int32](repeating: 0, count: w * h)
        var best: (count: Int, x0: Int, y0: Int, x1: Int, y1: Int)? = nil
        var stack: [Int] = []
        var next: Int32 = 1
        for start in 0..<(w * h) where Int(px[start]) >= t && label[start] == 0 {
            label[start] = next
            stack.append(start)
            var count = 0, x0 = w, y0 = h, x1 = 0, y1 = 0
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                count += 1
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                    let q = ny * w + nx
                    if label[q] == 0 && Int(px[q]) >= t { label[q] = next; stack.append(q) }
                }
            }
            if count > (best?.count ?? 0) { best = (count, x0, y0, x1, y1) }
            next += 1
        }
        guard let b = best else { return nil }
        let boxArea = Double((b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1))
        let share = boxArea / Double(w * h)
        // The region must be mostly filled (a document, not scattered highlights).
        guard share > 0.05, share < 0.92, Double(b.count) / boxArea > 0.5 else { return nil }
        let margin = 3
        let r = PixelRect(x: b.x0 - margin, y: b.y0 - margin, w: b.x1 - b.x0 + 1 + 2 * margin, h: b.y1 - b.y0 + 1 + 2 * margin)
        return r.scaled(1 / f).clipped(width: page.width, height: page.height)
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
