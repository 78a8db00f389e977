import Foundation
import OCR

/// A word-level token: OCR words split at colons, so `Nama:` and `:RINA` separate label from value.
struct Token {
    var text: String
    var box: PixelRect
    var confidence: Double
    var isColon: Bool { text == ":" }
}

/// Words on one visual line, left to right, whatever Tesseract's block structure said.
struct TextRow {
    var tokens: [Token]
    var box: PixelRect

    var text: String { tokens.map(\.text).joined(separator: " ") }
    var height: Int { box.h }
}

enum Layout {
    /// Splits words at colons and groups them into visual rows. Tesseract's own lines are kept
    /// whole; lines that continue one another (a label column and a value column read as two
    /// blocks) are joined when the end of one meets the start of the next, which holds on a
    /// slightly rotated or perspective-warped photo where whole-row boxes would not overlap.
    static func rows(_ words: [OCRWord]) -> [TextRow] {
        var lines: [[Token]] = []
        var key: (Int, Int)? = nil
        for w in words {
            if let k = key, k == (w.block, w.line) { lines[lines.count - 1] += split(w) }
            else { lines.append(split(w)); key = (w.block, w.line) }
        }
        // A Tesseract line can jump a wide gap; split it there so the parts can join their own rows.
        var pieces: [[Token]] = []
        for line in lines where !line.isEmpty {
            let sorted = line.sorted { $0.box.x < $1.box.x }
            let h = sorted.map(\.box.h).sorted()[sorted.count / 2]
            pieces += segments(sorted, gap: 6 * max(h, 1))
        }
        pieces.sort { $0[0].box.x < $1[0].box.x }
        var rows: [TextRow] = []
        for piece in pieces {
            let first = piece[0]
            // Colons are small; judge the join by the piece's words.
            let words = piece.filter { !$0.isColon }
            let lead = box(words.isEmpty ? piece : Array(words.prefix(2)))!
            var best: (index: Int, overlap: Double)? = nil
            for (i, row) in rows.enumerated() {
                guard let last = row.tokens.last, last.box.maxX <= first.box.x + first.box.h else { continue }
                let overlap = last.box.verticalOverlap(lead)
                let sizeRatio = Double(min(last.box.h, lead.h)) / Double(max(1, max(last.box.h, lead.h)))
                if overlap >= 0.45 && sizeRatio > 0.3 && overlap > (best?.overlap ?? 0) { best = (i, overlap) }
            }
            if let b = best {
                rows[b.index].tokens += piece
                rows[b.index].box = rows[b.index].box.union(box(piece)!)
            } else {
                rows.append(TextRow(tokens: piece, box: box(piece)!))
            }
        }
        return rows.sorted { $0.box.midY < $1.box.midY }
    }

    /// With `BERKAS_DEBUG_ROWS` set, prints the rows to stderr (for tuning extraction).
    static func debugDump(_ rows: [TextRow]) {
        guard ProcessInfo.processInfo.environment["BERKAS_DEBUG_ROWS"] != nil else { return }
        for (i, r) in rows.enumerated() {
            let line = "row \(i) y=\(r.box.y) h=\(r.box.h): " + r.tokens.map { "\($0.text)@\($0.box.x)" }.joined(separator: " ") + "\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// `Nama:RINA` -> `Nama`, `:`, `RINA`, each with its share of the word's box.
    static func split(_ w: OCRWord) -> [Token] {
        let chars = Array(w.text)
        guard chars.contains(":"), chars.count > 1 else {
            return [Token(text: w.text, box: w.box, confidence: w.confidence)]
        }
        var parts: [String] = []
        var cur = ""
        for c in chars {
            if c == ":" {
                if !cur.isEmpty { parts.append(cur) }
                parts.append(":"); cur = ""
            } else { cur.append(c) }
        }
        if !cur.isEmpty { parts.append(cur) }
        var out: [Token] = []
        var offset = 0
        let total = max(1, chars.count)
        for p in parts {
            let x0 = w.box.x + w.box.w * offset / total
            offset += p.count
            let x1 = w.box.x + w.box.w * offset / total
            out.append(Token(text: p, box: PixelRect(x: x0, y: w.box.y, w: max(1, x1 - x0), h: w.box.h),
                             confidence: w.confidence))
        }
        return out
    }

    /// Splits tokens where the horizontal gap is wider than `gap` pixels.
    static func segments(_ tokens: [Token], gap: Int) -> [[Token]] {
        var out: [[Token]] = []
        for t in tokens {
            if let last = out.last?.last, t.box.x - last.box.maxX <= gap {
                out[out.count - 1].append(t)
            } else {
                out.append([t])
            }
        }
        return out
    }

    /// Upper case, single spaces, without leading or trailing separators.
    static func normalize(_ tokens: [Token]) -> String {
        normalize(tokens.map(\.text).joined(separator: " "))
    }

    static func normalize(_ s: String) -> String {
        let upper = s.uppercased().replacingOccurrences(of: "\u{2014}", with: "-")
        // A lone bar is a rule or a table border, and a lone `$` or `*` a speck of the card's
        // pattern, never a word of a value.
        let collapsed = upper.split(whereSeparator: { $0.isWhitespace })
            .filter { !$0.allSatisfy { "|¦$§®©*^•~_=".contains($0) } }.joined(separator: " ")
        // `!` and `#` are a colon or a rule misread; no printed value begins or ends with one
        // (nor with a stray quote or guillemet).
        let edge = CharacterSet(charactersIn: ":;.,-_=~'\"|`!#»«“”„ ")
        return collapsed.trimmingCharacters(in: edge)
    }

    /// An address with the full stops of its abbreviations that OCR read as commas
    /// (`JL. KARTINI NO, 91` is `JL. KARTINI NO. 91`): no address writes `NO,` or `GG,`.
    static func address(_ s: String) -> String {
        let abbreviations: Set<Substring> = ["JL", "GG", "NO", "DK", "DS", "KP", "KEL", "KEC", "BLK"]
        // Words OCR glued together where the print spaced them tightly: `GG.9` is `GG. 9`, and
        // `MADANO. 27` is `MADA NO. 27` (a house number follows `NO.`).
        var words: [Substring] = []
        let parts = s.split(separator: " ")
        for (i, part) in parts.enumerated() {
            if let dot = part.firstIndex(of: "."), abbreviations.contains(part[..<dot]), part.index(after: dot) < part.endIndex {
                words += [part[...dot], part[part.index(after: dot)...]]
            } else if part.count >= 6, part.hasSuffix("NO."), part.dropLast(3).allSatisfy(\.isLetter),
                      i + 1 < parts.count, parts[i + 1].first?.isNumber == true,
                      i == 0 || parts[i - 1] != "BLOK" {
                words += [part.dropLast(3), part.suffix(3)]
            } else if let last = words.last, last.count >= 3, last.hasSuffix("-"), last.dropLast().last?.isLetter == true,
                      part.first?.isLetter == true {
                // `AL- IKHLAS` is `AL-IKHLAS`: a hyphen ends no word of an address.
                words[words.count - 1] = Substring(last + part)
            } else {
                words.append(part)
            }
        }
        return words.indices.map { i -> String in
            let word = words[i]
            // `JL KARTINI`, `NO 19`, `GG 4`: the stop after a street, house or alley
            // abbreviation was lost (a KTP prints it every time).
            if i + 1 < words.count, let next = words[i + 1].first,
               word == "JL" && next.isLetter || (word == "NO" || word == "GG") && next.isNumber {
                return word + "."
            }
            // `BLOK BINO. 25` is `BLOK B1 NO. 25`: a block's letter and digit glued to `NO.`,
            // the digit read as a letter.
            if i > 0, words[i - 1] == "BLOK", word.count >= 4, word.hasSuffix("NO."), let letter = word.first, letter.isLetter {
                let digits = word.dropFirst().dropLast(3).map { c -> Character in
                    switch c { case "I", "L", "|": "1"; case "O", "D": "0"; case "S": "5"; case "B": "8"; default: c }
                }
                if !digits.isEmpty, digits.allSatisfy(\.isNumber) { return "\(letter)\(String(digits)) NO." }
            }
            guard word.count >= 3, word.last == ",", abbreviations.contains(word.dropLast()) else { return String(word) }
            return word.dropLast() + "."
        }.joined(separator: " ")
    }

    static func box(_ tokens: [Token]) -> PixelRect? {
        guard var b = tokens.first?.box else { return nil }
        for t in tokens.dropFirst() { b = b.union(t.box) }
        return b
    }

    static func confidence(_ tokens: [Token]) -> Double {
        guard !tokens.isEmpty else { return 0 }
        return tokens.map(\.confidence).reduce(0, +) / Double(tokens.count)
    }

    static func field(_ value: String?, _ tokens: [Token], confidence: Double? = nil) -> FieldValue {
        let b = box(tokens)
        return FieldValue(value: value, confidence: ((confidence ?? Layout.confidence(tokens)) * 1000).rounded() / 1000,
                          box: b.map { Box(x: $0.x, y: $0.y, w: $0.w, h: $0.h) })
    }
}

/// Closed vocabularies printed on KTP and KK, with the spellings seen in print.
enum Vocabulary {
    static let sex = ["LAKI-LAKI", "PEREMPUAN"]
    static let blood = ["A", "B", "AB", "O", "-", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"]
    static let religion = ["ISLAM", "KRISTEN", "KATHOLIK", "KATOLIK", "HINDU", "BUDDHA", "BUDHA", "KHONGHUCU",
                           "KONGHUCU", "KEPERCAYAAN TERHADAP TUHAN YME"]
    static let marital = ["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI", "KAWIN TERCATAT", "KAWIN BELUM TERCATAT"]
    static let citizenship = ["WNI", "WNA"]
    /// The occupations the population register (SIAK) prints on KTPs and KKs. Not a closed
    /// list on older cards: a reading is only given the official spelling when it is one of
    /// these but for punctuation or a slip (`PELAJAR MAHASISWA` is `PELAJAR/MAHASISWA`).
    static let occupation = [
        "BELUM/TIDAK BEKERJA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PENSIUNAN",
        "PEGAWAI NEGERI SIPIL (PNS)", "TENTARA NASIONAL INDONESIA (TNI)", "KEPOLISIAN RI (POLRI)",
        "PERDAGANGAN", "PETANI/PEKEBUN", "PETERNAK", "NELAYAN/PERIKANAN", "INDUSTRI", "KONSTRUKSI",
        "TRANSPORTASI", "KARYAWAN SWASTA", "KARYAWAN BUMN", "KARYAWAN BUMD", "KARYAWAN HONORER",
        "BURUH HARIAN LEPAS", "BURUH TANI/PERKEBUNAN", "BURUH NELAYAN/PERIKANAN", "BURUH PETERNAKAN",
        "PEMBANTU RUMAH TANGGA", "TUKANG CUKUR", "TUKANG LISTRIK", "TUKANG BATU", "TUKANG KAYU",
        "TUKANG SOL SEPATU", "TUKANG LAS/PANDAI BESI", "TUKANG JAHIT", "TUKANG GIGI", "PENATA RIAS",
        "PENATA BUSANA", "PENATA RAMBUT", "MEKANIK", "SENIMAN", "TABIB", "PARAJI", "PERANCANG BUSANA",
        "PENTERJEMAH", "IMAM MASJID", "PENDETA", "PASTOR", "WARTAWAN", "USTADZ/MUBALIGH", "JURU MASAK",
        "PROMOTOR ACARA", "ANGGOTA DPR-RI", "ANGGOTA DPD", "ANGGOTA BPK", "PRESIDEN", "WAKIL PRESIDEN",
        "ANGGOTA MAHKAMAH KONSTITUSI", "ANGGOTA KABINET/KEMENTERIAN", "DUTA BESAR", "GUBERNUR",
        "WAKIL GUBERNUR", "BUPATI", "WAKIL BUPATI", "WALIKOTA", "WAKIL WALIKOTA",
        "ANGGOTA DPRD PROVINSI", "ANGGOTA DPRD KABUPATEN/KOTA", "DOSEN", "GURU", "PILOT", "PENGACARA",
        "NOTARIS", "ARSITEK", "AKUNTAN", "KONSULTAN", "DOKTER", "BIDAN", "PERAWAT", "APOTEKER",
        "PSIKIATER/PSIKOLOG", "PENYIAR TELEVISI", "PENYIAR RADIO", "PELAUT", "PENELITI", "SOPIR",
        "PIALANG", "PARANORMAL", "PEDAGANG", "PERANGKAT DESA", "KEPALA DESA", "BIARAWATI",
        "WIRASWASTA", "LAINNYA",
    ]

    /// An occupation as the register spells it, when the reading is one but for punctuation,
    /// spacing or a slip (one in eight letters or more, two in sixteen; confusable glyphs such as
    /// `O`/`0` count half) and no other occupation is as near; otherwise the reading as it is.
    static func occupation(_ text: String) -> String {
        let k = TextMatch.key(text)
        if let exact = occupation.first(where: { TextMatch.key($0) == k }) { return exact }
        guard k.count >= 8 else { return text }
        let scored = occupation.map { ($0, TextDistance.ocrWeighted(k, TextMatch.key($0), confusableCost: 0.5)) }
            .sorted { $0.1 < $1.1 }
        let allowed: Double = k.count >= 16 ? 2 : 1
        guard scored[0].1 <= allowed, scored[1].1 - scored[0].1 >= 1 else { return text }
        return scored[0].0
    }

    /// The allowed value closest to `text` and the similarity, when at least `minimum`.
    static func snap(_ text: String, to values: [String], minimum: Double = 0.6) -> (String, Double)? {
        let k = TextMatch.key(text)
        guard !k.isEmpty else { return nil }
        var best: (String, Double)? = nil
        for v in values {
            let s = TextMatch.similarity(k, TextMatch.key(v))
            if best == nil || s > best!.1 { best = (v, s) }
        }
        guard let best, best.1 >= minimum else { return nil }
        return best
    }
}
