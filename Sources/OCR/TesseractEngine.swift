import CTesseract
import Foundation

/// Page segmentation modes Berkas uses (Tesseract's `--psm`).
public enum PageSegmentation: Int32, Sendable {
    case auto = 3
    case singleColumn = 4
    case singleBlock = 6
    case singleLine = 7
    case singleWord = 8
    case sparseText = 11
    case rawLine = 13
}

/// One recognised word: text, confidence 0...1, its box in the image's pixels, and which
/// Tesseract block and line it came from.
public struct OCRWord: Sendable, Hashable {
    public var text: String
    public var confidence: Double
    public var box: PixelRect
    public var block: Int
    public var line: Int

    public init(text: String, confidence: Double, box: PixelRect, block: Int = 0, line: Int = 0) {
        self.text = text; self.confidence = confidence; self.box = box; self.block = block; self.line = line
    }
}

/// What one recognition pass found.
public struct OCRResult: Sendable {
    public var words: [OCRWord]
    /// Mean word confidence 0...1 (0 with no words).
    public var meanConfidence: Double
    /// True when the deadline stopped recognition early; the words are what was read by then.
    public var timedOut: Bool
    public var milliseconds: Double

    public init(words: [OCRWord], meanConfidence: Double, timedOut: Bool, milliseconds: Double) {
        self.words = words; self.meanConfidence = meanConfidence
        self.timedOut = timedOut; self.milliseconds = milliseconds
    }

    /// The words grouped by Tesseract's lines, in reading order.
    public var lines: [[OCRWord]] {
        var out: [[OCRWord]] = []
        var key: (Int, Int)? = nil
        for w in words {
            if let k = key, k == (w.block, w.line) { out[out.count - 1].append(w) }
            else { out.append([w]); key = (w.block, w.line) }
        }
        return out
    }

    public var text: String {
        lines.map { $0.map(\.text).joined(separator: " ") }.joined(separator: "\n")
    }
}

/// What to recognise: the image, optionally a rectangle of it, the segmentation mode and a
/// character whitelist.
public struct RecognitionRequest: Sendable {
    public var image: Pix
    public var rect: PixelRect?
    public var segmentation: PageSegmentation
    public var whitelist: String?
    public var deadlineMs: Int
    /// Resolution hint in dpi (Tesseract estimates otherwise, and warns).
    public var resolution: Int

    public init(image: Pix, rect: PixelRect? = nil, segmentation: PageSegmentation = .auto,
                whitelist: String? = nil, deadlineMs: Int = ScanLimits.default.pageDeadlineMs, resolution: Int = 300) {
        self.image = image; self.rect = rect; self.segmentation = segmentation
        self.whitelist = whitelist; self.deadlineMs = deadlineMs; self.resolution = resolution
    }
}

public enum OCREngineError: Error, CustomStringConvertible, Sendable {
    case languageDataMissing(path: String, language: String)
    case initFailed(String)

    public var description: String {
        switch self {
        case .languageDataMissing(let path, let language):
            "Tesseract language data '\(language)' not found in \(path): install tesseract-ocr-ind and tesseract-ocr-eng, or set TESSDATA_PREFIX"
        case .initFailed(let d): "Tesseract could not start: \(d)"
        }
    }
}

/// Where Tesseract's language data is and which languages to load.
public struct OCRConfiguration: Sendable, Hashable {
    public var dataPath: String
    public var languages: String

    public init(dataPath: String? = nil, languages: String = "ind") {
        self.dataPath = dataPath ?? Self.defaultDataPath()
        self.languages = languages
    }

    public static func defaultDataPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["TESSDATA_PREFIX"], !p.isEmpty { return p }
        for candidate in ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                          "/usr/share/tessdata", "/usr/local/share/tessdata"]
        where FileManager.default.fileExists(atPath: candidate + "/ind.traineddata") {
            return candidate
        }
        return "/usr/share/tesseract-ocr/5/tessdata"
    }

    /// Throws when a language's data file is missing, before Tesseract is asked to load it.
    public func validate() throws {
        for lang in languages.split(separator: "+") {
            let file = "\(dataPath)/\(lang).traineddata"
            if !FileManager.default.fileExists(atPath: file) {
                throw OCREngineError.languageDataMissing(path: dataPath, language: String(lang))
            }
        }
    }
}

/// One Tesseract instance. Not thread-safe: it lives on one `EngineWorker` thread, loaded once
/// and reused for every document that worker reads.
public final class TesseractEngine {
    private let api: OpaquePointer
    public let configuration: OCRConfiguration
    /// Passes run so far (numbers the images `BERKAS_TRACE_OCR=DIR` keeps).
    private var passes = 0
    /// Recognitions run by this engine so far, whole pages and regions alike (what a reading
    /// plan costs, in passes).
    public private(set) var recognitions = 0

    public init(configuration: OCRConfiguration = OCRConfiguration()) throws {
        try configuration.validate()
        guard let api = TessBaseAPICreate() else { throw OCREngineError.initFailed("TessBaseAPICreate returned nil") }
        if TessBaseAPIInit2(api, configuration.dataPath, configuration.languages, OEM_LSTM_ONLY) != 0 {
            TessBaseAPIDelete(api)
            throw OCREngineError.initFailed("could not load '\(configuration.languages)' from \(configuration.dataPath)")
        }
        self.api = api
        self.configuration = configuration
        _ = TessBaseAPISetVariable(api, "debug_file", "/dev/null")
    }

    deinit {
        TessBaseAPIEnd(api)
        TessBaseAPIDelete(api)
    }

    public func recognize(_ request: RecognitionRequest) -> OCRResult {
        let start = DispatchTime.now().uptimeNanoseconds
        recognitions += 1
        TessBaseAPISetPageSegMode(api, TessPageSegMode(rawValue: UInt32(request.segmentation.rawValue)))
        _ = TessBaseAPISetVariable(api, "tessedit_char_whitelist", request.whitelist ?? "")
        TessBaseAPISetImage2(api, request.image.pointer)
        TessBaseAPISetSourceResolution(api, Int32(request.resolution))
        if let rect = request.rect?.clipped(width: request.image.width, height: request.image.height) {
            TessBaseAPISetRectangle(api, Int32(rect.x), Int32(rect.y), Int32(rect.w), Int32(rect.h))
        }
        let monitor = TessMonitorCreate()
        defer { TessMonitorDelete(monitor) }
        TessMonitorSetDeadlineMSecs(monitor, Int32(max(1, request.deadlineMs)))
        let status = TessBaseAPIRecognize(api, monitor)
        let elapsedMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        // Recognize fails when the deadline cancelled it; what was read so far is still there.
        let timedOut = status != 0 || elapsedMs >= Double(request.deadlineMs)
        let words = collectWords()
        TessBaseAPIClear(api)
        if let trace = ProcessInfo.processInfo.environment["BERKAS_TRACE_OCR"] {
            passes += 1
            var saved = ""
            // BERKAS_TRACE_OCR=DIR also keeps each pass's image, to see what Tesseract was given.
            if trace.hasPrefix("/"), request.image.writePNG(to: "\(trace)/pass-\(passes).png") { saved = " -> \(trace)/pass-\(passes).png" }
            FileHandle.standardError.write(Data("ocr psm=\(request.segmentation) \(request.image.width)x\(request.image.height) rect=\(String(describing: request.rect)) wl=\(request.whitelist != nil) words=\(words.count) \(Int(elapsedMs)) ms\(saved)\n".utf8))
        }
        let mean = words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count)
        return OCRResult(words: words, meanConfidence: mean, timedOut: timedOut,
                         milliseconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }

    private func collectWords() -> [OCRWord] {
        guard let it = TessBaseAPIGetIterator(api) else { return [] }
        defer { TessResultIteratorDelete(it) }
        let page = TessResultIteratorGetPageIterator(it)
        var words: [OCRWord] = []
        var block = -1, line = -1
        repeat {
            if TessPageIteratorIsAtBeginningOf(page, RIL_BLOCK) != 0 { block += 1; line = -1 }
            if TessPageIteratorIsAtBeginningOf(page, RIL_TEXTLINE) != 0 { line += 1 }
            guard let cText = TessResultIteratorGetUTF8Text(it, RIL_WORD) else { continue }
            let text = String(cString: cText)
            TessDeleteText(cText)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            var l: Int32 = 0, t: Int32 = 0, r: Int32 = 0, b: Int32 = 0
            guard TessPageIteratorBoundingBox(page, RIL_WORD, &l, &t, &r, &b) != 0 else { continue }
            let conf = Double(TessResultIteratorConfidence(it, RIL_WORD)) / 100
            words.append(OCRWord(text: trimmed, confidence: max(0, min(1, conf)),
                                 box: PixelRect(x: Int(l), y: Int(t), w: Int(r - l), h: Int(b - t)),
                                 block: max(0, block), line: max(0, line)))
        } while TessResultIteratorNext(it, RIL_WORD) != 0
        return words
    }
}
