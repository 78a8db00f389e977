import CTesseract

/// An owned Leptonica image. Freed in `deinit`; every Leptonica call that returns a new PIX
/// is wrapped at once so no pointer outlives its owner.
///
/// `@unchecked Sendable`: a `Pix` is never mutated after it is made (every operation returns a
/// new `Pix`), and Leptonica's reads of an image are thread-safe, so handing one to an engine
/// thread is safe.
public final class Pix: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<PIX>

    /// Takes ownership of `pointer`; nil when Leptonica returned nil.
    init?(owning pointer: UnsafeMutablePointer<PIX>?) {
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    deinit {
        var p: UnsafeMutablePointer<PIX>? = pointer
        pixDestroy(&p)
    }

    public var width: Int { Int(pixGetWidth(pointer)) }
    public var height: Int { Int(pixGetHeight(pointer)) }
    public var depth: Int { Int(pixGetDepth(pointer)) }

    /// 8-bit grey, removing a colour map.
    public func grey() -> Pix? {
        if depth == 8 && pixGetColormap(pointer) == nil { return self }
        if depth == 32 {
            // Weighted luminance; the blue card background stays light.
            return Pix(owning: pixConvertRGBToGray(pointer, 0.3, 0.5, 0.2))
        }
        return Pix(owning: pixConvertTo8(pointer, 0))
    }

    /// 32-bit RGB (for drawing and colour analysis).
    public func rgb() -> Pix? {
        if depth == 32 { return self }
        return Pix(owning: pixConvertTo32(pointer))
    }

    public func scaled(by factor: Double) -> Pix? {
        if abs(factor - 1) < 0.001 { return self }
        return Pix(owning: pixScale(pointer, Float(factor), Float(factor)))
    }

    /// Unsharp masking: `fract` of the difference from a box blur `halfwidth` pixels wide is
    /// added back, steepening blurred edges.
    public func sharpened(halfwidth: Int, fract: Double) -> Pix? {
        Pix(owning: pixUnsharpMasking(pointer, Int32(halfwidth), Float(fract)))
    }

    public func scaled(toWidth w: Int, height h: Int) -> Pix? {
        Pix(owning: pixScaleToSize(pointer, Int32(w), Int32(h)))
    }

    /// Rotate by quarter turns clockwise.
    public func rotated(quarterTurns: Int) -> Pix? {
        let q = ((quarterTurns % 4) + 4) % 4
        if q == 0 { return self }
        return Pix(owning: pixRotateOrth(pointer, Int32(q)))
    }

    public func flippedLeftRight() -> Pix? { Pix(owning: pixFlipLR(nil, pointer)) }
    public func flippedTopBottom() -> Pix? { Pix(owning: pixFlipTB(nil, pointer)) }

    /// Rotate by a small angle in degrees (positive is clockwise), filling with white.
    public func rotated(degrees: Double) -> Pix? {
        if abs(degrees) < 0.05 { return self }
        let radians = Float(degrees * .pi / 180)
        return Pix(owning: pixRotate(pointer, radians, Int32(L_ROTATE_AREA_MAP),
                                     Int32(L_BRING_IN_WHITE), 0, 0))
    }

    /// The part of the image inside `rect`, clipped to the image.
    public func cropped(_ rect: PixelRect) -> Pix? {
        guard let clipped = rect.clipped(width: width, height: height) else { return nil }
        guard let box = boxCreate(Int32(clipped.x), Int32(clipped.y), Int32(clipped.w), Int32(clipped.h)) else { return nil }
        var b: UnsafeMutablePointer<BOX>? = box
        defer { boxDestroy(&b) }
        return Pix(owning: pixClipRectangle(pointer, box, nil))
    }

    /// Adds a white border (helps Tesseract with tight crops).
    public func bordered(_ size: Int) -> Pix? {
        Pix(owning: pixAddBorder(pointer, Int32(size), depth == 1 ? 0 : (depth == 8 ? 255 : 0xffffff00)))
    }

    /// Reads a single pixel's grey value (8-bit images only).
    @inline(__always)
    public func grey(x: Int, y: Int) -> UInt8 {
        var v: UInt32 = 0
        pixGetPixel(pointer, Int32(x), Int32(y), &v)
        return UInt8(truncatingIfNeeded: v)
    }

    /// The 8-bit grey pixels row by row (the image must be 8 bpp).
    public func greyBytes() -> [UInt8] {
        precondition(depth == 8, "greyBytes needs an 8-bit image")
        let w = width, h = height
        let wpl = Int(pixGetWpl(pointer))
        guard let data = pixGetData(pointer) else { return [] }
        var out = [UInt8](repeating: 0, count: w * h)
        out.withUnsafeMutableBufferPointer { buf in
            for y in 0..<h {
                let line = data + y * wpl
                for x in 0..<w {
                    // Leptonica packs 8-bit pixels big-endian within 32-bit words.
                    let word = line[x >> 2]
                    buf[y * w + x] = UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * (x & 3)))
                }
            }
        }
        return out
    }

    /// Makes an 8-bit image from grey bytes.
    public static func fromGrey(_ bytes: [UInt8], width: Int, height: Int) -> Pix? {
        guard width > 0, height > 0, bytes.count == width * height,
              let p = pixCreate(Int32(width), Int32(height), 8) else { return nil }
        let wpl = Int(pixGetWpl(p))
        if let data = pixGetData(p) {
            bytes.withUnsafeBufferPointer { buf in
                for y in 0..<height {
                    let line = data + y * wpl
                    for xw in 0..<wpl {
                        var word: UInt32 = 0
                        for k in 0..<4 {
                            let x = xw * 4 + k
                            let v: UInt32 = x < width ? UInt32(buf[y * width + x]) : 255
                            word |= v << UInt32(24 - 8 * k)
                        }
                        line[xw] = word
                    }
                }
            }
        }
        return Pix(owning: p)
    }

    /// Writes the image as PNG (debugging and the officers' pages).
    public func pngData() -> [UInt8]? {
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size: Int = 0
        guard pixWriteMemPng(&data, &size, pointer, 0) == 0, let data else { return nil }
        defer { free(data) }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The image as a baseline JPEG (tests make large photos with it).
    public func jpegData(quality: Int = 85) -> [UInt8]? {
        var data: UnsafeMutablePointer<UInt8>? = nil
        var size: Int = 0
        guard pixWriteMemJpeg(&data, &size, pointer, Int32(quality), 0) == 0, let data else { return nil }
        defer { free(data) }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    public func writePNG(to path: String) -> Bool {
        pixWritePng(path, pointer, 0) == 0
    }
}

/// A rectangle in pixels.
public struct PixelRect: Sendable, Hashable, Codable {
    public var x: Int
    public var y: Int
    public var w: Int
    public var h: Int

    public init(x: Int, y: Int, w: Int, h: Int) {
        self.x = x; self.y = y; self.w = w; self.h = h
    }

    public var maxX: Int { x + w }
    public var maxY: Int { y + h }
    public var midX: Int { x + w / 2 }
    public var midY: Int { y + h / 2 }

    public func clipped(width: Int, height: Int) -> PixelRect? {
        let nx = max(0, x), ny = max(0, y)
        let mx = min(width, maxX), my = min(height, maxY)
        guard mx > nx, my > ny else { return nil }
        return PixelRect(x: nx, y: ny, w: mx - nx, h: my - ny)
    }

    public func union(_ o: PixelRect) -> PixelRect {
        let nx = min(x, o.x), ny = min(y, o.y)
        return PixelRect(x: nx, y: ny, w: max(maxX, o.maxX) - nx, h: max(maxY, o.maxY) - ny)
    }

    public func insetBy(dx: Int, dy: Int) -> PixelRect {
        PixelRect(x: x + dx, y: y + dy, w: w - 2 * dx, h: h - 2 * dy)
    }

    /// Scales coordinates by `f` (mapping between image scales).
    public func scaled(_ f: Double) -> PixelRect {
        PixelRect(x: Int((Double(x) * f).rounded()), y: Int((Double(y) * f).rounded()),
                  w: Int((Double(w) * f).rounded()), h: Int((Double(h) * f).rounded()))
    }

    /// Fraction of the shorter rectangle's height that the two share vertically.
    public func verticalOverlap(_ o: PixelRect) -> Double {
        let top = max(y, o.y), bottom = min(maxY, o.maxY)
        guard bottom > top else { return 0 }
        return Double(bottom - top) / Double(max(1, min(h, o.h)))
    }
}

extension Pix {
    /// Reads an image file Berkas itself ships (models); uploads go through `ScanLoader`.
    public convenience init?(path: String) {
        self.init(owning: pixRead(path))
    }
}
