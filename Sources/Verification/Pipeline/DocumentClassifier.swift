import OCR

/// Decides which kind of document a scan is from its words and shape.
public struct DocumentClassifier: Sendable {
    /// Words and phrases typical of each kind, with weights. Matched fuzzily, once each.
    static let cues: [DocumentKind: [(String, Double)]] = [
        .ktp: [("PROVINSI", 1), ("NIK", 1.5), ("TEMPAT/TGL", 1.5), ("LAHIR", 0.5), ("KELAMIN", 1),
               ("DARAH", 1), ("ALAMAT", 0.5), ("RT/RW", 0.5), ("KEL/DESA", 1.5), ("KECAMATAN", 0.5),
               ("AGAMA", 0.5), ("PERKAWINAN", 0.5), ("PEKERJAAN", 0.5), ("KEWARGANEGARAAN", 1),
               ("BERLAKU", 1.5), ("HINGGA", 1), ("GOL", 0.5), ("SEUMUR", 1)],
        .kk: [("KARTU", 1.5), ("KELUARGA", 2), ("KEPALA", 1), ("HUBUNGAN", 1), ("PENDIDIKAN", 1.5),
              ("PASPOR", 1.5), ("KITAP", 1.5), ("AYAH", 1), ("IBU", 0.5), ("DIKELUARKAN", 1),
              ("DESA/KELURAHAN", 1), ("LENGKAP", 1), ("KODE", 0.5)],
        .employerLetter: [("SURAT", 1.5), ("KETERANGAN", 1.5), ("NOMOR", 1), ("BEKERJA", 1.5),
                          ("MENERANGKAN", 1.5), ("JABATAN", 1.5), ("PERUSAHAAN", 1), ("PAKLARING", 2),
                          ("BERTANDA", 1), ("TANGAN", 0.5), ("KARYAWAN", 1), ("HUBUNGAN", 0.5),
                          ("DEMIKIAN", 1), ("SEJAK", 0.5), ("PEMUTUSAN", 1), ("HRD", 1)],
    ]

    /// Score below which a scan is `unknown`.
    public var minimumScore = 3.5

    public init() {}

    /// `minimumWordConfidence` lets an unreadable scan still be recognised by the few title
    /// and label words that came through.
    public func classify(words: [OCRWord], width: Int, height: Int, minimumWordConfidence: Double = 0.3) -> (kind: DocumentKind, confidence: Double) {
        var scores = cueHits(words: words, minimumWordConfidence: minimumWordConfidence).mapValues { $0.map(\.1).reduce(0, +) }
        // A lone 16-digit number is a KTP's NIK line: it still tells a KTP whose label column
        // the page segmentation dropped (heavy print, a busy background).
        let numbers = words.filter { $0.confidence > minimumWordConfidence }
            .map { $0.text.filter { !":;.,".contains($0) } }
            .filter { $0.count == 16 && $0.allSatisfy(\.isNumber) }
        // Shape: an ID card is about 1.58:1; a KK is landscape A4; a letter is portrait.
        let aspect = Double(max(width, height)) / Double(max(1, min(width, height)))
        if width > height, abs(aspect - 1.58) < 0.25 { scores[.ktp, default: 0] += 0.5 }
        // (A KK prints a NIK on every member row; a letter's NIK comes with many letter cues.)
        if numbers.count == 1 { scores[.ktp, default: 0] += 1 }
        if width > height, abs(aspect - 1.414) < 0.1 { scores[.kk, default: 0] += 0.5 }
        if height > width { scores[.employerLetter, default: 0] += 0.5 }

        let ranked = scores.sorted { $0.value > $1.value }
        guard let best = ranked.first, best.value >= minimumScore else {
            // Sure it is something else only when almost no cue of any kind was read.
            let top = ranked.first?.value ?? 0
            return (.unknown, max(0.05, min(0.99, 1 - top / minimumScore)))
        }
        let second = ranked.dropFirst().first?.value ?? 0
        let margin = (best.value - second) / best.value
        let strength = min(1, best.value / 8)
        return (best.key, min(0.99, 0.5 + 0.25 * margin + 0.25 * strength))
    }

    /// The cue words of each kind found among the words, with their weights.
    public func cueHits(words: [OCRWord], minimumWordConfidence: Double = 0.3) -> [DocumentKind: [(String, Double)]] {
        let tokens = Set(words.filter { $0.confidence > minimumWordConfidence }.map { TextMatch.key($0.text) }.filter { $0.count >= 2 })
        var hits: [DocumentKind: [(String, Double)]] = [:]
        for (kind, cues) in Self.cues {
            hits[kind] = cues.filter { (cue, _) in
                let parts = cue.split(separator: "/").map { TextMatch.key($0) }
                let whole = TextMatch.key(cue)
                return tokens.contains { t in
                    t == whole || (whole.count >= 4 && TextMatch.fuzzyEquals(t, whole))
                        || (parts.count > 1 && parts.allSatisfy { p in tokens.contains(p) } && t == parts[0])
                }
            }
        }
        return hits
    }
}
