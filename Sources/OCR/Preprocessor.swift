import CTesseract
import Foundation

/// Image measurements taken before OCR.
public struct ImageMeasurements: Sendable, Hashable {
    /// Variance of the Laplacian at a fixed working width; low means blurred.
    public var sharpness: Double
    public var brightness: Double
    public var contrast: Double
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

    /// Maps a rectangle on the prepared image back to the loaded scan.
    public func toOriginal(_ r: PixelRect) -> PixelRect {
        var o = r.scaled(1 / scale)
        o.x += offsetX; o.y += offsetY
        return o
    }
}

/// Grey, rescale, background normalisation and deskew, with Leptonica.
public struct Preprocessor: Sendable {
    /// Pages are scaled so their long side falls in this range.
    public var targetLongSide: ClosedRange<Int>

    public init(targetLongSide: ClosedRange<Int> = 1400...2400) {
        self.targetLongSide = targetLongSide
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
        let deskewed = Pix(owning: pixFindSkewAndDeskew(flat.pointer, 2, &angle, &confidence)) ?? flat
        let skew = confidence > 2.5 ? Double(angle) : 0
        return PreparedPage(original: page, image: deskewed, scale: factor, skewDegrees: skew,
                            measurements: measurements)
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
        return ImageMeasurements(sharpness: variance, brightness: mean, contrast: std)
    }
}
