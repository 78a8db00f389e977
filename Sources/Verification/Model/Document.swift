/// The kinds of document a claim holds (SPEC section 1).
public enum DocumentKind: String, Codable, Sendable, CaseIterable {
    case ktp
    case kk
    case employerLetter = "employer_letter"
    case unknown

    /// The kinds a claim has a slot for.
    public static let slots: [DocumentKind] = [.ktp, .kk, .employerLetter]

    /// How the document is named to a claimant.
    public var indonesianName: String {
        switch self {
        case .ktp: "KTP"
        case .kk: "Kartu Keluarga"
        case .employerLetter: "surat keterangan kerja"
        case .unknown: "dokumen"
        }
    }
}

/// A rectangle in the pixel coordinates of the scan as loaded (after EXIF orientation).
/// Encoded as `[x, y, w, h]`.
public struct Box: Codable, Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var w: Int
    public var h: Int

    public init(x: Int, y: Int, w: Int, h: Int) {
        self.x = x; self.y = y; self.w = w; self.h = h
    }

    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        x = try c.decode(Int.self); y = try c.decode(Int.self)
        w = try c.decode(Int.self); h = try c.decode(Int.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(x); try c.encode(y); try c.encode(w); try c.encode(h)
    }

    public var maxX: Int { x + w }
    public var maxY: Int { y + h }
    public var midY: Int { y + h / 2 }
    public var midX: Int { x + w / 2 }

    /// The smallest box holding both.
    public func union(_ o: Box) -> Box {
        let nx = min(x, o.x), ny = min(y, o.y)
        return Box(x: nx, y: ny, w: max(maxX, o.maxX) - nx, h: max(maxY, o.maxY) - ny)
    }

    /// Fraction of the shorter box's height that the two share vertically.
    public func verticalOverlap(_ o: Box) -> Double {
        let top = max(y, o.y), bottom = min(maxY, o.maxY)
        guard bottom > top else { return 0 }
        return Double(bottom - top) / Double(max(1, min(h, o.h)))
    }
}

/// One extracted field: the normalised value as printed, how sure we are, and where it was read.
public struct FieldValue: Codable, Sendable, Hashable {
    public var value: String?
    /// 0...1
    public var confidence: Double
    public var box: Box?

    public init(value: String?, confidence: Double, box: Box? = nil) {
        self.value = value
        self.confidence = confidence
        self.box = box
    }
}

/// Image quality measurements of a scan (SPEC `quality` object).
public struct Quality: Codable, Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var pages: Int
    /// Variance of the Laplacian on the grey image, scaled to the document size; low is blurred.
    public var sharpness: Double
    /// Mean grey level 0...255.
    public var brightness: Double
    /// Standard deviation of the grey level.
    public var contrast: Double
    /// Skew found and corrected, in degrees.
    public var skewDegrees: Double
    /// Mean Tesseract word confidence 0...1 over the page.
    public var ocrConfidence: Double
    /// Words Tesseract found.
    public var words: Int
    /// Whether the scan can be read at all.
    public var readable: Bool

    public init(width: Int = 0, height: Int = 0, pages: Int = 0, sharpness: Double = 0,
                brightness: Double = 0, contrast: Double = 0, skewDegrees: Double = 0,
                ocrConfidence: Double = 0, words: Int = 0, readable: Bool = false) {
        self.width = width; self.height = height; self.pages = pages
        self.sharpness = sharpness; self.brightness = brightness; self.contrast = contrast
        self.skewDegrees = skewDegrees; self.ocrConfidence = ocrConfidence
        self.words = words; self.readable = readable
    }

    enum CodingKeys: String, CodingKey {
        case width, height, pages, sharpness, brightness, contrast
        case skewDegrees = "skew_degrees"
        case ocrConfidence = "ocr_confidence"
        case words, readable
    }
}

/// The result of reading one scan (SPEC `verify` object).
public struct DocumentResult: Codable, Sendable {
    public var file: String
    public var kind: DocumentKind
    public var kindConfidence: Double
    public var fields: [String: FieldValue]
    /// KK member rows; nil for other kinds.
    public var members: [[String: FieldValue]]?
    public var quality: Quality
    public var issues: [Issue]
    public var timingMs: [String: Double]
    /// The recognised text, line by line.
    public var text: String?

    public init(file: String, kind: DocumentKind = .unknown, kindConfidence: Double = 0,
                fields: [String: FieldValue] = [:], members: [[String: FieldValue]]? = nil,
                quality: Quality = Quality(), issues: [Issue] = [], timingMs: [String: Double] = [:],
                text: String? = nil) {
        self.file = file; self.kind = kind; self.kindConfidence = kindConfidence
        self.fields = fields; self.members = members; self.quality = quality
        self.issues = issues; self.timingMs = timingMs; self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case file, kind
        case kindConfidence = "kind_confidence"
        case fields, members, quality, issues
        case timingMs = "timing_ms"
        case text
    }

    /// The value of a field, if read.
    public func value(_ name: String) -> String? { fields[name]?.value }
}
