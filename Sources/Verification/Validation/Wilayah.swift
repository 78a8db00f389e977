import Foundation

/// The official region codes of Kemendagri (`models/wilayah/`), the union of the 2022 and the
/// 2025 revisions: NIKs keep the district code where they were first registered, which a later
/// split or merge may have retired.
public final class Wilayah: Sendable {
    public enum Level: Int, Sendable, Hashable, Comparable, CaseIterable {
        case province = 1, regency, district, village

        /// Digits in a code of this level (`PP`, `PPKK`, `PPKKCC`, `PPKKCCVVVV`).
        public var digitCount: Int { [0, 2, 4, 6, 10][rawValue] }

        public static func < (l: Level, r: Level) -> Bool { l.rawValue < r.rawValue }
    }

    public struct Region: Sendable, Hashable {
        /// Dotted: `33`, `33.26`, `33.26.08`, `33.26.08.2001`.
        public let code: String
        public let level: Level
        /// Upper case, single spaces, abbreviations spelled out: `KABUPATEN PEKALONGAN`, `KAJEN`.
        public let name: String
        /// The name without `KABUPATEN`/`KOTA` (`PEKALONGAN`), as KTP and KK print it after the label.
        public let bareName: String
        /// Bare names an older revision gave the region, when they differ (`DKI JAKARTA`).
        public fileprivate(set) var formerNames: [String]
        /// The bare name with its own hyphens and apostrophes, when it has any (`LAWE SIGALA-GALA`).
        fileprivate var punctuatedName: String? = nil

        /// The bare name as a card prints it: `bareName` is for matching, with punctuation spaced
        /// out; a KTP prints `LAWE SIGALA-GALA`.
        public var printedName: String { punctuatedName ?? bareName }

        /// Every bare name the region has had across the revisions loaded.
        public var aliases: [String] { [bareName] + formerNames }
        /// A city (`kota`, regency digits 71-99) rather than a regency.
        public var isCity: Bool { level == .regency && (Int(code.suffix(2)) ?? 0) >= 71 }
    }

    /// The closest official name to an OCR reading.
    public struct Snap: Sendable, Hashable {
        public let region: Region
        /// 0...1, Levenshtein similarity of the bare names.
        public let score: Double
    }

    private let regions: [String: Region]
    private let codesByLevel: [Level: [String]]

    /// The revisions this loader reads, newest first: its names win.
    public static let files = ["wilayah-2025.csv", "wilayah-2023.csv"]

    /// Loads `wilayah/` under the models folder.
    public convenience init(modelDirectory: URL) throws {
        let folder = modelDirectory.appendingPathComponent("wilayah", isDirectory: true)
        try self.init(files: Wilayah.files.map { folder.appendingPathComponent($0) })
    }

    /// Loads `kode,nama` CSV files; a code in more than one file keeps the first file's name.
    public init(files: [URL]) throws {
        var regions: [String: Region] = [:]
        regions.reserveCapacity(100_000)
        var byLevel: [Level: [String]] = [:]
        for file in files {
            let data: Data
            do { data = try Data(contentsOf: file) } catch { throw WilayahError.unreadable(file.path) }
            try Wilayah.forEachRow(data, file: file.path) { codeBytes, nameBytes in
                guard let level = Wilayah.level(ofCodeBytes: codeBytes) else { return }
                let code = String(decoding: codeBytes, as: UTF8.self)
                let normal = Wilayah.normalizeASCII(nameBytes)
                    ?? Wilayah.normalize(String(decoding: nameBytes, as: UTF8.self))
                let name = level == .regency ? Wilayah.expandRegencyAbbreviations(normal) : normal
                let bare = Wilayah.bareName(name, level: level)
                if let old = regions[code] {
                    if old.bareName != bare && !old.formerNames.contains(bare) {
                        regions[code]!.formerNames.append(bare)
                    }
                } else {
                    regions[code] = Region(code: code, level: level, name: name, bareName: bare, formerNames: [],
                                           punctuatedName: Wilayah.punctuatedName(nameBytes, level: level, bare: bare))
                    byLevel[level, default: []].append(code)
                }
            }
        }
        guard !regions.isEmpty else { throw WilayahError.empty }
        for level in Level.allCases { byLevel[level]?.sort() }  // nearly sorted already: cheap
        self.regions = regions
        self.codesByLevel = byLevel
    }

    /// Loaded once per process from `ModelDirectory.locate()`.
    public static func shared() throws -> Wilayah { try sharedLoad.get() }

    private static let sharedLoad: Result<Wilayah, any Error> = Result {
        try Wilayah(modelDirectory: ModelDirectory.require())
    }

    // MARK: - Lookups

    public var count: Int { regions.count }

    /// The region of a code, dotted or not (`3326`, `33.26`, `330605`).
    public func region(_ code: String) -> Region? {
        Wilayah.dotted(code).flatMap { regions[$0] }
    }

    public func name(of code: String) -> String? { region(code)?.name }

    public func provinceName(_ code: String) -> String? { named(code, .province) }
    public func regencyName(_ code: String) -> String? { named(code, .regency) }
    public func districtName(_ code: String) -> String? { named(code, .district) }
    public func villageName(_ code: String) -> String? { named(code, .village) }

    private func named(_ code: String, _ level: Level) -> String? {
        guard let r = region(code), r.level == level else { return nil }
        return r.name
    }

    /// Whether a district code (`330605` as in a NIK, or `33.06.05`) exists in either revision.
    public func isKnownDistrict(_ code: String) -> Bool {
        region(code)?.level == .district
    }

    /// The regions of `level` inside `parent` (all of that level when nil), in code order.
    public func regions(at level: Level, within parent: String? = nil) -> [Region] {
        codes(at: level, within: parent).map { regions[$0]! }
    }

    private func codes(at level: Level, within parent: String?) -> ArraySlice<String> {
        let codes = codesByLevel[level] ?? []
        guard let parent else { return codes[...] }
        guard let p = Wilayah.dotted(parent) else { return [] }
        // Codes are sorted, so those under `p.` lie between `p.` and `p/` ('/' follows '.').
        let start = lowerBound(codes, p + "."), end = lowerBound(codes, p + "/")
        return codes[start..<max(start, end)]
    }

    private func lowerBound(_ codes: [String], _ key: String) -> Int {
        var lo = 0, hi = codes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if codes[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The official region whose name is closest to `ocrName`, among those of `level` inside
    /// `parent` (a code of any higher level) or nationwide. Nil when nothing scores `minimumScore`.
    /// `KAJEM` within `33.26` snaps to `KAJEN` (score 0.8).
    public func snap(_ ocrName: String, level: Level, within parent: String? = nil,
                     minimumScore: Double = 0) -> Snap? {
        let normal = Wilayah.displayName(ocrName, level: level)
        let bare = Wilayah.bareName(normal, level: level)
        guard !bare.isEmpty else { return nil }
        let wantsCity = normal.hasPrefix("KOTA ")
        let wantsRegency = normal.hasPrefix("KABUPATEN ")
        var best: (rank: Double, snap: Snap)? = nil
        var scorer = TextDistance.Scorer(bare)
        for code in codes(at: level, within: parent) {
            let region = regions[code]!
            var score = scorer.similarity(to: region.bareName)
            for former in region.formerNames { score = max(score, scorer.similarity(to: former)) }
            // When the reading says KOTA or KABUPATEN, prefer that type among equal names.
            var rank = score
            if wantsCity && region.isCity || wantsRegency && !region.isCity && level == .regency { rank += 0.01 }
            if best == nil || rank > best!.rank { best = (rank, Snap(region: region, score: score)) }
        }
        guard let best, best.snap.score >= minimumScore else { return nil }
        return best.snap
    }

    // MARK: - Codes and names

    /// `330605` -> `33.06.05`; a dotted code is checked and returned as is.
    public static func dotted(_ code: String) -> String? {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        if trimmed.contains(".") {
            return level(ofDotted: trimmed) != nil ? trimmed : nil
        }
        guard trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let d = Array(trimmed)
        switch d.count {
        case 2: return trimmed
        case 4: return "\(String(d[0..<2])).\(String(d[2..<4]))"
        case 6: return "\(String(d[0..<2])).\(String(d[2..<4])).\(String(d[4..<6]))"
        case 10: return "\(String(d[0..<2])).\(String(d[2..<4])).\(String(d[4..<6])).\(String(d[6..<10]))"
        default: return nil
        }
    }

    static func level(ofDotted code: String) -> Level? {
        let parts = code.split(separator: ".", omittingEmptySubsequences: false)
        let widths = parts.map(\.count)
        guard parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        switch widths {
        case [2]: return .province
        case [2, 2]: return .regency
        case [2, 2, 2]: return .district
        case [2, 2, 2, 4]: return .village
        default: return nil
        }
    }

    /// Upper case, apostrophes dropped, other punctuation a space, single spaces; for regencies
    /// `KAB.`/`ADM.`/`KEP.` spelled out so both revisions read `KABUPATEN ADMINISTRASI KEPULAUAN SERIBU`.
    public static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for s in text.unicodeScalars {
            let v = s.value
            if (0x61...0x7A).contains(v) || (0x41...0x5A).contains(v) || (0x30...0x39).contains(v) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append((0x61...0x7A).contains(v) ? Unicode.Scalar(v - 32)! : s)
            } else if s == "'" || s == "\u{2019}" || s == "\u{2018}" || s == "`" {
                continue
            } else if s.properties.isAlphabetic {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(contentsOf: String(s).uppercased().unicodeScalars)
            } else {
                pendingSpace = true
            }
        }
        return String(out)
    }

    static func displayName(_ raw: String, level: Level) -> String {
        let normal = normalize(raw)
        return level == .regency ? expandRegencyAbbreviations(normal) : normal
    }

    static func expandRegencyAbbreviations(_ normal: String) -> String {
        let expansions = ["KAB": "KABUPATEN", "ADM": "ADMINISTRASI", "KEP": "KEPULAUAN"]
        return normal.split(separator: " ").map { expansions[String($0)] ?? String($0) }.joined(separator: " ")
    }

    /// `normalize` for a pure-ASCII name straight from the file's bytes, without intermediate
    /// strings (the load reads some 180,000 names); nil when the name holds other characters.
    static func normalizeASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            var n = 0
            var pendingSpace = false
            for b in bytes {
                let isLower = b >= 0x61 && b <= 0x7A
                if isLower || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) {
                    if pendingSpace && n > 0 { out[n] = 0x20; n += 1 }
                    pendingSpace = false
                    out[n] = isLower ? b - 32 : b
                    n += 1
                } else if b == 0x27 || b == 0x60 {  // apostrophes are dropped, as in normalize
                    continue
                } else {
                    pendingSpace = true
                }
            }
            return n
        }
    }

    /// The level of a dotted code given as bytes (`33`, `33.26`, `33.26.08`, `33.26.08.2001`).
    static func level(ofCodeBytes b: UnsafeBufferPointer<UInt8>) -> Level? {
        let digit = { (i: Int) in b[i] >= 0x30 && b[i] <= 0x39 }
        let dot = { (i: Int) in b[i] == 0x2E }
        guard b.count >= 2, digit(0), digit(1) else { return nil }
        switch b.count {
        case 2: return .province
        case 5 where dot(2) && digit(3) && digit(4): return .regency
        case 8 where dot(2) && digit(3) && digit(4) && dot(5) && digit(6) && digit(7): return .district
        case 13 where dot(2) && digit(3) && digit(4) && dot(5) && digit(6) && digit(7) && dot(8)
                    && (9..<13).allSatisfy(digit): return .village
        default: return nil
        }
    }

    /// The bare name in upper case with the hyphens and apostrophes of the file's name kept;
    /// nil when it has none, or when it does not reduce to `bare` (an abbreviated regency type).
    static func punctuatedName(_ bytes: UnsafeBufferPointer<UInt8>, level: Level, bare: String) -> String? {
        // Most names have neither: they are not made into strings twice.
        guard bytes.contains(where: { $0 == 0x2D || $0 == 0x27 || $0 >= 0x80 }) else { return nil }
        var text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\u{2019}", with: "'")
        guard text.contains("-") || text.contains("'") else { return nil }
        text = text.uppercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for prefix in ["KABUPATEN ", "KOTA "] where level == .regency && text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        // Only punctuation may tell the two apart.
        guard normalize(text) == bare else { return nil }
        return text
    }

    static func bareName(_ display: String, level: Level) -> String {
        guard level == .regency else { return display }
        for prefix in ["KABUPATEN ADMINISTRASI ", "KOTA ADMINISTRASI ", "KABUPATEN ", "KOTA "]
        where display.hasPrefix(prefix) && display.count > prefix.count {
            return String(display.dropFirst(prefix.count))
        }
        return display
    }

    /// Calls `body(code, name)` for each data row of a `kode,nama` CSV (CRLF or LF, names
    /// quoted when they hold a comma).
    private static func forEachRow(_ data: Data, file: String,
                                   _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var lineStart = 0
            var lineNumber = 0
            let n = bytes.count
            while lineStart < n {
                var end = lineStart
                while end < n && bytes[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                lineNumber += 1
                defer { lineStart = end + 1 }
                if lineEnd == lineStart || lineNumber == 1 { continue }  // blank line or header
                var comma = lineStart
                while comma < lineEnd && bytes[comma] != 0x2C { comma += 1 }
                guard comma < lineEnd else { throw WilayahError.malformed(file: file, line: lineNumber) }
                var nameStart = comma + 1, nameEnd = lineEnd
                if nameEnd - nameStart >= 2 && bytes[nameStart] == 0x22 && bytes[nameEnd - 1] == 0x22 {
                    nameStart += 1; nameEnd -= 1
                }
                body(UnsafeBufferPointer(rebasing: bytes[lineStart..<comma]),
                     UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]))
            }
        }
    }
}

public enum WilayahError: Error, CustomStringConvertible {
    case unreadable(String)
    case malformed(file: String, line: Int)
    case empty

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read region codes from \(path)"
        case .malformed(let file, let line): "\(file):\(line): expected `kode,nama`"
        case .empty: "no region codes loaded"
        }
    }
}
