import CTesseract
import Foundation

/// Image measurements taken before OCR.
public struct ImageMeasurements: Sendable, Hashable {
    /// Variance of the Laplacian at a fixed working width; low means blurred.
    public var sharpness: Double
    public var brightness: Double
    public var contrast: Double
    /// Share of pixels clearly darker than the page (50 grey levels under the mean): ink,
    /// photos, shadows. A blank page has almost none.
    public var inkShare: Double = 0
}

/// A page ready for recognition: grey, at an OCR-friendly scale, background evened out,
/// deskewed. `scale` maps prepared pixels back to the loaded scan (`loaded = prepared / scale`).
public struct PreparedPage: Sendable {
    public var original: Pix
    public var image: Pix
    public var scale: Double
    public var skewDegrees: Double
    public var measurements: ImageMeasurements
    /// Where the prepared image starts in the loaded scan (a document found inside a photo).
    public var offsetX = 0
    public var offsetY = 0
    /// The rotation applied to `image` about its centre (degrees, clockwise positive), so boxes
    /// can be turned back onto the scan.
    public var rotationDegrees = 0.0
    /// Maps the rectified document back onto the photo (Leptonica's 8 projective
    /// coefficients) when the page was straightened out of a photo; nil otherwise.
    public var projection: [Double]? = nil
    /// The image's size before it was given quarter turns (a document photographed sideways),
    /// whose centre the turned-back boxes sit around; nil when it was never turned.
    public var unturnedWidth: Int? = nil
    public var unturnedHeight: Int? = nil

    /// Maps a rectangle on the prepared image back to the loaded scan: undo the rotation
    /// (the bounding box of the turned-back corners), the scale and the crop.
    public func toOriginal(_ r: PixelRect) -> PixelRect {
        var unrotated = r
        if rotationDegrees != 0 {
            let t = rotationDegrees * .pi / 180, c = cos(t), s = sin(t)
            let cx = Double(image.width) / 2, cy = Double(image.height) / 2
            let ox = Double(unturnedWidth ?? image.width) / 2, oy = Double(unturnedHeight ?? image.height) / 2
            let corners = [(r.x, r.y), (r.maxX, r.y), (r.x, r.maxY), (r.maxX, r.maxY)].map { (x, y) -> (Double, Double) in
                let dx = Double(x) - cx, dy = Double(y) - cy
                return (ox + c * dx + s * dy, oy - s * dx + c * dy)
            }
            let xs = corners.map(\.0), ys = corners.map(\.1)
            let x0 = Int(xs.min()!.rounded()), y0 = Int(ys.min()!.rounded())
            unrotated = PixelRect(x: x0, y: y0, w: Int(xs.max()!.rounded()) - x0, h: Int(ys.max()!.rounded()) - y0)
        }
        var o = unrotated.scaled(1 / scale)
        if let c = projection, c.count == 8 {
            let corners = [(o.x, o.y), (o.maxX, o.y), (o.x, o.maxY), (o.maxX, o.maxY)].map { (x, y) -> (Double, Double) in
                let x = Double(x), y = Double(y)
                let d = c[6] * x + c[7] * y + 1
                return ((c[0] * x + c[1] * y + c[2]) / d, (c[3] * x + c[4] * y + c[5]) / d)
            }
            let xs = corners.map(\.0), ys = corners.map(\.1)
            let x0 = Int(xs.min()!.rounded()), y0 = Int(ys.min()!.rounded())
            o = PixelRect(x: x0, y: y0, w: Int(xs.max()!.rounded()) - x0, h: Int(ys.max()!.rounded()) - y0)
        }
        o.x += offsetX; o.y += offsetY
        return o
    }

    /// The same page given `quarterTurns` clockwise quarter turns (a document photographed
    /// sideways or upside down), or nil when Leptonica fails.
    public func turned(quarterTurns: Int) -> PreparedPage? {
        let q = ((quarterTurns % 4) + 4) % 4
        guard q != 0 else { return self }
        guard let t = image.rotated(quarterTurns: q) else { return nil }
        var page = self
        if page.unturnedWidth == nil { page.unturnedWidth = image.width; page.unturnedHeight = image.height }
        page.image = t
        page.rotationDegrees += Double(q * 90)
        return page
    }

    /// The same page turned by `degrees` more (clockwise positive), or nil when Leptonica fails.
    public func rotated(by degrees: Double) -> PreparedPage? {
        guard let turned = image.rotated(degrees: degrees) else { return nil }
        var page = self
        page.image = turned
        page.rotationDegrees += degrees
        page.skewDegrees -= degrees
        return page
    }
}

/// Grey, rescale, background normalisation and deskew, with Leptonica.
public struct Preprocessor: Sendable {
    /// Pages are scaled so their long side falls in this range.
    public var targetLongSide: ClosedRange<Int>

    public init(targetLongSide: ClosedRange<Int> = 1400...2400) {
        self.targetLongSide = targetLongSide
    }

    /// The scale `prepare(_:region:minimumLongSide:)` gives a region whose long side is `longSide`.
    public static func scaleFactor(longSide: Int, minimumLongSide: Int, targetLongSide: ClosedRange<Int> = 1400...2400) -> Double {
        let low = max(minimumLongSide, 200), high = max(minimumLongSide, targetLongSide.upperBound)
        let long = Double(max(1, longSide))
        if long < Double(low) { return min(4, Double(low) / long) }
        if long > Double(high) { return Double(high) / long }
        return 1
    }

    /// Prepares the part of `page` inside `region` (the document found in a larger photo),
    /// scaled so its long side is at least `minimumLongSide`.
    public func prepare(_ page: Pix, region: PixelRect, minimumLongSide: Int) -> PreparedPage? {
        guard let crop = page.cropped(region), let r = region.clipped(width: page.width, height: page.height) else { return nil }
        let focused = Preprocessor(targetLongSide: max(minimumLongSide, 200)...max(minimumLongSide, targetLongSide.upperBound))
        guard var prepared = focused.prepare(crop) else { return nil }
        prepared.original = page
        prepared.offsetX = r.x
        prepared.offsetY = r.y
        return prepared
    }

    /// Straightens the document with outline `quad` out of the photo `page` (perspective and
    /// turn undone) and prepares it, its long side at least `minimumLongSide`.
    public func rectify(_ page: Pix, quad: Quad, minimumLongSide: Int) -> PreparedPage? {
        guard let grey = page.grey(), grey.depth == 8 else { return nil }
        var (w, h) = quad.uprightSize
        // The warp keeps the photo's size; a turned document may be longer than the photo is wide.
        let fit = min(1, Double(grey.width) / w, Double(grey.height) / h)
        w = (w * fit).rounded(.down); h = (h * fit).rounded(.down)
        guard w >= 16, h >= 16, let source = ptaCreate(4), let target = ptaCreate(4) else { return nil }
        var s: UnsafeMutablePointer<PTA>? = source, t: UnsafeMutablePointer<PTA>? = target
        defer { ptaDestroy(&s); ptaDestroy(&t) }
        for (x, y) in quad.corners { ptaAddPt(source, Float(x), Float(y)) }
        for (x, y) in [(0.0, 0.0), (w, 0), (w, h), (0, h)] { ptaAddPt(target, Float(x), Float(y)) }
        // Coefficients that take a point of the straightened page to the photo: both the warp's
        // sampling and the boxes' way back.
        var coefficients: UnsafeMutablePointer<Float>? = nil
        guard getProjectiveXformCoeffs(target, source, &coefficients) == 0, let vc = coefficients else { return nil }
        let projection = (0..<8).map { Double(vc[$0]) }
        lept_free(vc)
        guard let warped = Pix(owning: pixProjectivePtaGray(grey.pointer, target, source, 255)),
              let straight = warped.cropped(PixelRect(x: 0, y: 0, w: Int(w), h: Int(h))) else { return nil }
        let focused = Preprocessor(targetLongSide: max(minimumLongSide, 200)...max(minimumLongSide, targetLongSide.upperBound))
        guard var prepared = focused.prepare(straight) else { return nil }
        prepared.original = page
        prepared.projection = projection
        return prepared
    }

    public func prepare(_ page: Pix) -> PreparedPage? {
        guard let grey = page.grey() else { return nil }
        let long = max(grey.width, grey.height)
        var factor = 1.0
        if long < targetLongSide.lowerBound { factor = Double(targetLongSide.lowerBound) / Double(long) }
        if long > targetLongSide.upperBound { factor = Double(targetLongSide.upperBound) / Double(long) }
        factor = min(factor, 4)
        guard let scaled = grey.scaled(by: factor) else { return nil }
        let measurements = Self.measure(scaled)
        // Uneven light (phone photos, shadows) becomes a flat white background.
        let flat = Pix(owning: pixBackgroundNormSimple(scaled.pointer, nil, nil)) ?? scaled
        var angle: Float = 0, confidence: Float = 0
        // Leptonica deskews (rotating by the angle found) only when it is confident.
        let deskewed = Pix(owning: pixFindSkewAndDeskew(flat.pointer, 2, &angle, &confidence)) ?? flat
        let turned = deskewed.pointer != flat.pointer && confidence > 0 ? Double(angle) : 0
        var prepared = PreparedPage(original: page, image: deskewed, scale: factor,
                                    skewDegrees: confidence > 2.5 ? Double(angle) : 0, measurements: measurements)
        prepared.rotationDegrees = turned
        return prepared
    }

    /// Sharpness, brightness and contrast at a fixed working width, so figures compare across sizes.
    public static func measure(_ grey: Pix) -> ImageMeasurements {
        let workWidth = 800
        let f = Double(workWidth) / Double(max(1, grey.width))
        guard let small = (f < 1 ? grey.scaled(by: f) : grey), small.depth == 8 else {
            return ImageMeasurements(sharpness: 0, brightness: 0, contrast: 0)
        }
        let w = small.width, h = small.height
        let px = small.greyBytes()
        guard w > 2, h > 2, px.count == w * h else { return ImageMeasurements(sharpness: 0, brightness: 0, contrast: 0) }
        var sum = 0.0, sumSq = 0.0
        for v in px { let d = Double(v); sum += d; sumSq += d * d }
        let n = Double(px.count)
        let mean = sum / n
        let std = max(0, sumSq / n - mean * mean).squareRoot()
        var lSum = 0.0, lSq = 0.0, count = 0.0
        for y in 1..<(h - 1) {
            let row = y * w
            for x in 1..<(w - 1) {
                let c = Int(px[row + x]) * 4
                let lap = Double(Int(px[row + x - 1]) + Int(px[row + x + 1]) + Int(px[row - w + x]) + Int(px[row + w + x]) - c)
                lSum += lap; lSq += lap * lap; count += 1
            }
        }
        let lMean = lSum / count
        let variance = lSq / count - lMean * lMean
        let inkLevel = mean - 50
        var ink = 0
        for v in px where Double(v) < inkLevel { ink += 1 }
        return ImageMeasurements(sharpness: variance, brightness: mean, contrast: std, inkShare: Double(ink) / n)
    }
}
