import CTesseract
import Foundation

/// A decoded scan: one grey or colour image per page, upright (EXIF orientation applied).
public struct LoadedScan: Sendable {
    public var format: ImageFormat
    /// The decoded pages: the first `ScanLimits.decodedPages` of a TIFF or PDF.
    public var pages: [Pix]
    /// Pages in the file, decoded or not.
    public var pageCount: Int
    public var bytes: Int
    /// How many file pixels one loaded pixel stands for: a huge JPEG is decoded at 1/2, 1/4 or
    /// 1/8 of its size (libjpeg scales while decoding), so a 50-megapixel photo never sits in
    /// memory at full size. Boxes are reported in the file's pixels.
    public var reduction: Int = 1
}

/// Loads scans with every limit checked before decoding. PDFs are rasterised by poppler in a
/// separate, time- and memory-limited process: PDF is the riskiest format, so it is never
/// parsed inside Berkas.
public struct ScanLoader: Sendable {
    public var limits: ScanLimits
    /// Smallest side a readable document image can have.
    public var minSide = 64
    /// JPEGs larger than this on their long side are decoded reduced; OCR never reads a page
    /// larger than about 3200 pixels anyway.
    public var maxDecodedLongSide = 4000

    public init(limits: ScanLimits = .default) {
        self.limits = limits
        Leptonica.silence()
    }

    /// Reads a file, refusing it by size before reading its bytes.
    public func load(file url: URL) throws -> LoadedScan {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw ScanError.unreadableFile("\(url.lastPathComponent): no such file or not readable")
        }
        if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
            throw ScanError.unreadableFile("\(url.lastPathComponent) is not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size > limits.maxBytes { throw ScanError.tooLarge(bytes: size, limit: limits.maxBytes) }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ScanError.unreadableFile(url.lastPathComponent)
        }
        return try load(data: data, pdfPath: url)
    }

    /// Decodes bytes held in memory. `pdfPath` lets a PDF already on disk skip a temporary copy.
    public func load(data: Data, pdfPath: URL? = nil) throws -> LoadedScan {
        if data.isEmpty { throw ScanError.empty }
        if data.count > limits.maxBytes { throw ScanError.tooLarge(bytes: data.count, limit: limits.maxBytes) }
        guard let format = ImageFormat.sniff(data.prefix(16)) else {
            throw ScanError.unsupportedFormat(describeUnknown(data))
        }
        var pages: [Pix]
        var pageCount = 1
        var reduction = 1
        switch format {
        case .pdf:
            (pages, pageCount) = try PDFRasterizer(limits: limits).rasterize(data: data, existingFile: pdfPath)
        case .tiff:
            (pages, pageCount) = try data.withUnsafeBytes { try decodeTIFF($0) }
        default:
            let decoded = try data.withUnsafeBytes { try decodeRaster($0, format: format) }
            pages = [decoded.pix]
            reduction = decoded.reduction
        }
        if pages.isEmpty { throw ScanError.corrupt("no pages") }
        for page in pages where min(page.width, page.height) < minSide {
            throw ScanError.tooSmall(width: page.width, height: page.height)
        }
        if format == .jpeg {
            let orientation = EXIFOrientation.read(Array(data.prefix(256 * 1024)))
            pages = try pages.map { try Self.applyOrientation(orientation, to: $0) }
        }
        return LoadedScan(format: format, pages: pages, pageCount: max(pageCount, pages.count), bytes: data.count, reduction: reduction)
    }

    private func checkDimensions(width: Int32, height: Int32) throws {
        let w = Int(width), h = Int(height)
        guard w > 0, h > 0 else { throw ScanError.corrupt("no image size in the header") }
        if w * h > limits.maxPixels { throw ScanError.tooManyPixels(width: w, height: h, limit: limits.maxPixels) }
    }

    private func decodeRaster(_ raw: UnsafeRawBufferPointer, format: ImageFormat) throws -> (pix: Pix, reduction: Int) {
        guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw ScanError.empty }
        var fmt: Int32 = 0, w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, cmap: Int32 = 0
        guard pixReadHeaderMem(base, raw.count, &fmt, &w, &h, &bps, &spp, &cmap) == 0 else {
            throw ScanError.corrupt("unreadable \(format.rawValue) header")
        }
        try checkDimensions(width: w, height: h)
        let pix: Pix?
        var reduction = 1
        switch format {
        case .jpeg:
            var warnings: Int32 = 0
            while reduction < 8, Int(max(w, h)) / reduction > maxDecodedLongSide { reduction *= 2 }
            pix = Pix(owning: pixReadMemJpeg(base, raw.count, 0, Int32(reduction), &warnings, 0))
            if warnings > 0, !Self.jpegHasEnd(raw) { throw ScanError.corrupt("truncated JPEG") }
        case .png: pix = Pix(owning: pixReadMemPng(base, raw.count))
        case .webp: pix = Pix(owning: pixReadMemWebP(base, raw.count))
        case .bmp: pix = Pix(owning: pixReadMemBmp(base, raw.count))
        case .gif: pix = Pix(owning: pixReadMemGif(base, raw.count))
        case .tiff, .pdf: pix = nil
        }
        guard let pix else { throw ScanError.corrupt("\(format.rawValue) data could not be decoded") }
        return (pix, reduction)
    }

    /// The first `decodedPages` pages, and how many the file has (every header is checked).
    private func decodeTIFF(_ raw: UnsafeRawBufferPointer) throws -> (pages: [Pix], count: Int) {
        guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw ScanError.empty }
        var pages: [Pix] = []
        var n: Int32 = 0
        while true {
            var w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, res: Int32 = 0, cmap: Int32 = 0, f: Int32 = 0
            if readHeaderMemTiff(base, raw.count, n, &w, &h, &bps, &spp, &res, &cmap, &f) != 0 { break }
            if Int(n) >= limits.maxPages { throw ScanError.tooManyPages(pages: Int(n) + 1, limit: limits.maxPages) }
            try checkDimensions(width: w, height: h)
            if Int(n) < limits.decodedPages {
                guard let pix = Pix(owning: pixReadMemTiff(base, raw.count, n)) else {
                    throw ScanError.corrupt("TIFF page \(n + 1) could not be decoded")
                }
                pages.append(pix)
            }
            n += 1
        }
        if pages.isEmpty { throw ScanError.corrupt("TIFF without a readable page") }
        return (pages, Int(n))
    }

    /// A JPEG ends with an EOI marker after its last scan; a truncated upload does not.
    private static func jpegHasEnd(_ raw: UnsafeRawBufferPointer) -> Bool {
        var i = raw.count - 1
        let stop = max(1, raw.count - 1_048_576)
        while i >= stop {
            if raw[i] == 0xD9 && raw[i - 1] == 0xFF { return true }
            i -= 1
        }
        return false
    }

    static func applyOrientation(_ o: Int, to pix: Pix) throws -> Pix {
        let result: Pix?
        switch o {
        case 2: result = pix.flippedLeftRight()
        case 3: result = pix.rotated(quarterTurns: 2)
        case 4: result = pix.flippedTopBottom()
        case 5: result = pix.rotated(quarterTurns: 1)?.flippedLeftRight()
        case 6: result = pix.rotated(quarterTurns: 1)
        case 7: result = pix.rotated(quarterTurns: 3)?.flippedLeftRight()
        case 8: result = pix.rotated(quarterTurns: 3)
        default: result = pix
        }
        guard let result else { throw ScanError.corrupt("could not apply EXIF orientation") }
        return result
    }

    private func describeUnknown(_ data: Data) -> String {
        let head = data.prefix(512)
        let printable = head.allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) || $0 >= 0x80 }
        if printable { return "text, not an image" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a ZIP or Office document" }
        return "unknown binary data"
    }
}

/// Process-wide Leptonica settings.
enum Leptonica {
    private static let once: Void = {
        // Leptonica reports damaged files on stderr itself; Berkas reports them as results.
        _ = setMsgSeverity(Int32(L_SEVERITY_NONE))
    }()

    static func silence() { _ = once }
}
