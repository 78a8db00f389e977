import Foundation
import OCR

/// Reads an employer letter (surat keterangan kerja, paklaring, PHK letter): the company from
/// the letterhead, `label : value` lines (Nomor, the employee's Nama / NIK / Jabatan, not a
/// signer block's), the employment period from the body's wording, the reason category from its
/// words, the place and date line, and the signer's name under the signature space. Text values
/// keep their printed case.
struct LetterExtractor: FieldExtractor {
    static let labels: [(field: String, keys: [String])] = [
        ("nomor_surat", ["NOMOR", "NO", "NOMORSURAT", "NOSURAT", "NOMER"]),
        ("nama", ["NAMA", "NAMALENGKAP", "NAMAKARYAWAN", "NAMAPEKERJA"]),
        ("nik", ["NIK", "NOKTP", "NIKKTP", "NOMORKTP", "NONIK", "NOMORINDUKKEPENDUDUKAN", "NOINDUKKEPENDUDUKAN"]),
        ("jabatan", ["JABATAN", "JABATANTERAKHIR", "POSISI", "BAGIAN", "BAGIANJABATAN", "JABATANBAGIAN", "POSISITERAKHIR"]),
        ("alamat", ["ALAMAT"]),
        ("ttl", ["TEMPATTGLLAHIR", "TEMPATTANGGALLAHIR"]),
        // The period as label lines: `Tanggal Masuk : ...`, `Tanggal Keluar : ...`, `Masa Kerja : ... s/d ...`.
        ("period_start", ["TANGGALMASUK", "TGLMASUK", "MULAIBEKERJA", "TANGGALMULAIBEKERJA", "TANGGALMULAIKERJA",
                          "AWALBEKERJA", "TANGGALBERGABUNG"]),
        ("period_end", ["TANGGALKELUAR", "TGLKELUAR", "TANGGALBERHENTI", "TGLBERHENTI", "TANGGALBERAKHIR",
                        "AKHIRBEKERJA", "TANGGALRESIGN", "TANGGALPHK"]),
        ("period", ["MASAKERJA", "PERIODEKERJA", "LAMABEKERJA", "PERIODE", "MASABAKTI"]),
        ("reason", ["ALASANBERHENTI", "ALASAN", "ALASANKELUAR", "SEBABBERHENTI"]),
    ]
    static let startKeys: Set<String> = ["SEJAK", "MULAI", "DARI", "TERHITUNG", "TANGGAL", "TGL", "PADA"]
    static let endKeys: Set<String> = ["SAMPAI", "DENGAN", "SD", "HINGGA", "BERAKHIR", "AKHIR", "SAMPAIDENGAN"]
    static let roleWords = ["DIREKTUR", "MANAGER", "MANAJER", "HRD", "PERSONALIA", "KEPALA", "PIMPINAN", "SUPERVISOR",
                            "GENERAL", "HUMAN", "RESOURCES", "BAGIAN", "SDM", "UTAMA", "KABAG", "DIREKSI", "OWNER",
                            "KOORDINATOR", "MANAGEMENT", "MANAJEMEN", "DEPARTEMEN", "DEPARTMENT", "HEAD", "KEPEGAWAIAN",
                            "PERSONNEL", "ADMINISTRASI", "KETUA", "WAKIL", "SEKRETARIS"]

    struct Labeled { var field: String; var row: Int; var value: [Token] }

    func extract(_ ctx: PageContext) -> Extraction {
        if let path = ProcessInfo.processInfo.environment["BERKAS_DEBUG_LETTER_PNG"] { _ = ctx.page.image.writePNG(to: path) }
        var out = read(ctx.ocr.words, ctx: ctx)
        if let closer = LetterSecondLook.closerWords(ctx) { out = LetterSecondLook.merge(out, read(closer, ctx: ctx)) }
        if out.fields["nomor_surat"]?.value == nil || out.fields["nama"]?.value == nil {
            for (name, value) in headFields(ctx) where out.fields[name]?.value == nil { out.fields[name] = value }
        }
        return out
    }

    /// The letter number and the employee's labelled lines read from the lines above the first
    /// labelled row (title, number, `Yang bertanda tangan`, `Nama`) read again alone as one
    /// block: on a photo, Tesseract's layout analysis can take an underlined bold title and the
    /// number under it for a picture and skip both, or drop the first lines of the body. The
    /// employee's lines are taken only after the block's `menerangkan` (a signer block's
    /// `Nama :` comes before it), and not at all from a block that holds `bertanda` without one.
    func headFields(_ ctx: PageContext) -> [String: FieldValue] {
        let geo = KKGeometry(words: ctx.ocr.words)
        let rows = geo.rows(geo.tokens).filter { r in r.tokens.contains { TextMatch.key($0.text).count >= 1 } }
        guard let first = rows.indices.first(where: { r in
            rows[r].tokens.contains { TextMatch.fuzzyEquals($0.text, "BERTANDA") }
                || label(rows[r], index: r).map { ["nama", "jabatan", "nik"].contains($0.field) } == true
        }) else { return [:] }
        let pitch = Self.pitch(rows), column = Self.column(rows)
        let block = LetterSecondLook.rows(from: max(0, rows[first].box.y - Self.headLines * pitch), to: rows[first].box.y,
                                          column: column, pitch: pitch, ctx: ctx)
        var out: [String: FieldValue] = [:]
        let explained = block.lastIndex { r in r.tokens.contains { TextMatch.fuzzyEquals($0.text, "MENERANGKAN") } }
        let signed = block.contains { r in r.tokens.contains { TextMatch.fuzzyEquals($0.text, "BERTANDA") } }
        for (i, row) in block.enumerated() {
            guard let n = label(row, index: i) else { continue }
            switch n.field {
            case "nomor_surat" where out["nomor_surat"] == nil:
                let (fixed, changed) = Self.romanMonths(Self.joinCode(n.value))
                guard !fixed.isEmpty, fixed.contains(where: \.isNumber) else { continue }
                // Tesseract gives some long codes read in a block no confidence at all (read alone
                // they read worse): such a number stands as read, for an officer to confirm.
                out["nomor_surat"] = Layout.field(fixed, n.value, confidence: Layout.confidence(n.value) * (changed ? 0.8 : 1))
            case "nama", "jabatan":
                guard out[n.field] == nil, explained.map({ i > $0 }) ?? !signed else { continue }
                let text = Self.printed(n.value)
                if !text.isEmpty { out[n.field] = Layout.field(text, n.value, confidence: min(Layout.confidence(n.value), Self.headBlockCap)) }
            case "nik":
                guard out["nik"] == nil, explained.map({ i > $0 }) ?? !signed, var value = nik(n.value, ctx: ctx) else { continue }
                value.confidence = min(value.confidence, Self.headBlockCap)
                out["nik"] = value
            default: continue
            }
        }
        return out
    }

    /// The most an employee's line is trusted when only the head block read it: the page pass
    /// that skipped it was in trouble there (a photo's small print), so an officer confirms it.
    static let headBlockCap = 0.75

    /// How many line pitches above the first labelled row the title and number are looked for.
    static let headLines = 8

    func read(_ words: [OCRWord], ctx: PageContext) -> Extraction {
        var out = Extraction()
        let geo = KKGeometry(words: words)
        let rows = geo.rows(geo.tokens).filter { r in r.tokens.contains { TextMatch.key($0.text).count >= 1 } }
        guard !rows.isEmpty else { return out }
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_LETTER"] != nil {
            for r in rows {
                let verbose = ProcessInfo.processInfo.environment["BERKAS_DEBUG_LETTER"] == "boxes"
                let words = r.tokens.map { verbose ? "\($0.text)[\($0.box.x)-\($0.box.maxX)]" : $0.text }
                FileHandle.standardError.write(Data("\(r.box.y) h\(r.height) \(words.joined(separator: " "))\n".utf8))
            }
        }
        let labeled = rows.enumerated().compactMap { label($0.element, index: $0.offset) }

        // Signer block: `Yang bertanda tangan ... Nama : ... Jabatan : ... menerangkan bahwa`.
        let firstNama = labeled.first { $0.field == "nama" }?.row ?? rows.count
        let explain = rows.indices.first { r in
            rows[r].tokens.contains { TextMatch.fuzzyEquals($0.text, "MENERANGKAN") } && labeled.contains { $0.field == "nama" && $0.row > r }
        }
        let signerBlockNama: Labeled? = {
            guard let e = explain, firstNama < e else { return nil }
            return labeled.first { $0.field == "nama" && $0.row < e }
        }()
        let employeeStart: Int = {
            if let e = explain { return e + 1 }
            let signedRow = rows.indices.first { r in rows[r].tokens.contains { TextMatch.fuzzyEquals($0.text, "BERTANDA") } }
            let namas = labeled.filter { $0.field == "nama" }
            if let s = signedRow, namas.count >= 2, namas[0].row > s { return namas[1].row }
            return 0
        }()
        func employee(_ field: String) -> Labeled? { labeled.first { $0.field == field && $0.row >= employeeStart } }

        // Company: the letterhead, checked against the name in the body and the closing.
        let mentions = bodyCompanies(rows)
        if var company = letterhead(rows, ctx: ctx) {
            let key = TextMatch.key(company.value ?? "")
            let agreeing = mentions.filter { TextMatch.key($0.value ?? "") == key }.count
            // Two mentions that agree with each other and not with the letterhead outvote it.
            let votes = Dictionary(grouping: mentions, by: { TextMatch.key($0.value ?? "") })
            if agreeing == 0, let (_, best) = votes.max(by: { $0.value.count < $1.value.count }), best.count >= 2 {
                company = best.max { $0.confidence < $1.confidence }!
                company.confidence = min(company.confidence / 0.7, 1) * 0.9
            } else if agreeing == 0, !mentions.isEmpty {
                company.confidence = min(company.confidence, LetterSecondLook.disagreementCap)
            }
            out.fields["perusahaan"] = company
        } else if let company = mentions.first { out.fields["perusahaan"] = company }

        if let n = labeled.first(where: { $0.field == "nomor_surat" }) {
            let text = Self.joinCode(n.value)
            let (fixed, changed) = Self.romanMonths(text)
            if !fixed.isEmpty { out.fields["nomor_surat"] = Layout.field(fixed, n.value, confidence: Layout.confidence(n.value) * (changed ? 0.8 : 1)) }
        }
        if let n = employee("nama") {
            let text = Self.printed(n.value)
            if !text.isEmpty { out.fields["nama"] = Layout.field(text, n.value) }
        }
        if let j = employee("jabatan") {
            let text = Self.printed(j.value)
            if !text.isEmpty { out.fields["jabatan"] = Layout.field(text, j.value) }
        }
        if let n = employee("nik") { out.fields["nik"] = nik(n.value, ctx: ctx) }

        // Place and date: the last `Place, date` line.
        let lastLabelRow = labeled.filter { $0.row >= employeeStart }.map(\.row).max() ?? employeeStart
        var placeRow: Int? = nil
        for r in rows.indices.reversed() where r > lastLabelRow {
            // A letter is not dated in the future: such a date is a misread year.
            if let (place, date, pt, dt) = placeAndDate(rows[r]), date <= ctx.models.referenceDate.adding(days: 31) {
                out.fields["kota_surat"] = Layout.field(place, pt)
                out.fields["tanggal_surat"] = Layout.field(date.iso, dt)
                placeRow = r
                break
            }
            if let (place, date, pt, dt) = Self.issuedAt(rows, r), date <= ctx.models.referenceDate.adding(days: 31) {
                if let place { out.fields["kota_surat"] = Layout.field(place, pt) }
                out.fields["tanggal_surat"] = Layout.field(date.iso, dt)
                placeRow = r
                break
            }
        }
        // `Tegal, 7 Juli MEI`: the closing's place and day stand, its year is unreadable. The
        // place is taken and the signer looked for under the line, neither of them certain.
        var signedUnderPartialDate: FieldValue? = nil
        if placeRow == nil, let r = rows.indices.last(where: { $0 > lastLabelRow && Self.placeBeforeUnreadYear(rows[$0].tokens) != nil }),
           let pt = Self.placeBeforeUnreadYear(rows[r].tokens) {
            let place = Self.printed(pt).trimmingCharacters(in: CharacterSet(charactersIn: ",. "))
            out.fields["kota_surat"] = Layout.field(place, pt, confidence: min(Layout.confidence(pt), Self.unanchoredSignerCap))
            if var s = signer(Array(rows[(r + 1)...]), company: out.fields["perusahaan"]?.value, blockName: signerBlockNama) {
                s.confidence = min(s.confidence, Self.unanchoredSignerCap)
                signedUnderPartialDate = s
            }
        }

        // Body: between the employee block and the place/date line.
        let bodyRows = Array(rows[min(rows.count, lastLabelRow + 1)..<(placeRow ?? rows.count)])
        period(bodyRows, into: &out, latest: latestDate(out, ctx: ctx))
        labelledPeriod(start: employee("period_start"), end: employee("period_end"), both: employee("period"),
                       latest: latestDate(out, ctx: ctx), into: &out)
        out.fields["alasan_berhenti"] = reason(rows, skip: labeled.first { $0.field == "nomor_surat" }?.row)
        if let j = out.fields["jabatan"], let body = Self.bodyRole(bodyRows, like: j) { out.fields["jabatan"] = body }

        var closing = placeRow.map { Array(rows[($0 + 1)...]) } ?? []
        var signed = placeRow == nil ? signedUnderPartialDate : signer(closing, company: out.fields["perusahaan"]?.value, blockName: signerBlockNama)
        // A stamp and a signature beside the closing lines often make Tesseract's layout
        // analysis skip the whole block: it is read again alone, as one block of text, larger.
        if placeRow == nil || signed == nil {
            let top = placeRow.map { rows[$0].box.y } ?? Self.lastParagraphBottom(rows.suffix(from: min(rows.count, lastLabelRow + 1)))
            let column = Self.column(rows), pitch = Self.pitch(rows)
            var lower = LetterSecondLook.rows(below: top, column: column, pitch: pitch, ctx: ctx)
            var fromPhoto = false
            if placeRow == nil, !lower.contains(where: { placeAndDate($0) != nil }) {
                lower = LetterSecondLook.photoRows(below: top, column: column, pitch: pitch, ctx: ctx)
                fromPhoto = true
            }
            if placeRow == nil, let i = lower.firstIndex(where: { placeAndDate($0) != nil }), let (place, date, pt, dt) = placeAndDate(lower[i]),
               date <= ctx.models.referenceDate.adding(days: 31) {
                out.fields["kota_surat"] = Layout.field(place, pt)
                out.fields["tanggal_surat"] = Layout.field(date.iso, dt)
                closing = Array(lower[(i + 1)...])
                signed = signer(closing, company: out.fields["perusahaan"]?.value, blockName: signerBlockNama)
                if fromPhoto {
                    for name in ["kota_surat", "tanggal_surat"] { out.fields[name]?.box = nil }
                    signed?.box = nil
                }
            } else if placeRow != nil, signed == nil {
                let after = lower.drop { placeAndDate($0) == nil }.dropFirst()
                signed = signer(Array(after), company: out.fields["perusahaan"]?.value, blockName: signerBlockNama)
            }
            // The date line unreadable (`Pada tanggal : OWO2/2020`): the signer still stands
            // under it, though with the closing's shape only partly read it is not certain.
            if out.fields["tanggal_surat"] == nil, signed == nil, let after = Self.afterDateLine(lower) {
                if var s = signer(after, company: out.fields["perusahaan"]?.value, blockName: signerBlockNama) {
                    s.confidence = min(s.confidence, Self.unanchoredSignerCap)
                    if fromPhoto { s.box = nil }
                    signed = s
                }
            }
        }
        if var s = signed {
            // The name under the signature is often crossed by the stamp or the pen stroke.
            if let name = s.value, !Self.looksLikeName(name) { s.confidence = min(s.confidence, Self.misshapenNameCap) }
            out.fields["penandatangan"] = s
        }
        return out
    }

    /// The most a name with a misshapen word (see `looksLikeName`) is trusted.
    static let misshapenNameCap = 0.79

    /// Whether every word of a printed name has a name's shape: all capitals, a capital then
    /// lower case, lower case (`bin`), or a title's abbreviation (`S.Psi.`, `S.E.`, `Hj.`).
    /// A stamp or a signature crossing the line leaves shapes no name has: `TAnsori`, `S-E.`,
    /// `Supr1yadi`.
    static func looksLikeName(_ name: String) -> Bool {
        func part(_ p: Substring) -> Bool {
            let letters = p.filter { $0 != "." }
            guard !letters.isEmpty, letters.allSatisfy({ $0.isLetter && $0.isASCII }) else { return false }
            if letters.allSatisfy(\.isUppercase) || letters.allSatisfy(\.isLowercase) {
                // `SE.`, `DRS.` in a name printed in capitals
                return !p.contains(".") || isTitle(p) || letters.count <= 4 && p.dropLast().allSatisfy(\.isLetter)
            }
            if p.first!.isUppercase, p.dropFirst().allSatisfy(\.isLowercase) { return true }
            return isTitle(p)
        }
        // `S.Psi.`, `S.E`, `M.M.`: pieces of a capital and up to three lower-case letters, each closed by a period.
        func isTitle(_ p: Substring) -> Bool {
            let pieces = p.split(separator: ".", omittingEmptySubsequences: false)
            let filled = pieces.last == "" ? pieces.dropLast() : pieces[...]
            return !filled.isEmpty && filled.allSatisfy { piece in
                piece.count <= 4 && piece.first?.isUppercase == true && piece.dropFirst().allSatisfy(\.isLowercase)
            }
        }
        let words = name.split(separator: " ").map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
        return !words.isEmpty && words.allSatisfy { w in
            // `Nur-Aini`; not `S-E.`
            let parts = w.split(separator: "-", omittingEmptySubsequences: false)
            return parts.count == 1 ? part(w) : parts.allSatisfy { $0.count >= 2 && !$0.contains(".") && part($0) }
        }
    }

    /// The most a signer found under a date line that could not be read is trusted.
    static let unanchoredSignerCap = 0.75

    /// The place tokens of a closing's `Place, day month` line whose year is missing or
    /// unreadable (`Tegal, 7 Juli MEI`); nil for any other line, a full date included.
    static func placeBeforeUnreadYear(_ tokens: [Token]) -> [Token]? {
        var t = tokens[...]
        while let f = t.first, TextMatch.key(f.text).isEmpty { t = t.dropFirst() }
        guard let comma = t.prefix(3).firstIndex(where: { $0.text.hasSuffix(",") }), comma + 2 < t.endIndex else { return nil }
        let place = Array(t[t.startIndex...comma])
        let words = place.map { $0.text.trimmingCharacters(in: CharacterSet(charactersIn: ",")) }
        guard words.allSatisfy({ w in w.count >= 2 && w.allSatisfy { $0.isLetter || $0 == "." } && w.first!.isUppercase }) else { return nil }
        let day = t[comma + 1].text, month = TextMatch.key(t[comma + 2].text)
        guard let d = Int(day), (1...31).contains(d), IndonesianDate.monthNumber(month) != nil else { return nil }
        // A year that was read makes it a date line for `placeAndDate`, not this.
        let text = t.map(\.text).joined(separator: " ")
        guard IndonesianDate.find(in: text).isEmpty else { return nil }
        return place
    }

    /// The rows after the last one that looks like the closing's date line (a year's four
    /// digits, or a `tanggal` label), even when no date can be read from it; nil without one.
    static func afterDateLine(_ rows: [TextRow]) -> [TextRow]? {
        let dateLike = rows.lastIndex { row in
            row.tokens.contains { t in
                t.text.filter(\.isNumber).count >= 4 || TextMatch.key(t.text) == "TGL" || TextMatch.fuzzyEquals(t.text, "TANGGAL")
            }
        }
        return dateLike.map { Array(rows[($0 + 1)...]) }
    }

    // MARK: - Labels

    func label(_ row: TextRow, index: Int) -> Labeled? {
        let t = row.tokens
        guard t.count >= 2 else { return nil }
        if let colon = t.prefix(6).firstIndex(where: \.isColon), colon > 0, colon < t.count - 1 {
            let key = TextMatch.key(t[..<colon].map(\.text).joined())
            if let f = match(key) {
                let value = Self.withoutStrayMark(Array(t[(colon + 1)...]).filter { !$0.isColon })
                return value.isEmpty ? nil : Labeled(field: f, row: index, value: value)
            }
            return nil
        }
        // No colon read: a label word, then a gap, then the value. Where a label and a longer
        // one both fit (`Nama` and `Nama Lengkap`, words apart by more than a row's height in a
        // wide serif), the value starts after the widest gap.
        let splits = (1...min(3, t.count - 1)).compactMap { k -> (k: Int, field: String, gap: Int)? in
            let key = TextMatch.key(t[..<k].map(\.text).joined())
            let gap = t[k].box.x - t[k - 1].box.maxX
            // `No. 123/HRD/IV/2020`: a letter number may follow its label without a colon or a gap.
            let code = t[k].text.contains("/") && t[k].text.contains(where: \.isNumber)
            guard let f = match(key), gap > row.height || (f == "nomor_surat" && code) else { return nil }
            return (k, f, gap)
        }
        // A colon read glued to its label as `1`, `l` or `|` (`No.1 91/SKK/IX/2021`): no label
        // ends in such a glyph, so the label stands without it and the value follows, unless a
        // label ends before it with a wider gap (`Nama Lengkap   EVI KUSUMAWATI`: `EVI` is the
        // value's first word, not `Lengkap` misread).
        for k in 1...min(3, t.count - 1) {
            let last = t[k - 1].text
            guard last.count >= 3, let glyph = last.last, Self.gluedColonGlyphs.contains(glyph),
                  match(TextMatch.key(t[..<k].map(\.text).joined())) == nil,
                  !splits.contains(where: { $0.k < k && $0.gap > t[k].box.x - t[k - 1].box.maxX }) else { continue }
            let key = TextMatch.key((t[..<(k - 1)].map(\.text) + [String(last.dropLast())]).joined())
            if let f = match(key) {
                let value = Self.withoutStrayMark(Array(t[k...]).filter { !$0.isColon })
                return value.isEmpty ? nil : Labeled(field: f, row: index, value: value)
            }
        }
        guard let (k, f, _) = splits.max(by: { $0.gap < $1.gap }) else { return nil }
        var value = Array(t[k...]).filter { !$0.isColon }
        // A colon misread as `1`, `|`, `;` or `i`.
        if value.count >= 2, let c = value.first, c.text.count == 1, "1|lIi!;.»«>".contains(c.text),
           value[1].box.x - c.box.maxX > c.box.h / 3 {
            value.removeFirst()
        }
        return Labeled(field: f, row: index, value: Self.withoutStrayMark(value))
    }

    /// A value's first word is a lone lower-case letter or mark set apart from a capitalised word
    /// (`t Zainal Riyadi`): a speck or a second colon on a photo, never the start of a name,
    /// position or company.
    static func withoutStrayMark(_ value: [Token]) -> [Token] {
        guard value.count >= 2, let c = value.first, c.text.count == 1, let next = value[1].text.first,
              next.isUppercase || next.isNumber,
              c.text.first!.isLowercase || !(c.text.first!.isLetter || c.text.first!.isNumber),
              value[1].box.x - c.box.maxX > c.box.h / 4 else { return value }
        return Array(value.dropFirst())
    }

    /// What a colon printed hard against its label is read as, glued to the label's last word.
    static let gluedColonGlyphs: Set<Character> = ["1", "l", "I", "|", "!", ";", "i"]

    private func match(_ key: String) -> String? {
        guard !key.isEmpty else { return nil }
        for (field, keys) in Self.labels {
            for k in keys {
                if key == k { return field }
                if k.count >= 5 && TextMatch.fuzzyEquals(key, k) { return field }
            }
        }
        return nil
    }

    /// Printed case, single spaces, no stray edge punctuation.
    static func printed(_ tokens: [Token]) -> String {
        let s = tokens.map(\.text).joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return s.trimmingCharacters(in: CharacterSet(charactersIn: ":;,-_=~'\"|`()»« "))
    }

    /// The horizontal extent of the text (the middle 90% of the rows' edges).
    static func column(_ rows: [TextRow]) -> ClosedRange<Int> {
        let lefts = rows.map(\.box.x).sorted(), rights = rows.map(\.box.maxX).sorted()
        guard !lefts.isEmpty else { return 0...0 }
        let k = lefts.count / 20
        return lefts[k]...max(lefts[k], rights[rights.count - 1 - k])
    }

    /// The usual distance between consecutive lines of text.
    static func pitch(_ rows: [TextRow]) -> Int {
        let gaps = zip(rows, rows.dropFirst()).map { $1.box.midY - $0.box.midY }.filter { $0 > 0 }.sorted()
        let heights = rows.map(\.box.h).sorted()
        guard !gaps.isEmpty, !heights.isEmpty else { return 40 }
        // Between the row height and three times it: a blank line or a split row is not a pitch.
        let h = heights[heights.count / 2]
        return min(3 * h, max(h, gaps[gaps.count / 2]))
    }

    /// The bottom of the last line of running text (a paragraph's line of five words or more):
    /// the closing block starts below it.
    static func lastParagraphBottom(_ rows: ArraySlice<TextRow>) -> Int {
        let text = rows.filter { r in r.tokens.filter { $0.text.filter(\.isLetter).count >= 2 }.count >= 5 }
        return (text.last ?? rows.last).map(\.box.maxY) ?? 0
    }

    /// The body repeats the position (`dengan jabatan terakhir sebagai Staff Gudang.`): a second
    /// reading of the `Jabatan` value. Returns the better of the two when they differ, with its
    /// confidence capped; nil when the body does not say it or agrees.
    static func bodyRole(_ rows: [TextRow], like labeled: FieldValue) -> FieldValue? {
        guard let value = labeled.value else { return nil }
        let n = value.split(separator: " ").count
        let tokens = rows.flatMap(\.tokens)
        guard let i = tokens.firstIndex(where: { TextMatch.fuzzyEquals($0.text, "SEBAGAI") }), i + n < tokens.count else { return nil }
        var phrase = Array(tokens[(i + 1)...(i + n)])
        // The sentence ends at a full stop; a value shorter than the label's is not the same value.
        if let stop = phrase.firstIndex(where: { $0.text.hasSuffix(".") || $0.text.hasSuffix(",") }), stop < phrase.count - 1 { return nil }
        let text = printed(phrase).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        guard !text.isEmpty else { return nil }
        phrase = phrase.filter { !TextMatch.key($0.text).isEmpty }
        let a = TextMatch.key(value), b = TextMatch.key(text)
        if a == b { return nil }
        // Two readings of one short phrase that differ by more than a letter or two are not the same phrase.
        guard TextMatch.similarity(a, b) >= 0.7 else { return nil }
        let bodyConfidence = Layout.confidence(phrase)
        let pick = bodyConfidence > labeled.confidence ? Layout.field(text, phrase) : labeled
        var capped = pick
        capped.confidence = min(pick.confidence, LetterSecondLook.disagreementCap)
        return capped
    }

    /// A letter number: tokens joined without the spaces OCR puts around `/` and `-`.
    static func joinCode(_ tokens: [Token]) -> String {
        var out = ""
        for t in tokens {
            let text = t.text.trimmingCharacters(in: CharacterSet(charactersIn: ":;,'\"|` "))
            guard !text.isEmpty else { continue }
            if out.isEmpty || out.hasSuffix("/") || out.hasSuffix("-") || text.hasPrefix("/") || text.hasPrefix("-") {
                out += text
            } else {
                out += " " + text
            }
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: ".,"))
    }

    /// Letter numbers give the month in Roman numerals (`113/PHK/MMM/I/2019`); OCR reads `I` as
    /// `1`, `l`, `!` or `|`. A segment before the year made only of such glyphs and V/X becomes
    /// Roman when the result is a month's numeral (I to XII).
    static func romanMonths(_ code: String) -> (String, Bool) {
        var parts = code.components(separatedBy: "/")
        guard parts.count >= 3 else { return (code, false) }
        var changed = false
        for i in parts.indices.dropLast() {
            let next = parts[i + 1]
            guard next.count == 4, next.allSatisfy(\.isNumber), next.hasPrefix("19") || next.hasPrefix("20") else { continue }
            let seg = parts[i]
            guard !seg.isEmpty, seg.count <= 4, seg.allSatisfy({ "1Il|!VXvx".contains($0) }) else { continue }
            let roman = String(seg.map { c -> Character in "1l|!".contains(c) ? "I" : Character(c.uppercased()) })
            let valid = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
            if valid.contains(roman), roman != seg { parts[i] = roman; changed = true }
        }
        return (parts.joined(separator: "/"), changed)
    }

    // MARK: - Company

    private func letterhead(_ rows: [TextRow], ctx: PageContext) -> FieldValue? {
        let limit = ctx.page.image.height / 4
        var best: ([Token], Int)? = nil
        for row in rows where row.box.y < limit {
            guard let i = row.tokens.firstIndex(where: { Self.isEntity($0.text) }), i + 1 < row.tokens.count else { continue }
            // The name is printed larger than the address and telephone lines beside it, which
            // a tilted photo can merge into the same row.
            let size = row.tokens[i].box.h
            let large = row.tokens[i...].filter { Double($0.box.h) >= 0.8 * Double(size) && Double($0.box.h) <= 1.5 * Double(size) }
            let seg = Layout.segments(large, gap: 2 * size).first ?? []
            guard seg.count >= 2 else { continue }
            let h = seg.map(\.box.h).sorted()[seg.count / 2]
            if best == nil || h > best!.1 { best = (seg, h) }
        }
        guard let (seg, _) = best else { return nil }
        return Layout.field(Self.entityName(seg), seg)
    }

    static func isEntity(_ s: String) -> Bool {
        let k = TextMatch.key(s)
        return k == "PT" || k == "CV" || k == "UD" || k == "PD"
    }

    static func entityName(_ seg: [Token]) -> String {
        var parts = seg.map { $0.text }
        parts[0] = TextMatch.key(parts[0])
        return parts.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .trimmingCharacters(in: CharacterSet(charactersIn: ":;,.-_'\"|() "))
    }

    /// `bekerja di PT SINAR JAYA ...` in the body and the closing: the company's name in
    /// capitals after PT/CV/UD/PD, each mention with confidence reduced (a body mention alone is
    /// weaker evidence than the letterhead).
    private func bodyCompanies(_ rows: [TextRow]) -> [FieldValue] {
        var out: [FieldValue] = []
        for row in rows {
            let t = row.tokens
            for (i, tok) in t.enumerated() where Self.isEntity(tok.text) && tok.text == tok.text.uppercased() {
                var seg = [tok]
                for u in t[(i + 1)...] {
                    let letters = u.text.filter(\.isLetter)
                    guard !letters.isEmpty, letters == letters.uppercased() else { break }
                    // A word split by OCR (`TEKNI K`): a lone letter set tight against the word before.
                    if u.text.count == 1, let last = seg.last, u.box.x - last.box.maxX < last.box.h / 4 {
                        seg[seg.count - 1].text += u.text
                        seg[seg.count - 1].box = last.box.union(u.box)
                        continue
                    }
                    guard letters.count >= 2 else { break }
                    seg.append(u)
                    if u.text.hasSuffix(",") || u.text.hasSuffix(".") { break }
                }
                if seg.count >= 2 { out.append(Layout.field(Self.entityName(seg), seg, confidence: Layout.confidence(seg) * 0.7)) }
            }
        }
        return out
    }

    // MARK: - NIK

    private func nik(_ tokens: [Token], ctx: PageContext) -> FieldValue? {
        let seg = Layout.segments(tokens, gap: 3 * (tokens.first?.box.h ?? 10)).first ?? tokens
        let raw = seg.map(\.text).joined()
        let ref = ctx.models.referenceDate, w = ctx.models.wilayah
        let first = NIK.repairCandidates(raw: raw, referenceDate: ref, wilayah: w)
        if first.count == 1, raw.allSatisfy(\.isNumber), seg.allSatisfy({ $0.confidence >= 0.75 }) {
            return Layout.field(first[0].digits, seg)
        }
        guard let b = Layout.box(seg) else { return nil }
        let rect = PixelRect(x: b.x - b.h, y: b.y - b.h / 3, w: b.w + 2 * b.h, h: b.h + 2 * (b.h / 3))
        let again = ctx.recognize(rect, segmentation: .singleLine, whitelist: "0123456789")
        let second = NIK.repairCandidates(raw: again.text, referenceDate: ref, wilayah: w)
        if let a = first.first, second.contains(where: { $0.digits == a.digits }) {
            return Layout.field(a.digits, seg, confidence: min(1, max(Layout.confidence(seg), again.meanConfidence)))
        }
        if second.count == 1 { return Layout.field(second[0].digits, seg, confidence: again.meanConfidence * 0.8) }
        if first.count == 1 { return Layout.field(first[0].digits, seg, confidence: Layout.confidence(seg) * 0.7) }
        return Layout.field(nil, seg, confidence: 0)
    }

    // MARK: - Dates

    /// `Pekalongan, 28 April 2020`: a short place name, a comma, a date and nothing else.
    private func placeAndDate(_ row: TextRow) -> (String, CalendarDate, [Token], [Token])? {
        // Scraps of a margin, a fold or a stamp at either end (`|`, `'`) are not part of the line.
        var t = row.tokens[...]
        while let f = t.first, TextMatch.key(f.text).isEmpty { t = t.dropFirst() }
        while let l = t.last, TextMatch.key(l.text).isEmpty { t = t.dropLast() }
        let text = t.map(\.text).joined(separator: " ")
        return Self.placeAndDate(text, Array(t))
    }

    static func placeAndDate(_ text: String, _ t: [Token]) -> (String, CalendarDate, [Token], [Token])? {
        guard let m = IndonesianDate.find(in: text).last else { return nil }
        let before = String(text[text.startIndex..<m.range.lowerBound])
        let after = text[m.range.upperBound...].trimmingCharacters(in: .whitespaces.union(.punctuationCharacters))
        guard after.isEmpty else { return nil }
        let trimmed = before.trimmingCharacters(in: .whitespaces)
        let hasComma = trimmed.hasSuffix(",") || trimmed.hasSuffix(".")
        let place = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: ",. "))
        let words = place.split(separator: " ")
        guard !words.isEmpty, words.count <= 3, place.allSatisfy({ $0.isLetter || $0 == " " || $0 == "." }),
              hasComma || words.count == 1 else { return nil }
        // Tokens: the place words, then the date.
        let n = words.count
        let placeTokens = Array(t.prefix(n))
        let dateTokens = Array(t.dropFirst(n))
        guard !dateTokens.isEmpty else { return nil }
        return (place, m.date, placeTokens, dateTokens)
    }

    /// `Dikeluarkan di : Tegal` over `Pada tanggal : 10 April 2018` (row `r` is the date's):
    /// the place (nil when the row above does not name one) and the date, with their tokens.
    static func issuedAt(_ rows: [TextRow], _ r: Int) -> (String?, CalendarDate, [Token], [Token])? {
        func after(_ row: TextRow, labels: [String]) -> [Token]? {
            let t = row.tokens
            guard let colon = t.prefix(5).firstIndex(where: \.isColon), colon > 0, colon < t.count - 1 else { return nil }
            let key = TextMatch.key(t[..<colon].map(\.text).joined())
            guard labels.contains(where: { key == $0 || TextMatch.fuzzyEquals(key, $0) }) else { return nil }
            return Array(t[(colon + 1)...]).filter { !$0.isColon }
        }
        guard let dateTokens = after(rows[r], labels: ["PADATANGGAL", "PADATGL", "TANGGAL", "TGL"]),
              let date = IndonesianDate.parse(dateTokens.map(\.text).joined(separator: " ")) else { return nil }
        if r > 0, let placeTokens = after(rows[r - 1], labels: ["DIKELUARKANDI", "DIBUATDI", "DITETAPKANDI", "DITERBITKANDI"]) {
            let place = printed(placeTokens)
            if !place.isEmpty, place.split(separator: " ").count <= 3, place.allSatisfy({ $0.isLetter || $0 == " " || $0 == "." }) {
                return (place, date, placeTokens, dateTokens)
            }
        }
        return (nil, date, [], dateTokens)
    }

    /// The last day a period in the letter can name: the letter's date when read, else a month
    /// after the reference date.
    private func latestDate(_ out: Extraction, ctx: PageContext) -> CalendarDate {
        out.fields["tanggal_surat"]?.value.flatMap(CalendarDate.init(iso:)) ?? ctx.models.referenceDate.adding(days: 31)
    }

    /// The period printed as label lines; each overrides what the body's wording gave.
    private func labelledPeriod(start: Labeled?, end: Labeled?, both: Labeled?, latest: CalendarDate, into out: inout Extraction) {
        func date(_ l: Labeled?) -> (CalendarDate, [Token])? {
            guard let l else { return nil }
            let text = l.value.map(\.text).joined(separator: " ")
            guard let d = IndonesianDate.parse(text) else { return nil }
            return (d, l.value)
        }
        if let b = both {
            var sub = Extraction()
            period([TextRow(tokens: b.value, box: Layout.box(b.value)!)], into: &sub, labelled: true, latest: latest)
            for name in ["tanggal_mulai", "tanggal_berakhir"] { if let f = sub.fields[name] { out.fields[name] = f } }
        }
        if let (d, t) = date(start) { out.fields["tanggal_mulai"] = Layout.field(d.iso, t) }
        if let (d, t) = date(end) { out.fields["tanggal_berakhir"] = Layout.field(d.iso, t) }
        // A value read only by a lenient repair, where nothing better was read.
        for (name, l) in [("tanggal_mulai", start), ("tanggal_berakhir", end)] where out.fields[name] == nil {
            guard let l, let d = Self.repairedDate(l.value.map(\.text).joined(separator: " "), latest: latest) else { continue }
            out.fields[name] = Layout.field(d.iso, l.value, confidence: min(Layout.confidence(l.value), Self.repairedDateCap))
        }
    }

    /// The one date a label's value can be when read leniently (`05 Juli 20273` on a letter of
    /// 2023 is 5 July 2023), nil when it reads strictly or leaves a choice.
    static func repairedDate(_ text: String, latest: CalendarDate) -> CalendarDate? {
        let found = IndonesianDate.find(in: text, lenient: true)
        guard found.count == 1, let m = found.first, m.repaired else { return nil }
        let padding = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)
        let outside = String(text[..<m.range.lowerBound]) + String(text[m.range.upperBound...])
        guard outside.unicodeScalars.allSatisfy({ padding.contains($0) }) else { return nil }
        let possible = m.candidates.filter { $0 <= latest }
        return possible.count == 1 ? possible[0] : nil
    }

    /// The employment period from the body's wording. Dates read only by a lenient repair
    /// (`19 Januan 2021`, `12 Mei 20273`) count when the period leaves them one reading (not
    /// after `latest`, the letter's date; the start before the end), and stay below trust.
    private func period(_ rows: [TextRow], into out: inout Extraction, labelled: Bool = false, latest: CalendarDate) {
        let tokens = rows.flatMap(\.tokens)
        guard !tokens.isEmpty else { return }
        // Text with each token's character range, to find which tokens a date covers.
        var text = ""
        var ranges: [Range<Int>] = []
        for t in tokens {
            if !text.isEmpty { text += " " }
            let start = text.count
            text += t.text
            ranges.append(start..<text.count)
        }
        struct Found { var dates: [CalendarDate]; var repaired: Bool; var tokens: [Token]; var first: Int; var last: Int }
        var dates: [Found] = []
        for m in IndonesianDate.find(in: text, lenient: true) {
            let lo = text.distance(from: text.startIndex, to: m.range.lowerBound)
            let hi = text.distance(from: text.startIndex, to: m.range.upperBound)
            let idx = ranges.indices.filter { ranges[$0].overlaps(lo..<hi) }
            let possible = m.repaired ? m.candidates.filter { $0 <= latest } : [m.date]
            guard let a = idx.first, let b = idx.last, !possible.isEmpty else { continue }
            dates.append(Found(dates: possible, repaired: m.repaired, tokens: Array(tokens[a...b]), first: a, last: b))
        }
        guard !dates.isEmpty else { return }
        func field(_ date: CalendarDate, _ f: Found, confidence: Double? = nil) -> FieldValue {
            let c = confidence ?? Layout.confidence(f.tokens)
            return Layout.field(date.iso, f.tokens, confidence: f.repaired ? min(c, Self.repairedDateCap) : c)
        }
        func wordsBefore(_ f: Found, after floor: Int = 0) -> ArraySlice<Token> { tokens[max(floor, f.first - 3)..<max(floor, f.first)] }
        let keyed = dates.first { wordsBefore($0).contains(where: Self.isStartWord) }
        // Without a start word, the first date counts only when no end word precedes it.
        guard let start = keyed ?? dates.first(where: { !wordsBefore($0).contains(where: Self.isEndWord) }) else {
            // The start date misread (`sejak tanggal ! Januari 2017`): the end still stands alone.
            if let end = dates.first(where: { wordsBefore($0).contains(where: Self.isEndWord) }), end.dates.count == 1 {
                out.fields["tanggal_berakhir"] = field(end.dates[0], end)
            }
            return
        }
        let startIndex = dates.firstIndex { $0.first == start.first }!
        var end: (CalendarDate, Found)? = nil
        for d in dates[(startIndex + 1)...] {
            let between = tokens[(start.last + 1)..<d.first]
            // `1 Maret 2020 - 9 Maret 2021`
            let dash = between.count == 1 && ["-", "–", "—"].contains(between.first!.text)
            if wordsBefore(d, after: start.last + 1).contains(where: Self.isEndWord) || dash {
                // A repaired end after the start: the only reading left, or none.
                let after = d.repaired || start.repaired ? d.dates.filter { s in start.dates.contains { $0 <= s } } : d.dates
                if after.count == 1 { end = (after[0], d) }
                break
            }
        }
        let starts = start.repaired ? end.map { e in start.dates.filter { $0 <= e.0 } } ?? start.dates : start.dates
        if starts.count == 1 {
            // After a `Masa Kerja :` label the first date is the start, without a start word.
            out.fields["tanggal_mulai"] = field(starts[0], start,
                                                confidence: Layout.confidence(start.tokens) * (keyed != nil || labelled ? 1 : 0.6))
        }
        if let (date, found) = end { out.fields["tanggal_berakhir"] = field(date, found) }
    }

    /// The most a date read by a lenient repair is trusted: below the rules' field threshold,
    /// so an officer confirms it.
    static let repairedDateCap = 0.55

    /// Words that open the start of a period (`sejak`, `mulai`, `terhitung`, `dari`, `tanggal`),
    /// allowing a misread letter in the longer ones.
    static func isStartWord(_ t: Token) -> Bool {
        let k = TextMatch.key(t.text)
        return startKeys.contains(k) || ["SEJAK", "MULAI", "TERHITUNG", "TANGGAL"].contains { TextMatch.fuzzyEquals(k, $0) }
    }

    /// Words that open the end of a period: `sampai (dengan)`, `hingga`, `berakhir`, `s/d`, `s.d.`
    /// (read `sd`, `s/d.`, `5/d` or `wd`).
    static func isEndWord(_ t: Token) -> Bool {
        let k = TextMatch.key(t.text)
        if endKeys.contains(k) || ["SAMPAI", "HINGGA", "BERAKHIR", "DENGAN"].contains(where: { TextMatch.fuzzyEquals(k, $0) }) { return true }
        if k.hasPrefix("SAMPA") && k.count <= 7 { return true }
        let lower = t.text.lowercased()
        if lower.count <= 5, lower.contains("/d") || lower.contains(".d") || lower.contains(",d") { return true }
        return ["SD", "WD", "5D", "SDD"].contains(k)
    }

    // MARK: - Reason

    private func reason(_ rows: [TextRow], skip: Int?) -> FieldValue {
        let categories: [(String, [String])] = [
            ("termination", ["PEMUTUSAN", "PHK", "EFISIENSI", "DIBERHENTIKAN", "PENGURANGAN"]),
            ("contract_end", ["KONTRAK", "PKWT", "TERTENTU"]),
            ("retirement", ["PENSIUN", "PURNABAKTI", "PURNA"]),
            ("resign", ["MENGUNDURKAN", "PERMINTAAN", "RESIGN"]),
        ]
        var scores: [String: (Int, [Token])] = [:]
        for (r, row) in rows.enumerated() where r != skip {
            // `di-PHK`, `PHK/efisiensi`: the parts of a hyphenated or slashed word count on their own.
            for t in row.tokens {
              for part in t.text.split(whereSeparator: { "-/".contains($0) }) {
                let k = TextMatch.key(part)
                guard k.count >= 3 else { continue }
                for (cat, words) in categories {
                    for w in words where k == w || w.count >= 6 && TextMatch.fuzzyEquals(k, w) || w.count >= 6 && k.hasPrefix(w) {
                        scores[cat, default: (0, [])].0 += 1
                        scores[cat, default: (0, [])].1.append(t)
                    }
                }
              }
            }
        }
        guard let best = categories.map(\.0).filter({ scores[$0] != nil }).max(by: { scores[$0]!.0 < scores[$1]!.0 }) else {
            return FieldValue(value: "unknown", confidence: 0.6)
        }
        let tokens = scores[best]!.1
        let others = scores.filter { $0.key != best }.map(\.value.0).reduce(0, +)
        return Layout.field(best, tokens, confidence: Layout.confidence(tokens) * (others == 0 ? 1 : 0.6))
    }

    // MARK: - Signer

    private func signer(_ rows: [TextRow], company: String?, blockName: Labeled?) -> FieldValue? {
        struct Candidate { var row: TextRow; var role: Bool }
        var lines: [Candidate] = []
        for row in rows {
            let words = row.tokens.filter { $0.text.contains(where: \.isLetter) }
            guard !words.isEmpty else { continue }
            let letters = words.map { $0.text.filter(\.isLetter).count }.reduce(0, +)
            let conf = Layout.confidence(words)
            // Signature strokes and stamp rings read as short low-confidence scraps.
            guard conf >= 0.5, letters >= 3 else { continue }
            let text = Self.printed(row.tokens)
            let key = TextMatch.key(text)
            if Self.isEntity(row.tokens[0].text) { continue }
            if let c = company, TextMatch.similarity(key, TextMatch.key(c)) >= 0.7 { continue }
            if key.hasPrefix("HORMATKAMI") || key.hasPrefix("MENGETAHUI") || key.hasPrefix("AN") && key.count <= 4 { continue }
            let role = row.tokens.contains { t in Self.roleWords.contains { TextMatch.key(t.text) == $0 || $0.count >= 6 && TextMatch.fuzzyEquals(t.text, $0) } }
            lines.append(Candidate(row: row, role: role))
        }
        var pick: TextRow? = nil
        // The name sits right above the signer's position.
        if let i = lines.indices.first(where: { $0 > 0 && lines[$0].role && !lines[$0 - 1].role }) { pick = lines[i - 1].row }
        if pick == nil { pick = lines.last { !$0.role }?.row }
        if let b = blockName {
            let name = Self.printed(b.value)
            if let row = pick, TextMatch.similarity(TextMatch.key(Self.printed(row.tokens)), TextMatch.key(name)) >= 0.6 {
                return Layout.field(Self.printed(row.tokens), row.tokens, confidence: min(1, Layout.confidence(row.tokens) + 0.05))
            }
            if pick == nil { return Layout.field(name, b.value, confidence: Layout.confidence(b.value) * 0.7) }
        }
        guard let row = pick else { return nil }
        let text = Self.printed(row.tokens)
        return text.isEmpty ? nil : Layout.field(text, row.tokens)
    }
}
