import Foundation
import OCR

/// Reads a Kartu Keluarga: the header (number, head of family, address, region names, issue
/// date) by fuzzy label anchoring, and the two member tables by geometry: the column borders
/// come from the ruled lines under the column headings (or the headings themselves), the rows
/// from the words' vertical positions after removing the page's residual slope. Each member's
/// NIK is checked against the row's printed birth date and sex and re-read digits-only when
/// the full-page pass is doubtful.
struct KKExtractor: FieldExtractor {
    static let headerLabels: [(field: String, keys: [String])] = [
        ("kepala_keluarga", ["NAMAKEPALAKELUARGA", "KEPALAKELUARGA"]),
        ("alamat", ["ALAMAT"]),
        ("rt_rw", ["RTRW"]),
        ("desa_kelurahan", ["DESAKELURAHAN", "KELURAHANDESA", "DESAKEL", "KELDESA"]),
        ("kecamatan", ["KECAMATAN"]),
        ("kabupaten_kota", ["KABUPATENKOTA", "KABKOTA"]),
        ("kode_pos", ["KODEPOS"]),
        ("provinsi", ["PROVINSI"]),
    ]

    /// Column headings of the first table (member identity) and the second (civil status, parents).
    static let firstTable: [(field: String, keys: [String])] = [
        ("no", ["NO"]),
        ("nama", ["NAMALENGKAP", "LENGKAP", "NAMA"]),
        ("nik", ["NIK"]),
        ("jenis_kelamin", ["JENISKELAMIN", "KELAMIN"]),
        ("tempat_lahir", ["TEMPATLAHIR", "TEMPAT"]),
        ("tanggal_lahir", ["TANGGALLAHIR", "TGLLAHIR"]),
        ("agama", ["AGAMA"]),
        ("pendidikan", ["PENDIDIKAN"]),
        ("pekerjaan", ["JENISPEKERJAAN", "PEKERJAAN"]),
        ("golongan_darah", ["GOLONGANDARAH", "GOLONGAN", "GOLDARAH"]),
    ]
    static let secondTable: [(field: String, keys: [String])] = [
        ("no", ["NO"]),
        ("status_perkawinan", ["STATUSPERKAWINAN"]),
        ("tanggal_perkawinan", ["TANGGALPERKAWINAN", "TGLPERKAWINAN"]),
        ("hubungan", ["STATUSHUBUNGANDALAMKELUARGA", "STATUSHUBUNGAN", "HUBUNGANDALAMKELUARGA", "HUBUNGAN"]),
        ("kewarganegaraan", ["KEWARGANEGARAAN"]),
        ("paspor", ["NOPASPOR", "PASPOR"]),
        ("kitap", ["NOKITAP", "KITAP", "NOKITAS"]),
        ("ayah", ["AYAH", "NAMAAYAH"]),
        ("ibu", ["IBU", "NAMAIBU"]),
    ]

    static let education = ["TIDAK/BELUM SEKOLAH", "BELUM TAMAT SD/SEDERAJAT", "TAMAT SD/SEDERAJAT", "SLTP/SEDERAJAT",
                            "SLTA/SEDERAJAT", "DIPLOMA I/II", "AKADEMI/DIPLOMA III/S. MUDA", "DIPLOMA IV/STRATA I",
                            "STRATA II", "STRATA III"]
    static let relation = ["KEPALA KELUARGA", "SUAMI", "ISTRI", "ANAK", "MENANTU", "CUCU", "ORANG TUA", "MERTUA",
                           "FAMILI LAIN", "PEMBANTU", "LAINNYA"]

    func extract(_ ctx: PageContext) -> Extraction {
        var out = Extraction()
        let geo = KKGeometry(words: ctx.ocr.words)
        guard !geo.tokens.isEmpty else { return out }
        let rows = geo.rows(geo.tokens)
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_KK"] != nil {
            FileHandle.standardError.write(Data("slope \(geo.slope)\n".utf8))
            for r in rows {
                FileHandle.standardError.write(Data("\(r.box.y) \(r.tokens.map { "\($0.text)@\($0.box.x)" }.joined(separator: " "))\n".utf8))
            }
        }

        var t1 = KKTable.find(rows, headings: Self.firstTable, required: ["nik", "agama", "pendidikan", "jenis_kelamin", "tempat_lahir"], geo: geo)
        var t2 = KKTable.find(rows, headings: Self.secondTable, required: ["status_perkawinan", "kewarganegaraan", "ayah", "ibu", "hubungan", "paspor", "kitap"],
                              below: t1?.headingBottom, geo: geo)
        t1?.refine(with: ctx.page.image, slope: geo.slope)
        t1?.locateNIKByContent(rows, geo: geo)
        t2?.refine(with: ctx.page.image, slope: geo.slope)
        // Without a table found, the header is still the top of the page: the signature block
        // below (`KEPALA KELUARGA`, `KEPALA DINAS ...`) must not pass for its labels.
        let tableTop = t1?.headingTop ?? t2?.headingTop ?? ctx.page.image.height * 45 / 100
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_KK"] != nil {
            for t in [t1, t2].compactMap({ $0 }) {
                FileHandle.standardError.write(Data("table \(t.headingTop): \(t.columns.map { "\($0.field) \($0.x0)-\($0.x1)" }) rules \(t.rules)\n".utf8))
            }
        }

        // Header: everything above the first table.
        let headerRows = rows.filter { geo.y($0) < Double(tableTop) }
        header(headerRows, ctx: ctx, into: &out)
        noKK(headerRows, ctx: ctx, into: &out)
        issueDate(rows.filter { geo.y($0) > Double(t2?.headingBottom ?? t1?.headingBottom ?? 0) }, into: &out)
        if let d = out.fields["tanggal_dikeluarkan"]?.value, let no = out.fields["no_kk"], let v = no.value,
           v.count == 16, let cd = CalendarDate(iso: d) {
            // The number carries the date of first issue: agreeing with the printed date confirms it.
            let ddmmyy = String(format: "%02d%02d%02d", cd.day, cd.month, cd.year % 100)
            if String(Array(v)[6..<12]) == ddmmyy { out.fields["no_kk"]?.confidence = max(no.confidence, 0.9) }
        }
        snapRegions(&out, ctx: ctx)

        // Members.
        let family = out.fields["no_kk"]?.value.map { String($0.prefix(6)) }
        if let t1 {
            out.members = readMembers(rows: rows, geo: geo, t1: t1, t2: t2, ctx: ctx, family: family)
        } else {
            // The table's headings were not read (small print in a tinted band, another form's
            // wording): its member rows are still known by what they hold.
            // Tesseract's own lines keep two close rows apart where the slope-corrected rows may
            // join them; its blocks may cut a row at a column, where the rows do not.
            let lines = ctx.ocr.lines.compactMap { line -> TextRow? in
                let tokens = line.flatMap { Layout.split($0) }.sorted { $0.box.x < $1.box.x }
                return Layout.box(tokens).map { TextRow(tokens: tokens, box: $0) }
            }
            let byLines = membersByContent(lines), byRows = membersByContent(rows)
            let found = byRows.count > byLines.count ? byRows : byLines
            out.members = found.isEmpty ? nil : found.map { member($0, ctx: ctx, familyRegion: family) }
            if !found.isEmpty {
                // Rows without a legible number or sex were not found: a claimant missing from
                // these rows is a question for an officer.
                out.issues.append(Issue(.fieldLowConfidence, field: "members",
                                        message: "Tabel anggota keluarga terbaca tanpa judul kolomnya; baris yang tidak terbaca bisa terlewat."))
            }
        }
        return out
    }

    private func readMembers(rows: [TextRow], geo: KKGeometry, t1: KKTable, t2: KKTable?, ctx: PageContext, family: String?) -> [[String: FieldValue]] {
        // Without the second table's headings, the first ends where its words or the issue line begin.
        let ends = ["PERKAWINAN", "KEWARGANEGARAAN", "HUBUNGAN", "DIKELUARKAN", "PASPOR", "KITAP"]
        let bottom1 = t2?.headingTop ?? rows.first { r in
            geo.y(r) > Double(t1.headingBottom) && r.tokens.contains { t in ends.contains { TextMatch.fuzzyEquals(t.text, $0) } }
        }.map { Int(geo.y($0)) - $0.height } ?? Int.max
        var members = memberRows(rows, table: t1, geo: geo, bottom: bottom1, ctx: ctx)
        members = anchoredByNIKColumn(members, table: t1, geo: geo, bottom: bottom1, ctx: ctx)
        if let t2 {
            let bottom2 = rows.first { r in geo.y(r) > Double(t2.headingBottom) && r.tokens.contains { TextMatch.fuzzyEquals($0.text, "DIKELUARKAN") } }
                .map { Int(geo.y($0)) } ?? Int.max
            let second = memberRows(rows, table: t2, geo: geo, bottom: bottom2, ctx: ctx)
            for (i, row) in second.enumerated() {
                // Match by the printed row number, else by order.
                let n = Int(row.cells["no"].map { Layout.normalize($0) } ?? "")
                var target: Int? = nil
                if let n { target = members.firstIndex { Int($0.cells["no"].map { Layout.normalize($0) } ?? "") == n } }
                if target == nil, i < members.count { target = i }
                guard let t = target else { continue }
                for (k, v) in row.cells where k != "no" { members[t].cells[k] = v }
            }
        }
        return members.map { member($0, ctx: ctx, familyRegion: family) }
    }

    // MARK: - Header

    private func header(_ rows: [TextRow], ctx: PageContext, into out: inout Extraction) {
        struct Hit { var field: String; var row: Int; var start: Int; var end: Int; var score: Double }
        var hits: [Hit] = []
        for (r, row) in rows.enumerated() {
            let t = row.tokens
            var i = 0
            while i < t.count {
                var found: Hit? = nil
                for k in 1...min(4, t.count - i) {
                    // A word right after a colon is a value (`Kabupaten/Kota : KABUPATEN POSO`).
                    if i > 0 && t[i - 1].isColon { break }
                    // Labels are words: a value's digits never start or join one.
                    if t[i..<(i + k)].contains(where: { $0.text.contains(where: \.isNumber) }) { break }
                    let key = TextMatch.key(t[i..<(i + k)].map(\.text).joined())
                    guard !key.isEmpty else { continue }
                    for (field, keys) in Self.headerLabels {
                        for lk in keys {
                            var s = TextMatch.similarity(key, lk)
                            if lk.count <= 6 && key != lk { s = min(s, 0.7) }
                            if s >= 0.72, s > (found?.score ?? 0) { found = Hit(field: field, row: r, start: i, end: i + k, score: s) }
                        }
                    }
                }
                if let f = found { hits.append(f); i = f.end } else { i += 1 }
            }
        }
        // Best hit per field.
        var best: [String: Hit] = [:]
        for h in hits where best[h.field] == nil || best[h.field]!.score < h.score { best[h.field] = h }
        for (field, h) in best {
            let row = rows[h.row]
            // Value: after the label (and its colon) up to the next label on the row or a wide gap.
            let nextLabel = hits.filter { $0.row == h.row && $0.start >= h.end }.map(\.start).min() ?? row.tokens.count
            var value = Array(row.tokens[h.end..<nextLabel]).filter { !$0.isColon && TextMatch.key($0.text) != "" || $0.text.contains("/") || $0.text.contains(".") }
            value = value.filter { !$0.isColon }
            let gap = max(4 * row.height, ctx.page.image.width / 12)
            value = Layout.segments(value, gap: gap).first ?? []
            // A colon misread as `1`, `|`, `;` or `i`, or as `2` before a name or a place (none
            // starts with a lone digit; numbers such as RT/RW keep theirs).
            let textual = !["rt_rw", "kode_pos", "tanggal_dikeluarkan"].contains(field)
            if value.count >= 2, value[0].text.count == 1, "1|lIi!;".contains(value[0].text) || textual && value[0].text == "2" {
                value.removeFirst()
            }
            guard !value.isEmpty else { continue }
            let text = Layout.normalize(value)
            guard !text.isEmpty else { continue }
            switch field {
            case "rt_rw": out.fields[field] = rtRw(value)
            case "kode_pos":
                var digits = KKText.digits(text)
                if digits.count != 5, let five = value.map({ KKText.digits($0.text) }).last(where: { $0.count == 5 }) { digits = five }
                // A colon glued to the code and read as `1` (`:51152` as `151152`).
                if digits.count == 6, digits.first == "1", value.count == 1 { digits.removeFirst() }
                if digits.count == 5 { out.fields[field] = Layout.field(digits, value, confidence: Layout.confidence(value) * (digits == text ? 1 : 0.8)) }
                else { out.fields[field] = Layout.field(nil, value, confidence: 0) }
            default:
                out.fields[field] = Layout.field(field == "alamat" ? Layout.address(text) : text, value,
                                                 confidence: Layout.confidence(value) * min(1, h.score + 0.1))
            }
        }
    }

    private func rtRw(_ t: [Token]) -> FieldValue {
        let text = t.map(\.text).joined(separator: " ")
        let mapped = String(text.map { c -> Character in
            switch c { case "O", "o", "D", "Q": "0"; case "I", "l", "|", "\\": "/"; default: c }
        })
        let groups = mapped.split(whereSeparator: { !$0.isNumber }).map(String.init)
        var a: String? = nil, b: String? = nil
        if groups.count >= 2 { a = groups[0]; b = groups[1] }
        else if let g = groups.first, g.count == 6 || g.count == 7 { a = String(g.prefix(3)); b = String(g.suffix(3)) }
        guard let a, let b, a.count <= 3, b.count <= 3 else { return Layout.field(nil, t, confidence: 0) }
        let pad = { (s: String) in String(repeating: "0", count: 3 - s.count) + s }
        let exact = groups.count == 2 && a.count == 3 && b.count == 3
        return Layout.field("\(pad(a))/\(pad(b))", t, confidence: Layout.confidence(t) * (exact ? 1 : 0.8))
    }

    /// `No. 3327103110184384` under the title.
    private func noKK(_ rows: [TextRow], ctx: PageContext, into out: inout Extraction) {
        var candidates: [(tokens: [Token], score: Int)] = []
        for row in rows {
            let t = row.tokens
            for (i, tok) in t.enumerated() {
                let digits = KKText.digits(tok.text)
                // The number after `No.`, or any long digit run in the header.
                let afterNo = i > 0 && ["NO", "NOMOR", "NOKK", "KK"].contains(TextMatch.key(t[i - 1].text))
                if digits.count >= 12 { candidates.append(([tok], digits.count == 16 ? 2 : 1 + (afterNo ? 1 : 0))) }
            }
            // A number split into groups by OCR.
            let runs = Layout.segments(t.filter { KKText.digits($0.text).count >= 2 && KKText.digits($0.text).count * 2 >= TextMatch.key($0.text).count }, gap: row.height)
            for r in runs where r.count >= 2 && KKText.digits(r.map(\.text).joined()).count >= 14 { candidates.append((r, 1)) }
        }
        guard let best = candidates.max(by: { a, b in a.score < b.score || a.score == b.score && a.tokens[0].box.y > b.tokens[0].box.y }) else { return }
        let tokens = best.tokens
        let raw = tokens.map(\.text).joined()
        if let v = validNoKK(raw, ctx: ctx) {
            out.fields["no_kk"] = Layout.field(v, tokens, confidence: Layout.confidence(tokens) * (KKText.digits(raw) == raw ? 1 : 0.85))
            return
        }
        // Digits-only re-read of the number's box.
        if let box = Layout.box(tokens) {
            let rect = PixelRect(x: box.x - box.h / 2, y: box.y - box.h / 3, w: box.w + box.h, h: box.h + 2 * (box.h / 3))
            let again = ctx.recognize(rect, segmentation: .singleLine, whitelist: "0123456789")
            if let v = validNoKK(again.text, ctx: ctx) {
                out.fields["no_kk"] = Layout.field(v, tokens, confidence: min(Layout.confidence(tokens), again.meanConfidence) * 0.85)
                return
            }
        }
        out.fields["no_kk"] = Layout.field(nil, tokens, confidence: 0)
    }

    private func validNoKK(_ raw: String, ctx: PageContext) -> String? {
        var mapped = ""
        for c in raw {
            if c.isASCII && c.isNumber { mapped.append(c) }
            else if let d = NIK.confusions[c] { mapped.append(d) }
            else if c.isWhitespace || ".-:,".contains(c) { continue }
            else { return nil }
        }
        guard mapped.count == 16 else { return nil }
        let d = Array(mapped).map { Int(String($0))! }
        let day = d[6] * 10 + d[7], month = d[8] * 10 + d[9]
        guard ctx.models.wilayah.isKnownDistrict(String(mapped.prefix(6))), (1...31).contains(day), (1...12).contains(month),
              mapped.suffix(4) != "0000" else { return nil }
        return mapped
    }

    private func issueDate(_ rows: [TextRow], into out: inout Extraction) {
        for row in rows {
            guard let i = row.tokens.firstIndex(where: { TextMatch.fuzzyEquals($0.text, "DIKELUARKAN") }) else { continue }
            var rest = Array(row.tokens[(i + 1)...]).filter { !$0.isColon }
            if let f = rest.first, TextMatch.fuzzyEquals(f.text, "TANGGAL") || TextMatch.key(f.text) == "TGL" { rest.removeFirst() }
            let seg = Layout.segments(rest, gap: 3 * row.height).first ?? []
            let text = Layout.normalize(seg)
            if let d = IndonesianDate.firstDate(in: text) {
                out.fields["tanggal_dikeluarkan"] = Layout.field(d.iso, seg, confidence: Layout.confidence(seg) * (IndonesianDate.parse(text) != nil ? 1 : 0.8))
            } else if !seg.isEmpty {
                out.fields["tanggal_dikeluarkan"] = Layout.field(nil, seg, confidence: 0)
            }
            return
        }
    }

    private func snapRegions(_ out: inout Extraction, ctx: PageContext) {
        let w = ctx.models.wilayah
        var provinceCode: String? = nil
        if let f = out.fields["provinsi"], let v = f.value {
            let bare = v.hasPrefix("PROVINSI ") ? String(v.dropFirst(9)) : v
            if let s = w.snap(bare, level: .province, minimumScore: 0.75) {
                provinceCode = s.region.code
                out.fields["provinsi"]?.value = s.region.name
                out.fields["provinsi"]?.confidence = KKText.round(f.confidence * (s.score == 1 ? 1 : 0.85 * s.score))
            }
        }
        // The regency: within the province when read, else the number's first four digits.
        var regencyCode: String? = nil
        if let f = out.fields["kabupaten_kota"], let v = f.value {
            var prefix = ""
            var bare = v
            for p in ["KABUPATEN ", "KAB. ", "KAB ", "KOTA "] where v.hasPrefix(p) {
                prefix = p == "KOTA " ? "KOTA " : "KABUPATEN "
                bare = String(v.dropFirst(p.count))
            }
            var within = provinceCode
            if within == nil, let no = out.fields["no_kk"]?.value { within = Wilayah.dotted(String(no.prefix(2))) }
            if let s = w.snap(prefix + bare, level: .regency, within: within, minimumScore: 0.75),
               prefix.isEmpty || s.region.isCity == (prefix == "KOTA ") {
                regencyCode = s.region.code
                out.fields["kabupaten_kota"]?.value = prefix + s.region.printedName
                out.fields["kabupaten_kota"]?.confidence = KKText.round(f.confidence * (s.score == 1 ? 1 : 0.85 * s.score))
            }
        }
        if regencyCode == nil, let no = out.fields["no_kk"]?.value, (out.fields["no_kk"]?.confidence ?? 0) >= 0.6 {
            regencyCode = Wilayah.dotted(String(no.prefix(4)))
        }
        var districtCode: String? = nil
        if let f = out.fields["kecamatan"], let v = f.value, let r = regencyCode {
            if let s = w.snap(v, level: .district, within: r, minimumScore: 0.75) {
                districtCode = s.region.code
                out.fields["kecamatan"]?.value = s.region.printedName
                out.fields["kecamatan"]?.confidence = KKText.round(f.confidence * (s.score == 1 ? 1 : 0.85 * s.score))
            }
        }
        if let f = out.fields["desa_kelurahan"], let v = f.value, let d = districtCode {
            if let s = w.snap(v, level: .village, within: d, minimumScore: 0.8) {
                out.fields["desa_kelurahan"]?.value = s.region.printedName
                out.fields["desa_kelurahan"]?.confidence = KKText.round(f.confidence * (s.score == 1 ? 1 : 0.85 * s.score))
            }
        }
    }

    // MARK: - Members

    struct MemberRow {
        var cells: [String: [Token]] = [:]
        var band: PixelRect
        /// Other readings of the NIK cell (the page pass, the column read on its own at other sizes).
        var nikReadings: [[Token]] = []
    }

    /// Member rows found without the table's headings: a row holding a 16-digit number followed
    /// by a sex (`LAKI-LAKI`, `PEREMPUAN`) is a member of the first table, whatever the form's
    /// headings say. The name is left of the number (after the row's number), the birthplace
    /// right of the sex, then the birth date and the religion. Only these fields are taken.
    func membersByContent(_ rows: [TextRow]) -> [MemberRow] {
        var out: [MemberRow] = []
        for row in rows {
            let tokens: [Token] = row.tokens.compactMap { t in
                var t = t
                t.text = t.text.trimmingCharacters(in: CharacterSet(charactersIn: "|[]{}()"))
                return t.text.isEmpty ? nil : t
            }
            // The sex, then the number just before it: one word of mostly digits, 14 to 17 of
            // them (a digit or two may be misread as a letter; the NIK reader repairs or rejects
            // it). A row whose number is not legible is kept, for its name and birth date.
            guard let s = tokens.firstIndex(where: { Vocabulary.snap(Layout.normalize([$0]), to: Vocabulary.sex, minimum: 0.75) != nil }),
                  s >= 1 else { continue }
            let n = tokens[max(0, s - 2)..<s].firstIndex { t in
                let digits = t.text.filter(\.isNumber).count
                return (14...17).contains(KKText.digits(t.text).count) && digits * 4 >= t.text.count * 3
            }
            var cells: [String: [Token]] = [:]
            if let n { cells["nik"] = [tokens[n]] }
            var name = Array(tokens[..<(n ?? s)]).filter { $0.text.filter(\.isNumber).count < 3 }
            // The row's number (`1`, `2.`) and stray rule marks before the name.
            while let f = name.first, f.text.filter(\.isLetter).isEmpty { name.removeFirst() }
            if !name.isEmpty { cells["nama"] = name }
            cells["jenis_kelamin"] = [tokens[s]]
            let rest = Array(tokens[(s + 1)...])
            if let d = rest.firstIndex(where: { $0.text.contains(where: \.isNumber) }) {
                let place = rest[..<d].filter { $0.text.filter(\.isLetter).count >= 2 }
                if !place.isEmpty { cells["tempat_lahir"] = Array(place) }
                // The date, in one word or split by a misread separator (`10-12. 1967`).
                var date: [Token] = []
                for t in rest[d...] where t.text.contains(where: \.isNumber) {
                    date.append(t)
                    if IndonesianDate.firstDate(in: Layout.normalize(date)) != nil { break }
                    if date.count == 3 { break }
                }
                if IndonesianDate.firstDate(in: Layout.normalize(date)) != nil { cells["tanggal_lahir"] = date }
                if let a = rest[d...].first(where: { Vocabulary.snap(Layout.normalize([$0]), to: Vocabulary.religion, minimum: 0.75) != nil }) {
                    cells["agama"] = [a]
                }
            }
            out.append(MemberRow(cells: cells, band: row.box))
        }
        return out
    }

    /// The member rows lined up with the NIK column read on its own (`KKColumnStrip`): one
    /// member per NIK line, with the row's cells where the full-page rows line up one to one,
    /// and the name, sex and birth date read the same way where they do not (two rows read as
    /// one, or not read at all). Rows the strip missed are kept as the page pass read them.
    private func anchoredByNIKColumn(_ members: [MemberRow], table: KKTable, geo: KKGeometry, bottom: Int, ctx: PageContext) -> [MemberRow] {
        guard let nikColumn = table.columns.first(where: { $0.field == "nik" }) else { return members }
        let height = textHeight(members, table: table)
        let bottom = min(bottom, ctx.page.image.height + Int(abs(geo.slope) * Double(ctx.page.image.width)))
        func strip(_ field: String) -> KKColumnStrip? {
            guard let c = table.columns.first(where: { $0.field == field }) else { return nil }
            return KKColumnStrip(x0: c.x0, x1: c.x1, top: table.headingBottom + 1, bottom: bottom, slope: geo.slope, textHeight: height)
        }
        // Readings of the NIK column at a few sizes; lines at the same height are one cell read
        // more than once (the best-read line leads, the others are votes).
        let passes = KKColumnStrip(x0: nikColumn.x0, x1: nikColumn.x1, top: table.headingBottom + 1, bottom: bottom,
                                   slope: geo.slope, textHeight: height)
            .readings(ctx, whitelist: "0123456789", extra: 1)
            .map { $0.filter { KKText.digits($0.text).count >= 12 } }
        var cellsRead: [[KKCellLine]] = []
        for line in passes.flatMap({ $0 }) {
            if let i = cellsRead.firstIndex(where: { abs($0[0].y - line.y) < 0.5 * Double(min($0[0].box.h, line.box.h)) }) {
                cellsRead[i].append(line)
            } else {
                cellsRead.append([line])
            }
        }
        cellsRead.sort { $0[0].y < $1[0].y }
        let nikLines = cellsRead.map { c in c.max { a, b in (KKText.digits(a.text).count == 16 ? 1 : 0, a.confidence) < (KKText.digits(b.text).count == 16 ? 1 : 0, b.confidence) }! }
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_KK"] != nil {
            FileHandle.standardError.write(Data("NIK column \(nikColumn.x0)-\(nikColumn.x1), print \(height) px: \(nikLines.map { "\($0.text)@\(Int($0.y))" })\n".utf8))
        }
        guard !nikLines.isEmpty else { return members }
        let anchors = nikLines.map(\.y)
        let pitch = nikLines.count >= 2 ? KKRowAlignment.pitch(anchors) : Double(3 * height)

        // The page rows: where their NIK cell (else the row) sits, and whether a row is one printed row tall.
        let rowY = members.map { m -> Double in
            let nik = (m.cells["nik"] ?? []).filter { KKText.digits($0.text).count >= 10 }
            let t = nik.isEmpty ? m.cells.values.flatMap { $0 } : nik
            return t.isEmpty ? Double(m.band.midY) : t.map(geo.correctedMidY).reduce(0, +) / Double(t.count)
        }
        let single = members.map { m in
            let nik = (m.cells["nik"] ?? []).map(\.text).joined()
            return KKText.digits(nik).count <= 17 && Double(m.band.h) < 0.9 * pitch + Double(height)
        }
        let matched = KKRowAlignment.align(rowY, to: anchors, pitch: pitch)
        // A column read alone only fills the cells the page rows left empty, so it is read only
        // when a row lined up with a NIK line lacks that cell (or no page row lined up with it):
        // a KK whose page pass read every member row whole needs none of these readings.
        let pageRows = nikLines.indices.map { k -> MemberRow? in matched[k].flatMap { single[$0] ? members[$0] : nil } }
        var others: [String: [Int: KKCellLine]] = [:]
        for (field, whitelist) in [("nama", nil), ("jenis_kelamin", "ABEIKLMNPRU-"), ("tanggal_lahir", "0123456789-")] as [(String, String?)] {
            guard pageRows.contains(where: { ($0?.cells[field] ?? []).isEmpty }), let s = strip(field) else { continue }
            let lines = s.read(ctx, whitelist: whitelist)
            let pairs = KKRowAlignment.align(lines.map(\.y), to: anchors, pitch: pitch)
            others[field] = pairs.mapValues { lines[$0] }
        }

        var out: [(y: Double, row: MemberRow)] = []
        var used = Set<Int>()
        for (k, line) in nikLines.enumerated() {
            var row = MemberRow(band: line.box)
            if let i = matched[k], single[i] {
                row = members[i]
                used.insert(i)
                if let page = row.cells["nik"], !page.isEmpty { row.nikReadings.append(page) }
            } else if let i = matched[k] {
                used.insert(i)
            }
            row.cells["nik"] = [line.token]
            for other in cellsRead[k] where other.text != line.text { row.nikReadings.append([other.token]) }
            for (field, lines) in others {
                guard let l = lines[k] else { continue }
                if (row.cells[field] ?? []).isEmpty { row.cells[field] = [l.token] }
            }
            out.append((line.y, row))
        }
        // Rows with a name or NIK of their own that no NIK line lined up with.
        // (A row whose NIK cell repeats a line's, or holds too few digits, is a page-pass misgrouping.)
        let read = nikLines.map { KKText.digits($0.text) }
        for (i, m) in members.enumerated() where !used.contains(i) && !matched.values.contains(i) {
            let own = KKText.digits((m.cells["nik"] ?? []).map(\.text).joined())
            guard (14...17).contains(own.count), !read.contains(where: { r in
                zip(r.suffix(own.count), own).filter { $0 != $1 }.count <= 4 }) else { continue }
            out.append((rowY[i], m))
        }
        return out.sorted { $0.y < $1.y }.map(\.row)
    }

    /// The print height of a member table: its NIK cells as the page pass read them, else its headings.
    private func textHeight(_ members: [MemberRow], table: KKTable) -> Int {
        let cells = members.flatMap { $0.cells["nik"] ?? [] }.filter { KKText.digits($0.text).count >= 10 && $0.text.count <= 18 }
        var hs = cells.map(\.box.h).sorted()
        if !hs.isEmpty { return max(6, hs[hs.count / 2]) }
        // Else the words of the data rows (a heading read as one tall smudge would mislead).
        hs = members.flatMap { $0.cells.values.flatMap { $0 } }.filter { $0.text.count >= 3 }.map(\.box.h).sorted()
        if hs.count >= 5 { return max(6, hs[hs.count / 2]) }
        hs = table.headingBoxes.map(\.h).sorted()
        return hs.isEmpty ? 20 : max(6, hs[hs.count / 4])
    }

    /// The data rows of a table: rows between its headings and `bottom` that hold a name or number.
    private func memberRows(_ rows: [TextRow], table: KKTable, geo: KKGeometry, bottom: Int, ctx: PageContext) -> [MemberRow] {
        var out: [MemberRow] = []
        let data = rows.filter { geo.y($0) > Double(table.headingBottom) && geo.y($0) < Double(bottom) }
        for row in data {
            let tokens = row.tokens.filter { TextMatch.key($0.text).count >= 1 && $0.box.x >= table.left - row.height && $0.box.maxX <= table.right + row.height }
            guard !tokens.isEmpty else { continue }
            var cells: [String: [Token]] = [:]
            for var t in tokens {
                // Table rules read as `|`, `(` or `[` stuck to a cell's text.
                t.text = t.text.trimmingCharacters(in: CharacterSet(charactersIn: "|[]{}()"))
                guard !t.text.isEmpty else { continue }
                guard let c = table.column(at: t.box.midX) else { continue }
                cells[c, default: []].append(t)
            }
            // The column numbering row `(1) (2) ...` and empty ruled rows carry no letters.
            let letters = tokens.map { $0.text.filter(\.isLetter).count }.reduce(0, +)
            let digits = tokens.map { $0.text.filter(\.isNumber).count }.reduce(0, +)
            // The column numbering row `(1) (2) ... (10)`.
            let bracketed = tokens.filter { $0.text.hasPrefix("(") || $0.text.hasSuffix(")") }.count
            if bracketed * 2 >= tokens.count && tokens.count >= 3 { continue }
            guard letters >= 3 || digits >= 10 else { continue }
            // A row whose content spills into neighbouring rows (two-line cells) joins the row above
            // when it has no name, number or NIK of its own.
            let primary = table.columns.contains { $0.field == "nik" } ? ["nama", "nik"] : ["status_perkawinan", "hubungan", "kewarganegaraan"]
            let hasPrimary = primary.contains { f in
                guard let c = cells[f] else { return false }
                let text = c.map(\.text).joined()
                return f == "nik" ? KKText.digits(text).count >= 10 : text.filter(\.isLetter).count >= 3
            }
            if !hasPrimary && out.isEmpty { continue }
            if !hasPrimary, var last = out.popLast() {
                for (k, v) in cells { last.cells[k, default: []] += v }
                out.append(last)
                continue
            }
            out.append(MemberRow(cells: cells, band: row.box))
        }
        return out
    }

    private func member(_ row: MemberRow, ctx: PageContext, familyRegion: String?) -> [String: FieldValue] {
        var m: [String: FieldValue] = [:]
        func plain(_ field: String) {
            guard let t = row.cells[field], !t.isEmpty else { return }
            let text = Layout.normalize(t)
            guard !text.isEmpty, text != "-" else { return }
            m[field] = Layout.field(field == "pekerjaan" ? Vocabulary.occupation(text) : text, t)
        }
        func snapped(_ field: String, _ vocabulary: [String], minimum: Double = 0.6) {
            guard let t = row.cells[field], !t.isEmpty else { return }
            let text = Layout.normalize(t)
            guard !text.isEmpty else { return }
            if let s = Vocabulary.snap(text, to: vocabulary, minimum: minimum) {
                m[field] = Layout.field(s.0, t, confidence: Layout.confidence(t) * (s.1 == 1 ? 1 : 0.9 * s.1))
            } else {
                m[field] = Layout.field(text, t, confidence: Layout.confidence(t) * 0.4)
            }
        }
        plain("nama")
        snapped("jenis_kelamin", Vocabulary.sex)
        plain("tempat_lahir")
        if let t = row.cells["tanggal_lahir"], !t.isEmpty {
            let text = Layout.normalize(t)
            if let d = IndonesianDate.firstDate(in: text) {
                m["tanggal_lahir"] = Layout.field(d.iso, t, confidence: Layout.confidence(t) * (IndonesianDate.parse(text) != nil ? 1 : 0.8))
            }
        }
        snapped("agama", Vocabulary.religion)
        snapped("pendidikan", Self.education, minimum: 0.7)
        plain("pekerjaan")
        snapped("status_perkawinan", Vocabulary.marital)
        snapped("hubungan", Self.relation)
        snapped("kewarganegaraan", Vocabulary.citizenship)
        plain("ayah")
        plain("ibu")
        m["nik"] = nik(row, ctx: ctx, printed: m, familyRegion: familyRegion)
        return m
    }

    /// The member's NIK: the full-page reading when it is a valid NIK agreeing with the row's
    /// birth date and sex, else a digits-only re-read of the cell.
    private func nik(_ row: MemberRow, ctx: PageContext, printed: [String: FieldValue], familyRegion: String?) -> FieldValue? {
        let tokens = row.cells["nik"] ?? []
        let birth = printed["tanggal_lahir"]?.value.flatMap(CalendarDate.init(iso:))
        let sex = printed["jenis_kelamin"]?.value.flatMap(NIK.Sex.init(printed:))
        let ref = ctx.models.referenceDate, w = ctx.models.wilayah

        func agreement(_ n: NIK) -> Double {
            var s = 0.0
            if let birth { s += n.birthDate == birth ? 1 : (n.birthDate.month == birth.month && n.birthDate.day == birth.day ? 0.5 : -1) }
            if let sex { s += n.sex == sex ? 0.5 : -1 }
            if let familyRegion, n.regionDigits.prefix(4) == familyRegion.prefix(4) { s += 0.25 }
            return s
        }
        func best(_ raw: String) -> (NIK, Double)? {
            let c = NIK.repairCandidates(raw: raw, referenceDate: ref, wilayah: w)
            return c.map { ($0, agreement($0)) }.max { $0.1 < $1.1 }
        }
        let full = tokens.isEmpty ? nil : best(tokens.map(\.text).joined())
        let fullExact = tokens.map(\.text).joined().allSatisfy(\.isNumber)
        let confident = tokens.allSatisfy { $0.confidence >= 0.8 }
        let wanted = (birth != nil ? 1.0 : 0) + (sex != nil ? 0.5 : 0)
        let others = row.nikReadings.compactMap { best($0.map(\.text).joined()) }
        if let full, full.1 >= wanted, fullExact, confident,
           others.allSatisfy({ $0.0.digits == full.0.digits }), row.nikReadings.count == others.count {
            return Layout.field(full.0.digits, tokens, confidence: min(1, Layout.confidence(tokens) + (others.isEmpty ? 0 : 0.05)))
        }
        // Re-read the cell digits-only.
        let rect: PixelRect
        if let b = Layout.box(tokens) {
            rect = PixelRect(x: b.x - b.h, y: b.y - b.h / 3, w: b.w + 2 * b.h, h: b.h + 2 * (b.h / 3))
        } else {
            return nil
        }
        var readings: [(NIK, Double, Double)] = []  // nik, agreement, confidence
        if let full { readings.append((full.0, full.1, Layout.confidence(tokens) * (fullExact ? 1 : 0.85))) }
        for other in row.nikReadings {
            guard let r = best(other.map(\.text).joined()) else { continue }
            let exact = other.map(\.text).joined().allSatisfy(\.isNumber)
            readings.append((r.0, r.1, Layout.confidence(other) * (exact ? 1 : 0.85)))
        }
        let again = ctx.recognize(rect, segmentation: .singleLine, whitelist: "0123456789")
        if let r = best(again.text) { readings.append((r.0, r.1, again.meanConfidence)) }
        if readings.allSatisfy({ $0.1 < wanted }), let crop = ctx.page.image.cropped(rect), let big = crop.scaled(by: 2), let padded = big.bordered(12) {
            let third = ctx.recognize(on: padded, segmentation: .singleLine, whitelist: "0123456789")
            if let r = best(third.text) { readings.append((r.0, r.1, third.meanConfidence)) }
        }
        // The reading that best fits the row, then the one most readings agree on.
        let votes = { (n: NIK) in readings.filter { $0.0.digits == n.digits }.count }
        guard let pick = readings.max(by: { ($0.1, votes($0.0), $0.2) < ($1.1, votes($1.0), $1.2) }) else {
            return Layout.field(nil, tokens, confidence: 0)
        }
        // Readings that agree with each other and with the row are trusted; a disagreement lowers
        // it, below certainty when another reading fits the row as well (the digit in doubt
        // cannot be told from the row).
        let agreeing = votes(pick.0)
        var conf = pick.2
        if pick.1 < wanted { conf *= 0.5 }
        if agreeing < readings.count { conf *= 0.8 }
        if agreeing >= 2 { conf = min(1, conf + 0.1) }
        if readings.contains(where: { $0.0.digits != pick.0.digits && $0.1 >= wanted }) { conf = min(conf, 0.6) }
        return Layout.field(pick.0.digits, tokens, confidence: conf)
    }
}

// MARK: - Geometry

/// Tokens with the page's residual slope removed from their vertical position, for grouping
/// into rows on a photographed page.
struct KKGeometry {
    var tokens: [Token]
    var slope: Double

    init(words: [OCRWord]) {
        var tokens: [Token] = []
        for w in words where !w.text.trimmingCharacters(in: .whitespaces).isEmpty { tokens += Layout.split(w) }
        self.tokens = tokens
        // Residual slope: median over Tesseract lines that span some width.
        var slopes: [Double] = []
        var lines: [String: [OCRWord]] = [:]
        for w in words { lines["\(w.block).\(w.line)", default: []].append(w) }
        for (_, l) in lines where l.count >= 3 {
            let s = l.sorted { $0.box.x < $1.box.x }
            let dx = Double(s.last!.box.midX - s.first!.box.midX)
            guard dx > 150 else { continue }
            slopes.append(Double(s.last!.box.maxY - s.first!.box.maxY) / dx)
        }
        slopes.sort()
        let s = slopes.isEmpty ? 0 : slopes[slopes.count / 2]
        self.slope = abs(s) < 0.15 ? s : 0
    }

    func correctedMidY(_ t: Token) -> Double { Double(t.box.midY) - slope * Double(t.box.midX) }

    /// A row's slope-corrected vertical centre.
    func y(_ row: TextRow) -> Double {
        row.tokens.isEmpty ? Double(row.box.midY) : row.tokens.map(correctedMidY).reduce(0, +) / Double(row.tokens.count)
    }

    /// Rows by vertical overlap in slope-corrected positions. A box much taller than the
    /// page's text (a margin's shadow or a stamp read as a "word") counts as two lines high at
    /// most: it must not chain the lines beside it into one row.
    func rows(_ tokens: [Token]) -> [TextRow] {
        let sorted = tokens.sorted { correctedMidY($0) < correctedMidY($1) }
        let heights = tokens.map(\.box.h).sorted()
        let tallest = heights.isEmpty ? Int.max : max(1, heights[heights.count / 2]) * 2
        var groups: [(y: Double, h: Int, tokens: [Token])] = []
        for t in sorted {
            let y = correctedMidY(t)
            let h = min(t.box.h, tallest)
            if let i = groups.lastIndex(where: { abs($0.y - y) <= Double(max($0.h, h)) * 0.55 }) {
                let n = Double(groups[i].tokens.count)
                groups[i].y = (groups[i].y * n + y) / (n + 1)
                groups[i].h = max(groups[i].h, h)
                groups[i].tokens.append(t)
            } else {
                groups.append((y, h, [t]))
            }
        }
        return groups.sorted { $0.y < $1.y }.map { g in
            let toks = g.tokens.sorted { $0.box.x < $1.box.x }
            return TextRow(tokens: toks, box: Layout.box(toks)!)
        }
    }
}

/// A member table located by its column headings.
struct KKTable {
    var columns: [(field: String, x0: Int, x1: Int)]
    var headingTop: Int
    var headingBottom: Int
    /// The headings' boxes on the page, and the fields they name.
    var headingBoxes: [PixelRect] = []
    var headingFields: [String] = []
    /// Every column the table prints, in order (some may have no heading read).
    var allFields: [String] = []
    var textHeight: Int = 20
    /// The ruled vertical lines found across the heading band.
    var rules: [Int] = []
    var left: Int { columns.map(\.x0).min() ?? 0 }
    var right: Int { columns.map(\.x1).max() ?? 0 }

    func column(at x: Int) -> String? {
        columns.first { x >= $0.x0 && x < $0.x1 }?.field
    }

    /// The row holding most of `headings`, with the words of any two-line heading just below or above.
    static func find(_ rows: [TextRow], headings: [(field: String, keys: [String])], required: [String], below: Int? = nil,
                     geo: KKGeometry) -> KKTable? {
        var best: (score: Int, row: Int, found: [String: PixelRect])? = nil
        for (r, row) in rows.enumerated() where below == nil || geo.y(row) > Double(below!) {
            var found: [String: PixelRect] = [:]
            // Headings on this row and the row next to it (two-line headings).
            var tokens = row.tokens
            if r + 1 < rows.count, rows[r + 1].box.y - row.box.maxY < row.height { tokens += rows[r + 1].tokens }
            if r > 0, row.box.y - rows[r - 1].box.maxY < row.height { tokens += rows[r - 1].tokens }
            tokens.sort { $0.box.x < $1.box.x }
            var used = Set<Int>()
            for (field, keys) in headings {
                var hit: (Double, [Int])? = nil
                for i in tokens.indices where !used.contains(i) {
                    for k in 1...min(4, tokens.count - i) {
                        let idx = Array(i..<(i + k))
                        if idx.contains(where: used.contains) { break }
                        let key = TextMatch.key(idx.map { tokens[$0].text }.joined())
                        for lk in keys {
                            let exact = key == lk
                            let s = exact ? 1 : (lk.count >= 5 && TextMatch.fuzzyEquals(key, lk) ? 0.85 : 0)
                            if s > (hit?.0 ?? 0) { hit = (s, idx) }
                        }
                    }
                }
                if let hit {
                    hit.1.forEach { used.insert($0) }
                    found[field] = hit.1.map { tokens[$0].box }.reduce(tokens[hit.1[0]].box) { $0.union($1) }
                }
            }
            let requiredFound = required.filter { found[$0] != nil }.count
            let score = requiredFound * 10 + found.count
            // Three required headings, or, on a blurred page where most headings are misread,
            // three headings of the table in their printed order, two of them required (the
            // rest are placed between the ruled lines).
            let ordered = headings.map(\.field).compactMap { found[$0]?.midX }
            let inOrder = zip(ordered, ordered.dropFirst()).allSatisfy { $0 < $1 }
            guard requiredFound >= 3 || (requiredFound >= 2 && found.count >= 3 && inOrder) else { continue }
            if best == nil || score > best!.score { best = (score, r, found) }
        }
        guard var best else { return nil }
        // A heading misread beyond recognition (`NIK` as `mk`, or lost in a photo's blur) between
        // two headings that were found: its column is the gap between them.
        let row = rows[best.row]
        let fields = headings.map(\.field)
        for (i, field) in fields.enumerated() where best.found[field] == nil && i > 0 && i + 1 < fields.count {
            guard let prev = best.found[fields[i - 1]], let next = best.found[fields[i + 1]],
                  next.x - prev.maxX >= 4 * row.height else { continue }
            best.found[field] = PixelRect(x: prev.maxX + row.height, y: row.box.y, w: next.x - prev.maxX - 2 * row.height, h: row.height)
        }
        let order = fields.filter { best.found[$0] != nil }
        let boxes = order.map { best.found[$0]! }
        // Columns in heading order must run left to right.
        var cols: [(String, PixelRect)] = []
        for (f, b) in zip(order, boxes) where cols.last.map({ b.midX > $0.1.midX }) ?? true { cols.append((f, b)) }
        var columns: [(field: String, x0: Int, x1: Int)] = []
        for (i, c) in cols.enumerated() {
            // Border between two headings: nearer the wider one's edge than the midpoint would be.
            let x0 = i == 0 ? c.1.x - 3 * row.height : border(cols[i - 1].1, c.1)
            let x1 = i == cols.count - 1 ? c.1.maxX + 4 * row.height : border(c.1, cols[i + 1].1)
            columns.append((c.0, x0, x1))
        }
        // Heading band in slope-corrected positions.
        let top = boxes.map { Int(Double($0.y) - geo.slope * Double($0.midX)) }.min() ?? row.box.y
        let bottom = boxes.map { Int(Double($0.maxY) - geo.slope * Double($0.midX)) }.max() ?? row.box.maxY
        return KKTable(columns: columns, headingTop: top, headingBottom: bottom, headingBoxes: boxes,
                       headingFields: order, allFields: fields, textHeight: row.height)
    }

    /// Where a column border between two centred headings lies: the cells are centred under the
    /// headings, so the border is the point equally far from both headings' centres, weighted by
    /// their widths (a wide heading has a wide column).
    static func border(_ a: PixelRect, _ b: PixelRect) -> Int {
        let gap = b.x - a.maxX
        guard gap > 0 else { return (a.maxX + b.x) / 2 }
        // Columns are about as wide as their headings plus equal padding on both sides.
        return a.maxX + gap / 2
    }

    /// Refines column borders from the table's ruled vertical lines in the heading band, and
    /// places the columns whose headings were not read (misread on a blurred photo) between
    /// the ruled lines, in the table's printed column order.
    mutating func refine(with image: Pix, slope: Double) {
        // A band inside the heading cells: centred on the single-line headings, 1.8 text heights tall.
        guard !headingBoxes.isEmpty else { return }
        let hs = headingBoxes.map(\.h).sorted()
        let h = max(4, hs[hs.count / 2])
        let single = headingBoxes.filter { $0.h <= h * 3 / 2 }.map(\.midY).sorted()
        let mid = single.isEmpty ? headingBoxes[0].midY : single[single.count / 2]
        // Across the whole page: columns whose headings were not read may lie beyond the ones that were.
        let band = PixelRect(x: 0, y: mid - h * 9 / 10, w: image.width, h: h * 18 / 10)
        let lines = Self.verticalRules(in: image, band: band)
        rules = lines
        guard lines.count >= 3 else { return }
        placeMissing(lines)
        // Each border moves to the nearest ruled line between the neighbouring headings' centres.
        for i in columns.indices.dropFirst() {
            let lo = (columns[i - 1].x0 + columns[i - 1].x1) / 2, hi = (columns[i].x0 + columns[i].x1) / 2
            let current = columns[i].x0
            if let l = lines.filter({ $0 > lo && $0 < hi }).min(by: { abs($0 - current) < abs($1 - current) }) {
                columns[i].x0 = l
                columns[i - 1].x1 = l
            }
        }
        if let first = lines.filter({ $0 < columns[0].x1 - textHeight }).max() { columns[0].x0 = min(columns[0].x0, first) }
    }

    /// The x positions of ruled vertical lines crossing `band`: pixel columns dark over nearly
    /// all of its height. Ruling lines are the darkest marks; heading cells may be tinted, so
    /// Otsu would take the tint.
    static func verticalRules(in image: Pix, band: PixelRect) -> [Int] {
        guard let r = band.clipped(width: image.width, height: image.height), let crop = image.cropped(r),
              let g = crop.grey(), g.width > 10, g.height > 4 else { return [] }
        let w = g.width, hh = g.height
        let px = g.greyBytes()
        let sortedPx = px.sorted()
        let median = Int(sortedPx[sortedPx.count / 2]), darkest = Int(sortedPx[sortedPx.count / 100])
        let threshold = (median + darkest) / 2
        // On a photo a rule is blurred and lighter than the print: a thin mark clearly darker
        // than the paper a few pixels either side of it counts too.
        let step = 4, contrast = max(12, (median - darkest) / 4)
        var counts = [Int](repeating: 0, count: w)
        for y in 0..<hh {
            var mark = [Bool](repeating: false, count: w)
            for x in 0..<w {
                let v = Int(px[y * w + x])
                let l = Int(px[y * w + max(0, x - step)]), r = Int(px[y * w + min(w - 1, x + step)])
                mark[x] = v < threshold || (x >= step && x + step < w && min(l, r) - v >= contrast)
            }
            for x in 0..<w where mark[max(0, x - 1)...min(w - 1, x + 1)].contains(true) { counts[x] += 1 }
        }
        var lines: [Int] = []
        var x = 0
        while x < w {
            if Double(counts[x]) >= 0.9 * Double(hh) {
                var e = x
                while e + 1 < w && Double(counts[e + 1]) >= 0.9 * Double(hh) { e += 1 }
                lines.append(r.x + (x + e) / 2)
                x = e + 1
            } else { x += 1 }
        }
        return lines
    }

    /// Columns without a heading read, placed between ruled lines: between two read headings
    /// when the lines there are exactly one more than the columns missing, and outward from
    /// the first and last read headings line by line. Columns narrower than the print is
    /// tall are not columns (a line's blur read twice, a stray mark).
    mutating func placeMissing(_ lines: [Int]) {
        let boxes = Dictionary(zip(headingFields, headingBoxes), uniquingKeysWith: { a, _ in a })
        let present = Set(columns.map(\.field))
        let read = allFields.indices.filter { i in boxes[allFields[i]] != nil && present.contains(allFields[i]) }
        guard !read.isEmpty else { return }
        let minimum = 3 * textHeight / 2
        var placed: [String: (Int, Int)] = [:]
        for (a, b): (Int, Int) in zip(read, read.dropFirst()) where b - a > 1 {
            let inside = lines.filter { $0 > boxes[allFields[a]]!.maxX && $0 < boxes[allFields[b]]!.x }
            guard inside.count == b - a else { continue }
            for k in 1..<(b - a) where inside[k] - inside[k - 1] >= minimum { placed[allFields[a + k]] = (inside[k - 1], inside[k]) }
        }
        if let last = read.last, last + 1 < allFields.count {
            let right = lines.filter { $0 > boxes[allFields[last]]!.maxX }
            for k in 1..<(allFields.count - last) where k < right.count {
                guard right[k] - right[k - 1] >= minimum else { break }
                placed[allFields[last + k]] = (right[k - 1], right[k])
            }
        }
        if let first = read.first, first > 0 {
            let left = Array(lines.filter { $0 < boxes[allFields[first]]!.x }.reversed())
            for k in 1...first where k < left.count {
                guard left[k - 1] - left[k] >= minimum else { break }
                placed[allFields[first - k]] = (left[k], left[k - 1])
            }
        }
        guard !placed.isEmpty else { return }
        var cols = columns
        for (f, (x0, x1)) in placed { cols.append((f, x0, x1)) }
        let order = allFields
        let rank = { (f: String) in order.firstIndex(of: f) ?? 0 }
        cols.sort { rank($0.field) < rank($1.field) }
        // A read column next to a placed one shares its ruled border.
        for i in cols.indices.dropFirst() where placed[cols[i].field] != nil || placed[cols[i - 1].field] != nil {
            let border = placed[cols[i].field] != nil ? cols[i].x0 : cols[i - 1].x1
            cols[i].x0 = border
            cols[i - 1].x1 = border
        }
        guard cols.allSatisfy({ $0.x1 > $0.x0 }) else { return }
        columns = cols
    }

    /// The NIK column found by what it holds when its heading was not read or not placed: of the
    /// spaces between ruled lines across the table, the one whose data rows hold the most
    /// runs of ten or more digits (a NIK; dates and row numbers are shorter).
    mutating func locateNIKByContent(_ rows: [TextRow], geo: KKGeometry) {
        guard !columns.contains(where: { $0.field == "nik" }), rules.count >= 2 else { return }
        let data = rows.filter { geo.y($0) > Double(headingBottom) }.prefix(14)
        var best: (count: Int, x0: Int, x1: Int)? = nil
        for (x0, x1) in zip(rules, rules.dropFirst()) where x1 - x0 >= 4 * textHeight {
            let n = data.flatMap(\.tokens).filter { t in
                t.box.midX > x0 && t.box.midX < x1 && KKText.digits(t.text).count >= 10
                    && KKText.digits(t.text).count * 3 >= TextMatch.key(t.text).count * 2
            }.count
            if n >= 2, n > (best?.count ?? 0) { best = (n, x0, x1) }
        }
        guard let best else { return }
        var cols = columns.filter { c in !((c.x0 + c.x1) / 2 > best.x0 && (c.x0 + c.x1) / 2 < best.x1) }
        cols.append(("nik", best.x0, best.x1))
        cols.sort { $0.x0 < $1.x0 }
        for i in cols.indices.dropFirst() where cols[i].field == "nik" || cols[i - 1].field == "nik" {
            let border = cols[i].field == "nik" ? cols[i].x0 : cols[i - 1].x1
            cols[i].x0 = border
            cols[i - 1].x1 = border
        }
        guard cols.allSatisfy({ $0.x1 > $0.x0 }) else { return }
        columns = cols
    }
}

enum KKText {
    static func digits(_ s: String) -> String {
        String(s.compactMap { c -> Character? in
            if c.isASCII && c.isNumber { return c }
            if let d = NIK.confusions[c] { return d }
            return nil
        })
    }

    static func round(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
