import Foundation

/// Limits checked before any decoding, so a hostile file cannot exhaust memory or time.
public struct ScanLimits: Sendable, Hashable {
    /// Largest file accepted, in bytes.
    public var maxBytes: Int
    /// Largest page accepted, in pixels (width x height), read from the header.
    public var maxPixels: Int
    /// Most pages a TIFF or PDF may have; a longer document is refused.
    public var maxPages: Int
    /// Pages decoded or rasterised from a TIFF or PDF; the pages after them are counted, not
    /// rendered (Berkas reads the first pages only: the document, then an attachment).
    public var decodedPages: Int
    /// Time allowed to `pdfinfo` + `pdftoppm` for the whole PDF.
    public var pdfTimeout: Double
    /// Resolution PDF pages are rasterised at.
    public var pdfDPI: Int
    /// Time Tesseract may spend recognising one page or region, in milliseconds.
    public var pageDeadlineMs: Int

    public init(maxBytes: Int = 20 * 1024 * 1024, maxPixels: Int = 50_000_000, maxPages: Int = 20,
                decodedPages: Int = 3, pdfTimeout: Double = 30, pdfDPI: Int = 200, pageDeadlineMs: Int = 20_000) {
        self.maxBytes = maxBytes; self.maxPixels = maxPixels; self.maxPages = maxPages
        self.decodedPages = max(1, decodedPages)
        self.pdfTimeout = pdfTimeout; self.pdfDPI = pdfDPI; self.pageDeadlineMs = pageDeadlineMs
    }

    public static let `default` = ScanLimits()
}

/// Why a scan could not be loaded. The domain maps each case to a reason code.
public enum ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLarge(bytes: Int, limit: Int)
    case tooManyPixels(width: Int, height: Int, limit: Int)
    case tooManyPages(pages: Int, limit: Int)
    case tooSmall(width: Int, height: Int)
    case unsupportedFormat(String)
    case corrupt(String)
    case encryptedPDF
    case pdfFailed(String)
    case timedOut(String)
    case unreadableFile(String)

    /// The case's name, stable for logs and tests.
    public var name: String {
        switch self {
        case .empty: "empty"
        case .tooLarge: "tooLarge"
        case .tooManyPixels: "tooManyPixels"
        case .tooManyPages: "tooManyPages"
        case .tooSmall: "tooSmall"
        case .unsupportedFormat: "unsupportedFormat"
        case .corrupt: "corrupt"
        case .encryptedPDF: "encryptedPDF"
        case .pdfFailed: "pdfFailed"
        case .timedOut: "timedOut"
        case .unreadableFile: "unreadableFile"
        }
    }

    public var description: String {
        switch self {
        case .empty: "the file is empty"
        case .tooLarge(let b, let l): "the file is \(b) bytes, over the limit of \(l)"
        case .tooManyPixels(let w, let h, let l): "the image is \(w)x\(h) pixels, over the limit of \(l)"
        case .tooManyPages(let p, let l): "the document has \(p) pages, over the limit of \(l)"
        case .tooSmall(let w, let h): "the image is only \(w)x\(h) pixels"
        case .unsupportedFormat(let f): "unsupported file format (\(f))"
        case .corrupt(let d): "the image is damaged or truncated (\(d))"
        case .encryptedPDF: "the PDF is password-protected"
        case .pdfFailed(let d): "the PDF could not be rendered (\(d))"
        case .timedOut(let d): "timed out (\(d))"
        case .unreadableFile(let d): "the file could not be read (\(d))"
        }
    }
}
