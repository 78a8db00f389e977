import Foundation
import OCR

/// Reads a KTP-el: anchors on the printed labels (fuzzily, and by their order when one is
/// misread), takes each value by geometry from the same row right of the colon, keeps the
/// photo column (place and date of issue) apart, reads the NIK in its own pass, and snaps
/// region names and closed vocabularies to their allowed values.
struct KTPExtractor: FieldExtractor {
    /// The rows of a KTP in printed order, with the label as printed (letters only).
    static let labels: [(field: String, keys: [String])] = [
        ("nik", ["NIK"]),
        ("nama", ["NAMA"]),
        ("tempat_tgl_lahir", ["TEMPATTGLLAHIR", "TEMPATTANGGALLAHIR", "TEMPATLAHIR"]),
        ("jenis_kelamin", ["JENISKELAMIN"]),
        ("alamat", ["ALAMAT"]),
        ("rt_rw", ["RTRW"]),
        ("kel_desa", ["KELDESA", "KELURAHANDESA"]),
        ("kecamatan", ["KECAMATAN"]),
        ("agama", ["AGAMA"]),
        ("status_perkawinan", ["STATUSPERKAWINAN"]),
        ("pekerjaan", ["PEKERJAAN"]),
        ("kewarganegaraan", ["KEWARGANEGARAAN"]),
        ("berlaku_hingga", ["BERLAKUHINGGA"]),
    ]

    func extract(_ ctx: PageContext) -> Extraction {
        read(ctx).extraction
    }

    /// What reading a card found besides its values: how well each label row read and what the
    /// digit glyphs alone made of the NIK, which tell whether a poorly photographed card holds up.
    struct CardReading {
        var extraction = Extraction()
        /// Label match score of each row found (field -> 0...1).
        var labelScores: [String: Double] = [:]
        /// The NIK as the glyph templates read it (nil when they did not find 16 digits).
        var nikGlyphs: String? = nil
        /// Whether the NIK holds up on its own (`nikHoldsUp`), judged before the printed values
        /// it contradicts were capped.
        var nikHoldsUp = false
        /// The NIK's row, and the lowest edge of the label rows found under it.
        var nikRow: PixelRect? = nil
        var labelRowsBottom: Int? = nil

        var labelRowsRead: Int { labelScores.values.filter { $0 >= KTPExtractor.labelReadScore }.count }
    }

    func read(_ ctx: PageContext) -> CardReading {
        var reading = CardReading()
        var out = Extraction()
        var rows = Layout.rows(ctx.ocr.words)
        guard !rows.isEmpty else { return reading }
        Layout.debugDump(rows)
        var assigned = assignLabels(rows, imageWidth: ctx.page.image.width)
        if Self.labelColumnLost(rows, assigned: assigned) || Self.rowsCutShort(assigned) {
            // Tesseract's page layout analysis can drop the whole label column (heavy print,
            // a busy background) and keep only the `: value` column, or drop every row below
            // some label (a hatched background); one uniform block reads them all.
            let again = Layout.rows(ctx.recognize(segmentation: .singleBlock).words)
            let relabelled = assignLabels(again, imageWidth: ctx.page.image.width)
            if relabelled.count > assigned.count {
                Layout.debugDump(again)
                rows = again
                assigned = relabelled
            }
        }
        guard !assigned.isEmpty else { return reading }
        reading.labelScores = assigned.mapValues(\.score)
        reading.nikRow = assigned["nik"].map { rows[$0.row].box }
        reading.labelRowsBottom = assigned.values.map { rows[$0.row].box.maxY }.max()

        let medianHeight = rows.map(\.height).sorted()[rows.count / 2]
        let bigGap = max(3 * medianHeight, ctx.page.image.width / 12)
        let labelLeft = assigned.values.map { rows[$0.row].tokens[0].box.x }.sorted()[assigned.count / 2]

        // The value column: where values start, right of the colons (which OCR often misreads
        // as 1, 2 or an apostrophe, or drops).
        let starts = assigned.compactMap { (field, a) -> Int? in
            field == "nik" ? nil : rows[a.row].tokens.dropFirst(a.valueStart).first(where: { !Self.colonLike($0) })?.box.x
        }.sorted()
        let valueColumn = starts.isEmpty ? nil : starts[starts.count / 2]
        let tolerance = medianHeight

        // Colons printed in one column (` : ` between label and value), when they are.
        let colonXs = assigned.compactMap { (field, a) -> Int? in
            field == "nik" ? nil : rows[a.row].tokens.first(where: \.isColon)?.box.x
        }.sorted()
        let colonColumn: Int? = {
            guard colonXs.count >= 4 else { return nil }
            let median = colonXs[colonXs.count / 2]
            let near = colonXs.filter { abs($0 - median) <= tolerance / 2 }.count
            return near * 2 >= colonXs.count ? median : nil
        }()

        // Values: the tokens right of the label, up to a wide gap (the photo column).
        var valueTokens: [String: [Token]] = [:]
        // A name whose label was lost: the one row between the NIK and the place and date of
        // birth, letters only, is the name (found by position, so held below certain).
        var nameByPosition = false
        if assigned["nama"] == nil, let nik = assigned["nik"], let birth = assigned["tempat_tgl_lahir"],
           birth.row == nik.row + 2, !assigned.values.contains(where: { $0.row == nik.row + 1 }) {
            let tokens = rows[nik.row + 1].tokens.filter { !$0.isColon }
            if !tokens.isEmpty, !tokens.contains(where: { $0.text.contains(where: \.isNumber) }),
               tokens.contains(where: { TextMatch.key($0.text).count >= 2 }) {
                assigned["nama"] = Assignment(row: nik.row + 1, valueStart: 0, score: 0)
                nameByPosition = true
            }
        }
        var lateStart: Set<String> = []
        var farSegments: [(row: Int, tokens: [Token])] = []
        for (field, a) in assigned {
            let row = rows[a.row]
            var rest = Array(row.tokens[min(a.valueStart, row.tokens.count)...])
            if let column = valueColumn, field != "nik" {
                // Label words read past the label and colon marks before the column are not value.
                let all = row.tokens.filter { $0.box.x >= column - tolerance }
                if !all.isEmpty { rest = all }
            }
            rest = rest.filter { !$0.isColon }
            while let f = rest.first, Self.colonLike(f), rest.count > 1 { rest.removeFirst() }
            if field != "nik", let f = rest.first, let stripped = Self.gluedColonStripped(f, colonColumn: colonColumn, valueColumn: valueColumn) {
                rest[0] = stripped
            }
            var segs = Layout.segments(rest, gap: bigGap)
            if segs.isEmpty, ["nama", "tempat_tgl_lahir", "alamat", "kel_desa", "kecamatan", "pekerjaan"].contains(field),
               let column = valueColumn {
                // A tilted card can split a label from its value into two rows: the value is then
                // the unlabelled row just above or below that starts at the value column.
                let labelled = Set(assigned.values.map(\.row))
                for r in [a.row - 1, a.row + 1] where rows.indices.contains(r) && !labelled.contains(r) {
                    let near = rows[r].tokens.filter { !$0.isColon }
                    guard let f = near.first, abs(f.box.x - column) <= tolerance,
                          abs(rows[r].box.midY - row.box.midY) <= max(row.box.h, rows[r].box.h) else { continue }
                    segs = Layout.segments(near, gap: bigGap)
                    break
                }
            }
            valueTokens[field] = segs.first ?? []
            if field != "nik", let column = valueColumn, let f = segs.first?.first,
               Double(f.box.x - column) > 0.5 * Double(f.box.h) {
                // The value starts right of the column where the others start: its first
                // letters were lost (`EMALANG` for `PEMALANG`), so it is not trusted as read.
                lateStart.insert(field)
            }
            if field != "jenis_kelamin" {
                for s in segs.dropFirst() { farSegments.append((a.row, s)) }
            }
        }
        // A label read with nothing beside it: Tesseract's page pass can skip a short value on a
        // busy background (`WNI`); the value's cell, right of the label on its row, is read alone.
        if let column = valueColumn {
            let right = valueTokens.filter { $0.key != "nik" }.compactMap { $0.value.last?.box.maxX }.max() ?? (column + ctx.page.image.width / 3)
            let skipped = Self.cellFields.filter { assigned[$0] != nil && (valueTokens[$0] ?? []).isEmpty }
            // So is a closed-vocabulary value read as none of its values (`WNI` read with the
            // signature beside it as `ha, ITN`); its cell's reading is taken only when it is one.
            let unsnapped = Self.closedVocabularies.filter { field, vocabulary in
                guard let t = valueTokens[field], !t.isEmpty else { return false }
                return Vocabulary.snap(Layout.normalize(t), to: vocabulary, minimum: Self.vocabularySnap) == nil
            }.map(\.key).sorted()
            // Many empty values mean a card read poorly, not values skipped: no pass per cell then.
            for field in skipped + unsnapped where skipped.count + unsnapped.count <= Self.mostCellPasses {
                let row = rows[assigned[field]!.row]
                // The cell is as high as the label's letters with their height again as margin,
                // around the label's middle: a row box can also hold a signature or a photo's edge.
                let label = row.tokens.prefix(assigned[field]!.valueStart).filter { !$0.isColon }.map(\.box)
                let (middle, height) = label.isEmpty ? (row.box.midY, row.box.h)
                    : (label.map(\.midY).sorted()[label.count / 2], min(row.box.h, label.map(\.h).sorted()[label.count / 2]))
                let rect = PixelRect(x: column - tolerance / 2, y: middle - height,
                                     w: max(right, column + 4 * tolerance) - column + tolerance, h: 2 * height)
                let words = ctx.recognize(rect, segmentation: .singleLine).words
                let cell = words.flatMap(Layout.split).filter { !$0.isColon && $0.box.x >= column - tolerance && $0.confidence >= Self.cellMinimumConfidence }
                guard let first = Layout.segments(cell, gap: bigGap).first else { continue }
                if let vocabulary = Self.closedVocabularies[field], !skipped.contains(field),
                   Vocabulary.snap(Layout.normalize(first), to: vocabulary, minimum: Self.vocabularySnap) == nil { continue }
                valueTokens[field] = first
            }
        }
        // Rows that no label claimed: address continuations and the photo column text.
        let claimed = Set(assigned.values.map(\.row))
        let nikRow = assigned["nik"]?.row ?? assigned["nama"].map { max(0, $0.row - 1) } ?? 0
        let valueLeft = assigned.values.compactMap { a -> Int? in
            let row = rows[a.row]
            return a.valueStart < row.tokens.count ? row.tokens[a.valueStart...].first(where: { !$0.isColon })?.box.x : nil
        }.sorted().dropFirst(assigned.count / 4).first ?? (labelLeft + ctx.page.image.width / 4)
        if let alamat = assigned["alamat"] {
            // (A page read as noise may have no row after the address.)
            let stop = min(rows.count, assigned["rt_rw"]?.row ?? assigned["kel_desa"]?.row ?? alamat.row + 2)
            for r in (alamat.row + 1)..<max(alamat.row + 1, stop) where !claimed.contains(r) {
                let segs = Layout.segments(rows[r].tokens.filter { !$0.isColon }, gap: bigGap)
                if let first = segs.first, abs(first[0].box.x - valueLeft) < 3 * medianHeight {
                    valueTokens["alamat", default: []] += first
                    for s in segs.dropFirst() { farSegments.append((r, s)) }
                } else {
                    for s in segs { farSegments.append((r, s)) }
                }
            }
        }
        for r in rows.indices where !claimed.contains(r) && r > nikRow {
            if let alamat = assigned["alamat"], r > alamat.row, r < (assigned["rt_rw"]?.row ?? alamat.row + 2) { continue }
            for s in Layout.segments(rows[r].tokens.filter { !$0.isColon }, gap: bigGap)
            where s[0].box.x > valueLeft + 4 * medianHeight {
                farSegments.append((r, s))
            }
        }

        // Header: PROVINSI and the regency or city above the NIK.
        header(rows: Array(rows.prefix(nikRow)), ctx: ctx, into: &out)

        // Plain fields.
        for field in ["nama", "alamat", "pekerjaan"] {
            if let t = valueTokens[field], !t.isEmpty {
                let text = Layout.normalize(t)
                out.fields[field] = Layout.field(field == "pekerjaan" ? Vocabulary.occupation(text)
                                                 : field == "alamat" ? Layout.address(text) : text, t)
            }
        }
        if nameByPosition, out.fields["nama"] != nil {
            out.fields["nama"]!.confidence = min(out.fields["nama"]!.confidence, Self.nameByPositionCap)
        }
        if let t = valueTokens["alamat"], Layout.address(Layout.normalize(t)) != Layout.normalize(t) {
            // Mended words (glued, a stop read as a comma) say the print read poorly there.
            out.fields["alamat"]!.confidence = min(out.fields["alamat"]!.confidence, Self.mendedAddressCap)
        }
        if let t = valueTokens["alamat"], let least = t.map(\.confidence).min() {
            // An address is many words, and one misread word spoils it: the mean of its words'
            // confidences hides one read poorly.
            out.fields["alamat"]!.confidence = min(out.fields["alamat"]!.confidence, ((least + Self.addressWordSlack) * 1000).rounded() / 1000)
        }
        var garbledBirth: String? = nil, garbledExpiry: String? = nil
        if let t = valueTokens["tempat_tgl_lahir"], !t.isEmpty { garbledBirth = birth(t, into: &out) }
        if let t = assigned["jenis_kelamin"].map({ Array(rows[$0.row].tokens[$0.valueStart...]) }) {
            sexAndBlood(t, into: &out)
        }
        if out.fields["golongan_darah"] == nil, let t = bloodElsewhere(rows) { out.fields["golongan_darah"] = t }
        if let t = valueTokens["rt_rw"], !t.isEmpty { out.fields["rt_rw"] = rtRw(t) }
        for (field, vocabulary) in Self.closedVocabularies.sorted(by: { $0.key < $1.key }) {
            snapVocabulary(field, valueTokens, vocabulary, into: &out)
        }
        if let t = valueTokens["berlaku_hingga"], !t.isEmpty {
            let text = Layout.normalize(t)
            if let s = Vocabulary.snap(text, to: ["SEUMUR HIDUP"], minimum: 0.7) {
                out.fields["berlaku_hingga"] = Layout.field(s.0, t, confidence: Layout.confidence(t) * s.1)
            } else if let d = IndonesianDate.firstDate(in: text) {
                // KTP-el cards were first issued in 2011 for five years, and none issued since
                // 2016 prints a date: a year outside those a card can print is misread.
                let printable = Self.printedExpiryYears.contains(d.year)
                out.fields["berlaku_hingga"] = Layout.field(d.iso, t, confidence: printable ? nil : min(Layout.confidence(t), 0.6))
            } else {
                garbledExpiry = Self.garbledDate(text)
                out.fields["berlaku_hingga"] = Layout.field(text, t, confidence: Layout.confidence(t) * 0.5)
            }
        }
        issuePlaceAndDate(farSegments, rows: rows, into: &out)
        if out.fields["tanggal_terbit"] == nil || out.fields["tempat_terbit"] == nil {
            photoColumnPass(farSegments, rows: rows, assigned: assigned, values: valueTokens, valueLeft: valueLeft, ctx: ctx, into: &out)
        }

        // The NIK, in its own pass; it tells the district that village and district names snap to.
        if let a = assigned["nik"] {
            // The digits can stand lower than their label, as a row of their own.
            let apart = rows[a.row].tokens.dropFirst(a.valueStart).allSatisfy(\.isColon)
                ? Self.nikDigitsApart(rows, label: a.row, claimed: Set(assigned.values.map(\.row))) : nil
            let (nik, glyphs) = readNIK(row: apart.map { rows[$0] } ?? rows[a.row], valueStart: apart == nil ? a.valueStart : 0,
                                        ctx: ctx, fields: out.fields)
            out.fields["nik"] = nik
            reading.nikGlyphs = glyphs
        }
        snapRegions(valueTokens, ctx: ctx, into: &out)
        Self.snapPlaces(&out.fields, wilayah: ctx.models.wilayah)
        Self.repairDates(&out.fields, birth: garbledBirth, expiry: garbledExpiry, models: ctx.models)
        for field in lateStart {
            let names = field == "tempat_tgl_lahir" ? ["tempat_lahir"] : [field]
            for name in names where out.fields[name] != nil {
                out.fields[name]!.confidence = min(out.fields[name]!.confidence, Self.lateStartCap)
            }
        }
        Self.secondOpinionOnIssueDate(&out.fields, ctx: ctx)
        reading.nikHoldsUp = Self.nikHoldsUp(out.fields, glyphs: reading.nikGlyphs, models: ctx.models)
        Self.capContradicted(&out.fields, models: ctx.models)
        if let name = out.fields["nama"]?.value, name.contains(where: \.isNumber) {
            // No name holds a digit: a letter was misread, and which one is a guess.
            out.fields["nama"]!.confidence = min(out.fields["nama"]!.confidence, Self.nameWithDigitCap)
        }
        // A label barely recognised may be another row's words (`KARYAWAN` taken for `ALAMAT`
        // on a card whose label column was not read): its value is not trusted as that field.
        // (A NIK is its own proof: its checks hold or not.)
        for (field, a) in assigned where field != "nik" && a.score > 0 && a.score < Self.weakLabelScore {
            for name in Self.fieldsOfLabel[field] ?? [field] where out.fields[name] != nil {
                out.fields[name]!.confidence = min(out.fields[name]!.confidence, Self.weakLabelCap)
            }
        }
        // Labels and values read as two columns and paired a row apart (a tilted photo): the
        // values stand beside the wrong labels, and none of them is trusted.
        if Self.valuesOffByARow(valueTokens.mapValues { Layout.normalize($0) }) {
            for name in out.fields.keys where name != "nik" {
                out.fields[name]!.confidence = min(out.fields[name]!.confidence, Self.offByARowCap)
            }
        }
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_LABELS"] != nil {
            let line = assigned.sorted { $0.value.row < $1.value.row }.map { "\($0.key)@\($0.value.row)=\(String(format: "%.2f", $0.value.score))" }
            FileHandle.standardError.write(Data("labels \(line.joined(separator: " "))\n".utf8))
        }
        reading.extraction = out
        return reading
    }

    /// Whether the values (label field to its value's text) read as paired a row apart from
    /// their labels: two or more values that are not of their own label's kind are of the kind
    /// of the label above (`Alamat : LAKI-LAKI`, `Kel/Desa : 002/012`), or two or more of the label below.
    static func valuesOffByARow(_ values: [String: String]) -> Bool {
        func snaps(_ text: String, _ list: [String]) -> Bool { Vocabulary.snap(text, to: list, minimum: vocabularySnap) != nil }
        func rtRwLike(_ text: String) -> Bool { text.range(of: #"^\d{1,3}\s*/\s*\d{1,3}$"#, options: .regularExpression) != nil }
        let kinds: [String: (String) -> Bool] = [
            "jenis_kelamin": { snaps($0, Vocabulary.sex) }, "rt_rw": rtRwLike,
            "agama": { snaps($0, Vocabulary.religion) }, "status_perkawinan": { snaps($0, Vocabulary.marital) },
            "kewarganegaraan": { snaps($0, Vocabulary.citizenship) },
            "berlaku_hingga": { snaps($0, ["SEUMUR HIDUP"]) || IndonesianDate.firstDate(in: $0) != nil },
        ]
        let order = labels.map(\.field)
        func count(shift: Int) -> Int {
            order.indices.filter { i in
                let j = i + shift
                guard order.indices.contains(j), let text = values[order[i]], !text.isEmpty,
                      let theirs = kinds[order[j]], theirs(text) else { return false }
                return !(kinds[order[i]]?(text) ?? false)
            }.count
        }
        return count(shift: -1) >= 2 || count(shift: 1) >= 2
    }

    /// The most a value of a card whose values are paired a row off their labels is trusted.
    static let offByARowCap = 0.5

    /// Under this label match score a row's value is not trusted as the label's field.
    static let weakLabelScore = 0.6
    /// The most a value beside a barely recognised label is trusted.
    static let weakLabelCap = 0.75
    /// The fields a label row's value gives, where they are not the label's own name.
    static let fieldsOfLabel = ["tempat_tgl_lahir": ["tempat_lahir", "tanggal_lahir"]]

    /// The most a date of issue is trusted when reading it alone on its line gives another date.
    static let dateDisagreementCap = 0.6

    /// The date of issue, read with confidence, is read again alone as one line: its small print
    /// under the photo loses strokes on a photo, and a blurred `7` read as `1` by the page pass
    /// (phone ktp-002, `21-02-2022` at 0.96 for `27-02-2022`) is often read otherwise when the
    /// date is all there is to read. A second reading that gives another date leaves the value
    /// below trust; one that gives no date changes nothing. (The birth date is not: read alone
    /// beside its place, 4 of 71 right birth dates came out otherwise, and no wrong one.)
    private static func secondOpinionOnIssueDate(_ fields: inout [String: FieldValue], ctx: PageContext) {
        guard let f = fields["tanggal_terbit"], f.confidence >= 0.8, let value = f.value, let box = f.box, box.h > 0 else { return }
        let image = ctx.page.image
        let x = max(0, box.x - box.h), y = max(0, box.y - box.h / 2)
        let rect = PixelRect(x: x, y: y, w: min(image.width, box.maxX + box.h) - x, h: min(image.height, box.maxY + box.h / 2) - y)
        guard rect.w > 0, rect.h > 0 else { return }
        let text = ctx.recognize(rect, segmentation: .singleLine).words.map(\.text).joined(separator: " ")
        if let again = IndonesianDate.firstDate(in: text), again.iso != value {
            fields["tanggal_terbit"]!.confidence = min(f.confidence, dateDisagreementCap)
        }
    }

    /// The most an RT/RW mended from a doubled zero (`0906` for `006`) is trusted: below the rules' trust.
    static let repairedRtRwCap = 0.6

    /// Fields whose value sits on its label's row, read alone when the page pass skipped it.
    static let cellFields = ["nama", "tempat_tgl_lahir", "alamat", "rt_rw", "kel_desa", "kecamatan", "agama",
                             "status_perkawinan", "pekerjaan", "kewarganegaraan", "berlaku_hingga"]
    /// The least confidence of a word read in a value's own cell (a cell of background pattern
    /// reads as low-confidence marks).
    static let cellMinimumConfidence = 0.5
    /// The most skipped values read in their own cells on one card.
    static let mostCellPasses = 3
    /// Values printed from a closed list, on their label's row, snapped to the list.
    static let closedVocabularies = ["agama": Vocabulary.religion, "status_perkawinan": Vocabulary.marital,
                                     "kewarganegaraan": Vocabulary.citizenship]
    /// How like one of its list's values a closed-vocabulary value must read to be snapped to it.
    static let vocabularySnap = 0.6

    /// The confidence of a name read with a digit in it: below the rules' threshold.
    static let nameWithDigitCap = 0.6

    // MARK: - Poor photos

    /// What a card photographed too poorly for the page's own figures (few words read with
    /// confidence) still gives, when its NIK holds up.
    enum PoorCardReading {
        /// The NIK holds up and most label rows were read: the card counts as read, but no value
        /// is certain (each at most `poorCardCap`).
        case read(Extraction)
        /// Only the NIK holds up: the card stays unreadable (the claimant is asked for a better
        /// photo), its NIK kept for an officer at `poorNIKConfidence`.
        case nikOnly(FieldValue)
    }

    /// The highest confidence a value of a poorly photographed card keeps: below certainty.
    static let poorCardCap = 0.79
    /// The confidence of the NIK kept from a card that is otherwise unreadable.
    static let poorNIKConfidence = 0.6
    /// Label rows (of 13) that must be read for a poor photo to count as a read card.
    static let poorCardLabelRows = 9
    /// The label match score at which a label row counts as read.
    static let labelReadScore = 0.6

    /// Reads a card the page's figures call unreadable. Nil when its NIK does not hold up:
    /// then nothing on it is worth more than a better photo.
    func poorCardReading(_ ctx: PageContext) -> PoorCardReading? {
        var reading = read(ctx)
        guard reading.nikHoldsUp || Self.nikNamesHeaderRegency(reading.extraction.fields, models: ctx.models),
              let nik = reading.extraction.fields["nik"] else { return nil }
        var labelsRead = reading.labelRowsRead
        if labelsRead < Self.poorCardLabelRows, var closer = enlargedReading(ctx, after: reading),
           closer.labelRowsRead > labelsRead {
            // The NIK that held up stays; the printed birth date and sex read closer must not
            // contradict it with confidence.
            closer.extraction.fields["nik"] = nik
            if Self.nikHoldsUp(closer.extraction.fields, glyphs: reading.nikGlyphs, models: ctx.models) {
                Self.capContradicted(&closer.extraction.fields, models: ctx.models)
                reading = closer
                labelsRead = closer.labelRowsRead
            }
        }
        if ProcessInfo.processInfo.environment["BERKAS_TRACE_OCR"] != nil {
            FileHandle.standardError.write(Data("poor card: NIK \(nik.value ?? "-") holds up, \(labelsRead) label rows read\n".utf8))
        }
        guard labelsRead >= Self.poorCardLabelRows else {
            var kept = nik
            kept.confidence = min(kept.confidence, Self.poorNIKConfidence)
            return .nikOnly(kept)
        }
        var extraction = reading.extraction
        extraction.fields = extraction.fields.mapValues { f in
            var f = f
            f.confidence = min(f.confidence, Self.poorCardCap)
            return f
        }
        return .read(extraction)
    }

    /// The card read again with the rows under its NIK enlarged and sharpened, read as one
    /// block: on a blurred photo the labels' small print (7 pixels high on some) is lost at
    /// the page's scale, and Tesseract reads it best about 30 pixels high. The NIK's row tells
    /// the scale and where the rows are; the header and the photo column keep the page's reading.
    func enlargedReading(_ ctx: PageContext, after reading: CardReading) -> CardReading? {
        guard let nikRow = reading.nikRow, let nikBox = reading.extraction.fields["nik"]?.box, nikBox.h >= 4 else { return nil }
        let image = ctx.page.image
        let h = nikBox.h
        let x0 = max(0, nikRow.x - h), y0 = max(0, nikRow.y - h / 2)
        let x1 = min(image.width, nikBox.maxX + h)
        // Twelve label rows follow the NIK's, each about as far apart as its digits are high.
        let y1 = min(image.height, max(y0 + 15 * h, (reading.labelRowsBottom ?? 0) + 2 * h))
        guard x1 - x0 > 8 * h, y1 - y0 > 4 * h else { return nil }
        let rect = PixelRect(x: x0, y: y0, w: x1 - x0, h: y1 - y0)
        let factor = min(3.5, max(1.2, Self.enlargedDigitHeight / Double(h)))
        guard let crop = image.cropped(rect), let large = crop.scaled(by: factor),
              let sharp = large.sharpened(halfwidth: 6, fract: 0.8) else { return nil }
        let closer = ctx.recognize(on: sharp, segmentation: .singleBlock)
        guard !closer.timedOut else { return nil }
        // Back onto the page: the rows come from the enlarged block, the rest from the page.
        let firstBlock = (ctx.ocr.words.map(\.block).max() ?? 0) + 1
        let inside = { (b: PixelRect) in b.midX >= rect.x && b.midX < rect.maxX && b.midY >= rect.y && b.midY < rect.maxY }
        var words = ctx.ocr.words.filter { !inside($0.box) }
        words += closer.words.map { w in
            var w = w
            w.box = PixelRect(x: x0 + Int(Double(w.box.x) / factor), y: y0 + Int(Double(w.box.y) / factor),
                              w: max(1, Int(Double(w.box.w) / factor)), h: max(1, Int(Double(w.box.h) / factor)))
            w.block += firstBlock
            return w
        }
        let combined = OCRResult(words: words, meanConfidence: ctx.ocr.meanConfidence, timedOut: false,
                                 milliseconds: ctx.ocr.milliseconds + closer.milliseconds)
        let context = PageContext(page: ctx.page, ocr: combined, engine: ctx.engine, models: ctx.models, morePages: ctx.morePages)
        return read(context)
    }

    /// The NIK digits' height the rows under them are enlarged to (the labels then stand about
    /// 30 pixels high).
    static let enlargedDigitHeight = 60.0

    /// A NIK that holds up: a valid NIK of a known district, read by the digit glyphs (at most
    /// one doubtful glyph repaired) with confidence, and agreeing with the birth date and sex
    /// printed on the card where those were read with confidence. By chance a misread NIK
    /// rarely passes all of these at once.
    static func nikHoldsUp(_ fields: [String: FieldValue], glyphs: String?, models: ExtractionModels) -> Bool {
        guard let f = fields["nik"], let digits = f.value, f.confidence >= 0.8,
              let nik = NIK(digits, referenceDate: models.referenceDate),
              models.wilayah.isKnownDistrict(nik.regionDigits),
              let glyphs, glyphs.count == 16, zip(glyphs, digits).filter({ $0 != $1 }).count <= 1 else { return false }
        if let d = fields["tanggal_lahir"], d.confidence >= 0.6, let date = d.value.flatMap(CalendarDate.init(iso:)),
           date != nik.birthDate { return false }
        if let s = fields["jenis_kelamin"], s.confidence >= 0.6, let sex = s.value.flatMap(NIK.Sex.init(printed:)),
           sex != nik.sex { return false }
        return true
    }

    /// A NIK of a known district whose regency is the one printed at the card's head
    /// (`KABUPATEN BATANG` over `3325...`): where the two NIK readers disagree on a blurred
    /// card, this still says the digits are a KTP's NIK, though not that every one is right.
    static func nikNamesHeaderRegency(_ fields: [String: FieldValue], models: ExtractionModels) -> Bool {
        guard let digits = fields["nik"]?.value, let nik = NIK(digits, referenceDate: models.referenceDate),
              models.wilayah.isKnownDistrict(nik.regionDigits),
              let header = fields["kabupaten_kota"], header.confidence >= 0.6, let name = header.value,
              let regency = models.wilayah.snap(name, level: .regency, minimumScore: 0.9) else { return false }
        return regency.region.code == Wilayah.dotted(String(digits.prefix(4)))
    }

    /// The highest confidence of a printed birth date or sex that a valid NIK contradicts: one
    /// of the two is misread, and which one is not known.
    static let contradictedCap = 0.55

    /// Caps the printed birth date and sex where a valid NIK of a known district says otherwise.
    static func capContradicted(_ fields: inout [String: FieldValue], models: ExtractionModels) {
        guard let digits = fields["nik"]?.value, let nik = NIK(digits, referenceDate: models.referenceDate),
              models.wilayah.isKnownDistrict(nik.regionDigits) else { return }
        if let d = fields["tanggal_lahir"]?.value.flatMap(CalendarDate.init(iso:)), d != nik.birthDate {
            fields["tanggal_lahir"]!.confidence = min(fields["tanggal_lahir"]!.confidence, contradictedCap)
        }
        if let s = fields["jenis_kelamin"]?.value.flatMap(NIK.Sex.init(printed:)), s != nik.sex {
            fields["jenis_kelamin"]!.confidence = min(fields["jenis_kelamin"]!.confidence, contradictedCap)
        }
    }

    /// `KAB PEKALONGAN` -> `KAB. PEKALONGAN`: cards abbreviate Kabupaten with a full stop, which
    /// OCR often loses.
    static func issuePlace(_ text: String) -> String {
        let words = text.split(separator: " ")
        guard words.count >= 2, words[0] == "KAB" else { return text }
        return "KAB. " + words.dropFirst().joined(separator: " ")
    }

    /// The years a KTP-el's printed expiry date can fall in (issued 2011 to 2016 for five years).
    static let printedExpiryYears = 2016...2021

    /// The confidence of a name found by its row's place rather than its label.
    static let nameByPositionCap = 0.7

    /// The confidence of an address whose words had to be mended: below certain, above the
    /// rules' threshold (the address is not a rule's evidence).
    static let mendedAddressCap = 0.79

    /// How far above its least sure word an address's confidence may stand.
    static let addressWordSlack = 0.3

    /// The confidence of a value whose first letters seem lost: below the rules' threshold.
    static let lateStartCap = 0.6

    /// True when the rows read hold a value column (rows opening with a colon) but few labels.
    /// Whether the label rows read stop well short of the card's last (`Berlaku Hingga`):
    /// five or more of the labels after the last one read are missing, while five or more
    /// read well (a card read poorly throughout is not helped by another reading of it).
    static func rowsCutShort(_ assigned: [String: Assignment]) -> Bool {
        guard assigned.values.filter({ $0.score >= 0.8 }).count >= 5,
              let last = labels.lastIndex(where: { assigned[$0.field] != nil }) else { return false }
        return labels.count - 1 - last >= 5
    }

    static func labelColumnLost(_ rows: [TextRow], assigned: [String: Assignment]) -> Bool {
        guard assigned.count < 8 else { return false }
        let colonLed = rows.filter { r in r.tokens.first.map { $0.isColon || ($0.text.count <= 2 && colonLike($0)) } ?? false }
        return colonLed.count >= 5
    }

    /// A value whose first glyph is the colon, glued to it by OCR and misread (`109-07-2020`,
    /// `!IRFAN`): the token starts at the colon column, or clearly left of where values start.
    /// Returns the token without that glyph, or nil when the token is a plain value.
    static func gluedColonStripped(_ t: Token, colonColumn: Int?, valueColumn: Int?) -> Token? {
        guard t.text.count >= 2, let c = t.text.first, "1!|il;:".contains(c) else { return nil }
        let atColon = colonColumn.map { abs(t.box.x - $0) <= max(3, t.box.h / 3) } ?? false
        let leftOfValues = valueColumn.map { Double($0 - t.box.x) >= 0.35 * Double(t.box.h) } ?? false
        guard atColon || leftOfValues else { return nil }
        var out = t
        out.text = String(t.text.dropFirst())
        let shift = t.box.w / t.text.count
        out.box = PixelRect(x: t.box.x + shift, y: t.box.y, w: max(1, t.box.w - shift), h: t.box.h)
        return out
    }

    // MARK: - Labels

    struct Assignment { var row: Int; var valueStart: Int; var score: Double }

    /// Finds each label's row: every row is scored against every label (fuzzy match of its
    /// leading words), then the best assignment that keeps the printed order is chosen, so a
    /// label misread beyond recognition is still placed by its neighbours.
    func assignLabels(_ rows: [TextRow], imageWidth: Int) -> [String: Assignment] {
        let labels = Self.labels
        // Rows starting in the right half are the photo column, not label rows.
        let candidates = rows.indices.filter { rows[$0].tokens[0].box.x < imageWidth / 2 }
        let n = candidates.count, m = labels.count
        var score = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        var start = [[Int]](repeating: [Int](repeating: 0, count: m), count: n)
        for (ci, r) in candidates.enumerated() {
            for (j, label) in labels.enumerated() {
                let (s, v) = labelScore(rows[r], keys: label.keys)
                score[ci][j] = s; start[ci][j] = v
            }
            // A NIK row whose label was lost: a long run of digit-like glyphs.
            if score[ci][0] < 0.6, let longest = rows[r].tokens.map({ $0.text }).max(by: { $0.count < $1.count }),
               longest.count >= 12, Double(longest.filter(\.isNumber).count) >= 0.6 * Double(longest.count) {
                score[ci][0] = 0.7
                start[ci][0] = 0
            }
        }
        // dp[i][j]: best total over the first i rows and first j labels.
        let threshold = 0.45
        var dp = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: n + 1)
        var move = [[UInt8]](repeating: [UInt8](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n {
            for j in 0...m {
                if i == 0 && j == 0 { continue }
                var best = -Double.infinity, how: UInt8 = 0
                if i > 0, dp[i - 1][j] > best { best = dp[i - 1][j]; how = 1 }          // row unlabelled
                if j > 0, dp[i][j - 1] > best { best = dp[i][j - 1]; how = 2 }          // label not found
                if i > 0, j > 0, score[i - 1][j - 1] >= threshold {
                    let v = dp[i - 1][j - 1] + score[i - 1][j - 1] - 0.3
                    if v > best { best = v; how = 3 }
                }
                dp[i][j] = best; move[i][j] = how
            }
        }
        var out: [String: Assignment] = [:]
        var i = n, j = m
        while i > 0 || j > 0 {
            switch move[i][j] {
            case 3:
                out[labels[j - 1].field] = Assignment(row: candidates[i - 1], valueStart: start[i - 1][j - 1],
                                                      score: score[i - 1][j - 1])
                i -= 1; j -= 1
            case 2: j -= 1
            default: i -= 1
            }
        }
        return out
    }

    /// How well a row's leading words read as a label, and where its value starts.
    private func labelScore(_ row: TextRow, keys: [String]) -> (Double, Int) {
        let tokens = row.tokens
        var best = (0.0, min(1, tokens.count))
        func consider(_ k: Int, _ bonus: Double, from: Int = 0) {
            guard from < k else { return }
            let key = TextMatch.key(tokens[from..<k].map(\.text).joined())
            guard !key.isEmpty else { return }
            for target in keys {
                var s = TextMatch.similarity(key, target)
                // Short labels (NIK, NAMA) need an exact read to count fully.
                if target.count <= 4 && key != target { s = min(s, key.count == target.count ? 0.6 : 0.4) }
                if s + bonus > best.0 { best = (s + bonus, k) }
            }
        }
        if let colon = tokens.prefix(5).firstIndex(where: \.isColon), colon > 0 { consider(colon, 0.05) }
        for k in 1...min(4, tokens.count) { consider(k, 0) }
        // A speck left of the label column read as a glyph (`2 Nama : ...`) is not part of it.
        if tokens.count >= 2, tokens[0].text.count <= 2, TextMatch.key(tokens[1].text).count >= 3 {
            for k in 2...min(5, tokens.count) { consider(k, -0.05, from: 1) }
        }
        return (min(1, best.0), best.1)
    }

    /// A colon, or what OCR made of one: a lone short mark.
    static func colonLike(_ t: Token) -> Bool {
        t.isColon || (t.text.count <= 1 && !t.text.allSatisfy(\.isLetter)) || ["1:", ":1", "'", "‘", "’", "2"].contains(t.text)
    }

    // MARK: - Fields

    private func header(rows: [TextRow], ctx: PageContext, into out: inout Extraction) {
        let lines = rows.filter { !$0.tokens.isEmpty }
        guard !lines.isEmpty else { return }
        var provinceRow: Int? = lines.firstIndex { TextMatch.fuzzyEquals($0.tokens[0].text, "PROVINSI") }
        if provinceRow == nil, lines.count >= 2 { provinceRow = lines.count - 2 }
        let w = ctx.models.wilayah
        var provinceCode: String? = nil
        if let p = provinceRow {
            var t = lines[p].tokens
            if let first = t.first, TextMatch.fuzzyEquals(first.text, "PROVINSI") { t.removeFirst() }
            let text = Layout.normalize(t)
            if !text.isEmpty {
                if let snap = w.snap(text, level: .province, minimumScore: 0.75) {
                    provinceCode = snap.region.code
                    out.fields["provinsi"] = Layout.field(snap.region.name, t, confidence: Layout.confidence(t) * snap.score)
                } else {
                    out.fields["provinsi"] = Layout.field(text, t, confidence: Layout.confidence(t) * 0.5)
                }
            }
            if p + 1 < lines.count {
                let r = lines[p + 1].tokens
                var text = Layout.normalize(r)
                var typeWord = "KABUPATEN"
                if let first = r.first {
                    let k = TextMatch.key(first.text)
                    if TextMatch.fuzzyEquals(k, "KOTA") || k == "KOTA" { typeWord = "KOTA" }
                    if TextMatch.fuzzyEquals(k, "KABUPATEN") || k == "KAB" || k == "KOTA" {
                        text = Layout.normalize(Array(r.dropFirst()))
                    }
                }
                if !text.isEmpty {
                    let snap = w.snap("\(typeWord) \(text)", level: .regency, within: provinceCode, minimumScore: 0.75)
                    if let snap, snap.region.isCity == (typeWord == "KOTA") {
                        out.fields["kabupaten_kota"] = Layout.field("\(typeWord) \(snap.region.printedName)", r,
                                                                    confidence: Layout.confidence(r) * snap.score)
                    } else {
                        out.fields["kabupaten_kota"] = Layout.field("\(typeWord) \(text)", r, confidence: Layout.confidence(r) * 0.6)
                    }
                }
            }
        }
    }

    /// Place and date of birth; returns the date's digits when they read as no date at all.
    @discardableResult
    private func birth(_ t: [Token], into out: inout Extraction) -> String? {
        let text = Layout.normalize(t)
        let matches = IndonesianDate.find(in: text)
        if let m = matches.last {
            let place = Layout.normalize(String(text[text.startIndex..<m.range.lowerBound]))
            let dateTokens = t.filter { $0.text.contains(where: \.isNumber) }
            let placeTokens = t.filter { !$0.text.contains(where: \.isNumber) }
            if !place.isEmpty { out.fields["tempat_lahir"] = Layout.field(place, placeTokens) }
            out.fields["tanggal_lahir"] = Layout.field(m.date.iso, dateTokens.isEmpty ? t : dateTokens)
        } else {
            let parts = text.split(separator: ",", maxSplits: 1)
            if let p = parts.first { out.fields["tempat_lahir"] = Layout.field(Layout.normalize(String(p)), t, confidence: Layout.confidence(t) * 0.6) }
            return Self.garbledDate(text)
        }
        return nil
    }

    /// The eight digits of a `DD-MM-YYYY` that is no date (`00-04-1976`: a slashed zero and a
    /// nine look alike), or nil.
    static func garbledDate(_ text: String) -> String? {
        guard let r = text.range(of: #"\d{2}\s?[-./]\s?\d{2}\s?[-./]\s?\d{4}"#, options: .regularExpression) else { return nil }
        let digits = text[r].filter(\.isNumber)
        return digits.count == 8 ? String(digits) : nil
    }

    /// A birth date or expiry printed as no date, one digit from what the NIK says: the NIK's
    /// birth date, and a card's expiry falls on the holder's birthday. Taken below trust (an
    /// officer sees it), where otherwise the field would be missing.
    static func repairDates(_ fields: inout [String: FieldValue], birth: String?, expiry: String?, models: ExtractionModels) {
        guard let digits = fields["nik"]?.value, (fields["nik"]?.confidence ?? 0) >= 0.6,
              let nik = NIK(digits, referenceDate: models.referenceDate),
              models.wilayah.isKnownDistrict(nik.regionDigits) else { return }
        let b = nik.birthDate
        func oneDigitFrom(_ read: String, _ truth: String) -> Bool {
            zip(read, truth).filter { $0 != $1 }.count <= 1
        }
        if fields["tanggal_lahir"]?.value == nil, let birth,
           oneDigitFrom(birth, String(format: "%02d%02d%04d", b.day, b.month, b.year)) {
            fields["tanggal_lahir"] = FieldValue(value: b.iso, confidence: repairedDateConfidence, box: fields["tempat_lahir"]?.box)
        }
        if let expiry, let year = Int(expiry.suffix(4)),
           printedExpiryYears.contains(year), let due = CalendarDate(year: year, month: b.month, day: b.day),
           oneDigitFrom(expiry, String(format: "%02d%02d%04d", due.day, due.month, due.year)) {
            fields["berlaku_hingga"] = FieldValue(value: due.iso, confidence: repairedDateConfidence, box: fields["berlaku_hingga"]?.box)
        }
    }

    /// The confidence of a date taken from the NIK where the card's own digits were garbled.
    static let repairedDateConfidence = 0.6

    private func sexAndBlood(_ tokens: [Token], into out: inout Extraction) {
        let t = tokens.filter { !$0.isColon }
        let golIndex = t.firstIndex { TextMatch.key($0.text).hasPrefix("GOL") || TextMatch.fuzzyEquals($0.text, "DARAH") }
        let sexTokens = Array(t[..<(golIndex ?? t.count)])
        if let s = Vocabulary.snap(Layout.normalize(sexTokens), to: Vocabulary.sex, minimum: 0.6) {
            out.fields["jenis_kelamin"] = Layout.field(s.0, sexTokens, confidence: Layout.confidence(sexTokens) * s.1)
        }
        if let g = golIndex {
            var rest = Array(t[(g + 1)...])
            if let first = rest.first, TextMatch.fuzzyEquals(first.text, "DARAH") || TextMatch.key(first.text) == "DARAH" {
                rest.removeFirst()
            }
            if let v = blood(rest.prefix(1).map { $0 }) { out.fields["golongan_darah"] = v }
        }
    }

    private func bloodElsewhere(_ rows: [TextRow]) -> FieldValue? {
        for row in rows {
            if let i = row.tokens.firstIndex(where: { TextMatch.fuzzyEquals($0.text, "DARAH") }) {
                let rest = row.tokens[(i + 1)...].filter { !$0.isColon }
                return blood(Array(rest.prefix(1)))
            }
        }
        return nil
    }

    private func blood(_ t: [Token]) -> FieldValue? {
        guard let tok = t.first else { return nil }
        var v = tok.text.uppercased().filter { !$0.isWhitespace && $0 != ":" }
        v = v.replacingOccurrences(of: "0", with: "O")
        if v == "8" { v = "B" }
        if v == "48" || v == "A8" { v = "AB" }
        if v.isEmpty || v.allSatisfy({ $0 == "-" || $0 == "_" || $0 == "—" }) { return Layout.field("-", [tok]) }
        guard Vocabulary.blood.contains(v) else { return nil }
        return Layout.field(v, [tok])
    }

    private func rtRw(_ t: [Token]) -> FieldValue {
        let text = t.map(\.text).joined(separator: " ")
        let mapped = String(text.map { c -> Character in
            switch c { case "O", "o", "D": "0"; case "I", "l", "|": "/"; default: c }
        })
        let read = mapped.split(whereSeparator: { !$0.isNumber }).map(String.init)
        var a: String? = nil, b: String? = nil
        // A mono face's `006` can read `0906`: the network saw a glyph between the two zeros.
        let doubled = { (g: String) -> String in
            let c = Array(g)
            return c.count == 4 && c[0] == "0" && c[2] == "0" ? String([c[0], c[2], c[3]]) : g
        }
        let repaired = read.contains { doubled($0) != $0 }
        let groups = read.map(doubled)
        if groups.count >= 2 { a = groups[0]; b = groups[1] }
        else if let g = groups.first, g.count == 6 { a = String(g.prefix(3)); b = String(g.suffix(3)) }
        else if let g = groups.first, g.count == 7 { a = String(g.prefix(3)); b = String(g.suffix(3)) }
        guard let a, let b, a.count <= 3, b.count <= 3 else {
            return Layout.field(nil, t, confidence: 0)
        }
        let pad = { (s: String) in String(repeating: "0", count: 3 - s.count) + s }
        let field = Layout.field("\(pad(a))/\(pad(b))", t)
        return repaired ? FieldValue(value: field.value, confidence: min(field.confidence, Self.repairedRtRwCap), box: field.box) : field
    }

    private func snapVocabulary(_ field: String, _ values: [String: [Token]], _ vocabulary: [String], into out: inout Extraction) {
        guard let t = values[field], !t.isEmpty else { return }
        let text = Layout.normalize(t)
        if let s = Vocabulary.snap(text, to: vocabulary, minimum: Self.vocabularySnap) {
            out.fields[field] = Layout.field(s.0, t, confidence: Layout.confidence(t) * s.1)
        } else {
            out.fields[field] = Layout.field(text, t, confidence: Layout.confidence(t) * 0.4)
        }
    }

    /// The place and date of issue under the photo: a date in the photo column and the line above it.
    private func issuePlaceAndDate(_ far: [(row: Int, tokens: [Token])], rows: [TextRow], into out: inout Extraction) {
        let sorted = far.sorted { $0.tokens[0].box.midY < $1.tokens[0].box.midY }
        guard let d = sorted.lastIndex(where: { IndonesianDate.firstDate(in: Layout.normalize($0.tokens)) != nil }) else { return }
        let dateSeg = sorted[d].tokens
        if let date = IndonesianDate.firstDate(in: Layout.normalize(dateSeg)) {
            out.fields["tanggal_terbit"] = Layout.field(date.iso, dateSeg)
        }
        if d > 0 {
            let above = sorted[d - 1].tokens
            let dateBox = Layout.box(dateSeg)!, placeBox = Layout.box(above)!
            let horizontallyTogether = placeBox.maxX > dateBox.x - dateBox.w && placeBox.x < dateBox.maxX + dateBox.w
            if horizontallyTogether, dateBox.y - placeBox.maxY < 3 * dateBox.h {
                let text = Layout.normalize(above)
                if !text.isEmpty, !text.contains(where: \.isNumber) {
                    out.fields["tempat_terbit"] = Layout.field(Self.issuePlace(text), above)
                }
            }
        }
    }

    /// Reads the column under the photo on its own: on the full page, the signature and the
    /// photo's edge often garble the place and date of issue.
    private func photoColumnPass(_ far: [(row: Int, tokens: [Token])], rows: [TextRow], assigned: [String: Assignment],
                                 values: [String: [Token]], valueLeft: Int, ctx: PageContext, into out: inout Extraction) {
        let image = ctx.page.image
        // The values' right edge, not the rows': a row can run on into the photo column's text.
        let valueRight = assigned.compactMap { (f, a) -> Int? in
            f == "jenis_kelamin" || f == "nik" ? nil : (values[f]?.last ?? rows[a.row].tokens.last)?.box.maxX
        }.sorted().last ?? (valueLeft + image.width / 3)
        let farLeft = far.map { $0.tokens[0].box.x }.min()
        let left = max(valueRight + 10, (farLeft ?? valueRight) - 20)
        guard let top = assigned["kel_desa"].map({ rows[$0.row].box.y }) ?? assigned["rt_rw"].map({ rows[$0.row].box.maxY }),
              // Down to the expiry row: the date of issue can sit as low as it.
              let bottom = assigned["berlaku_hingga"].map({ rows[$0.row].box.maxY + rows[$0.row].box.h / 2 })
                ?? assigned["kewarganegaraan"].map({ rows[$0.row].box.maxY + rows[$0.row].box.h }),
              bottom > top, left < image.width - 10 else { return }
        let column = PixelRect(x: left, y: top, w: image.width - left, h: bottom - top)
        // The photo's dark lower part and a dark table past the card's edge would set the
        // threshold for the whole block and wash out the light print between them.
        let minimumHeight = 2 * (rows.map(\.height).sorted().dropFirst(rows.count / 2).first ?? 20)
        let rect = image.cropped(column).map { Self.lightPart($0, minimumHeight: minimumHeight) }
            .map { PixelRect(x: column.x + $0.x, y: column.y + $0.y, w: $0.w, h: $0.h) } ?? column
        let result = ctx.recognize(rect, segmentation: .singleBlock)
        let dated = { (lines: [TextRow]) in lines.lastIndex(where: { IndonesianDate.firstDate(in: Layout.normalize($0.tokens)) != nil }) }
        var lines = Layout.rows(result.words).filter { !$0.tokens.isEmpty }
        // Half a page wide first (what lies further right can garble the place); as wide as the
        // page when that holds no date: the crop can stop a third of a card short of the photo.
        for widthShare in [0.5, 1.0] where dated(lines) == nil {
            guard let beyond = Self.beyondCrop(column, widthShare: widthShare, minimumHeight: minimumHeight, ctx: ctx) else { break }
            lines = Layout.rows(beyond).filter { !$0.tokens.isEmpty }
        }
        guard let d = dated(lines) else { return }
        let dateTokens = lines[d].tokens
        if out.fields["tanggal_terbit"] == nil, let date = IndonesianDate.firstDate(in: Layout.normalize(dateTokens)) {
            out.fields["tanggal_terbit"] = Layout.field(date.iso, dateTokens)
        }
        if out.fields["tempat_terbit"] == nil, d > 0 {
            let above = lines[d - 1].tokens
            let text = Layout.normalize(above)
            if !text.isEmpty, !text.contains(where: \.isNumber), text.count >= 3 {
                out.fields["tempat_terbit"] = Layout.field(Self.issuePlace(text), above)
            }
        }
    }

    /// The words of the photo column where the page is a crop of a photo that stops short of
    /// it (the crop was drawn around the words a first reading found, and the light print under
    /// the photo was not among them): the strip right of `column` read out of the photo itself,
    /// at the page's scale, its words' boxes in page pixels; the strip is `widthShare` of the
    /// page's width wide. Nil when the page is not such a crop.
    static func beyondCrop(_ column: PixelRect, widthShare: Double, minimumHeight: Int, ctx: PageContext) -> [OCRWord]? {
        let page = ctx.page
        guard page.projection == nil, page.unturnedWidth == nil, abs(page.rotationDegrees) < 3, page.scale > 0,
              page.offsetX > 0 || page.offsetY > 0 || page.original.width > Int(Double(page.image.width) / page.scale) + 10 else { return nil }
        let strip = PixelRect(x: column.x, y: column.y, w: max(column.w, Int(Double(page.image.width) * widthShare)), h: column.h)
        let pageRight = page.offsetX + Int(Double(page.image.width) / page.scale)
        guard let r = page.toOriginal(strip).clipped(width: page.original.width, height: page.original.height),
              r.maxX > pageRight + 10, r.w > 20, r.h > 10,
              let scaled = page.original.cropped(r)?.grey()?.scaled(by: page.scale) else { return nil }
        let light = lightPart(scaled, minimumHeight: minimumHeight)
        guard let part = scaled.cropped(light) else { return nil }
        let result = ctx.recognize(on: part, segmentation: .singleBlock)
        guard !result.timedOut else { return nil }
        let dx = Int(Double(r.x - page.offsetX) * page.scale) + light.x
        let dy = Int(Double(r.y - page.offsetY) * page.scale) + light.y
        return result.words.map { w in
            var w = w
            w.box = PixelRect(x: w.box.x + dx, y: w.box.y + dy, w: w.box.w, h: w.box.h)
            return w
        }
    }

    /// The part of a grey block below any dark band across its upper part (the photo) and left
    /// of any dark band down its right side (the table past the card's edge), in the block's
    /// pixels; the whole block when there is none, or when what is left is under
    /// `minimumHeight` pixels high.
    static func lightPart(_ block: Pix, minimumHeight: Int) -> PixelRect {
        let whole = PixelRect(x: 0, y: 0, w: block.width, h: block.height)
        guard block.depth == 8, block.width >= 8, block.height >= 8 else { return whole }
        let w = block.width, h = block.height, bytes = block.greyBytes()
        var colMeans = [Double](repeating: 0, count: w)
        for y in 0..<h { for x in 0..<w { colMeans[x] += Double(bytes[y * w + x]) } }
        colMeans = colMeans.map { $0 / Double(h) }
        /// A band is dark when it sits nearer the darkest line than the paper (90th percentile).
        func darkTest(_ means: [Double]) -> ((Double) -> Bool)? {
            let sorted = means.sorted()
            let paper = sorted[sorted.count * 9 / 10], darkest = sorted[0]
            guard paper - darkest >= 60 else { return nil }
            return { $0 < paper - (paper - darkest) / 2 }
        }
        var rect = whole
        if let dark = darkTest(colMeans), dark(colMeans[w - 1]) {
            var x = w - 1
            while x > w / 3, dark(colMeans[x]) { x -= 1 }
            rect.w = max(1, x - 2)
        }
        let rowMeans = (0..<h).map { y in Double(bytes[(y * w)..<(y * w + rect.w)].reduce(0) { $0 + Int($1) }) / Double(rect.w) }
        if let dark = darkTest(rowMeans), let last = rowMeans.prefix(h * 2 / 3).lastIndex(where: dark) {
            let y = min(h - 1, last + 3)
            if h - y >= minimumHeight { rect.y = y; rect.h = h - y }
        }
        return rect
    }

    private func snapRegions(_ values: [String: [Token]], ctx: PageContext, into out: inout Extraction) {
        let w = ctx.models.wilayah
        // The address's district is found within the card's regency when known, else the NIK's.
        let regency: String? = {
            if let kab = out.fields["kabupaten_kota"]?.value, let prov = out.fields["provinsi"]?.value,
               let p = w.snap(prov, level: .province, minimumScore: 0.9),
               let r = w.snap(kab, level: .regency, within: p.region.code, minimumScore: 0.9) {
                return r.region.code
            }
            if let nik = out.fields["nik"]?.value, nik.count == 16, (out.fields["nik"]?.confidence ?? 0) >= 0.6 {
                return Wilayah.dotted(String(nik.prefix(4)))
            }
            return nil
        }()
        var districtCode: String? = nil
        if let t = values["kecamatan"], !t.isEmpty {
            let text = Layout.normalize(t)
            if let r = regency, let s = w.snap(text, level: .district, within: r, minimumScore: 0.75) {
                districtCode = s.region.code
                out.fields["kecamatan"] = Layout.field(s.region.printedName, t, confidence: Layout.confidence(t) * max(0.8, s.score))
            } else {
                out.fields["kecamatan"] = Layout.field(text, t, confidence: Layout.confidence(t) * 0.7)
            }
        }
        if let t = values["kel_desa"], !t.isEmpty {
            let text = Layout.normalize(t)
            if let d = districtCode, let s = w.snap(text, level: .village, within: d, minimumScore: 0.8) {
                out.fields["kel_desa"] = Layout.field(s.region.printedName, t, confidence: Layout.confidence(t) * max(0.8, s.score))
            } else {
                out.fields["kel_desa"] = Layout.field(text, t, confidence: Layout.confidence(t) * 0.7)
            }
        }
    }

    /// The place of issue is a regency or city (`KAB. PEKALONGAN`, `KOTA SEMARANG`, or a
    /// Jakarta city printed bare), nearly always the card's own; the place of birth is most often
    /// one too. A reading a glyph or two from one of them takes its spelling (`KAB. £ KALONGAN`,
    /// `EMALANG`); any other reading is kept as it is.
    static func snapPlaces(_ fields: inout [String: FieldValue], wilayah w: Wilayah) {
        let province = fields["provinsi"]?.value.flatMap { w.snap($0, level: .province, minimumScore: 0.9)?.region.code }
        if let issued = fields["tempat_terbit"], let text = issued.value {
            var words = text.replacingOccurrences(of: ".", with: ". ").split(separator: " ").map(String.init)
            func prefix(_ word: String) -> String? {
                let k = TextMatch.key(word)
                return k == "KAB" || TextMatch.fuzzyEquals(k, "KABUPATEN") ? "KAB."
                    : k == "KOTA" || (k.count == 4 && TextMatch.fuzzyEquals(k, "KOTA")) ? "KOTA" : nil
            }
            // A speck before the prefix (the photo's edge, read as `Z`) is not part of the place.
            if words.count >= 3, words[0].count <= 2, prefix(words[0]) == nil, prefix(words[1]) != nil { words.removeFirst() }
            let prefix = words.first.flatMap(prefix)
            let rest = (prefix == nil ? words : Array(words.dropFirst())).joined(separator: " ")
            // Stray marks a blurred glyph leaves (`£`, `'`) are not part of any name.
            let bare = Layout.normalize(String(rest.unicodeScalars.map { CharacterSet.alnum.contains($0) || $0 == "-" ? Character($0) : " " }))
            if TextMatch.key(bare).count >= 4,
               let snap = w.snap((prefix == "KOTA" ? "KOTA " : prefix == nil ? "" : "KABUPATEN ") + bare,
                                 level: .regency, within: province, minimumScore: 0.75)
                    ?? w.snap(bare, level: .regency, minimumScore: 0.85),
               prefix == nil || snap.region.isCity == (prefix == "KOTA") {
                let printed = prefix.map { "\($0) \(snap.region.printedName)" } ?? snap.region.printedName
                if printed != text {
                    fields["tempat_terbit"] = FieldValue(value: printed, confidence: issued.confidence * snap.score, box: issued.box)
                }
            }
        }
        if let born = fields["tempat_lahir"], let text = born.value, TextMatch.key(text).count >= 5,
           let snap = w.snap(text, level: .regency, minimumScore: 0.85), snap.score < 1,
           !Wilayah.Level.allCases.contains(where: { w.snap(text, level: $0, minimumScore: 1) != nil }) {
            fields["tempat_lahir"] = FieldValue(value: snap.region.printedName, confidence: born.confidence * snap.score, box: born.box)
        }
    }

    // MARK: - NIK

    /// The row of a NIK printed apart from its label (a label row read with no value): an
    /// unclaimed row right of the label, starting within two label heights above or below it,
    /// that reads as twelve or more digits. Nil when there is none.
    static func nikDigitsApart(_ rows: [TextRow], label: Int, claimed: Set<Int>) -> Int? {
        let box = rows[label].box
        return rows.indices.filter { r in
            guard !claimed.contains(r), let first = rows[r].tokens.first, first.box.x > box.x,
                  abs(rows[r].box.midY - box.midY) <= 2 * box.h else { return false }
            return rows[r].text.filter(\.isNumber).count >= 12
        }.min { abs(rows[$0].box.midY - box.midY) < abs(rows[$1].box.midY - box.midY) }
    }

    /// The NIK field, and the digits the glyph templates alone read (nil when not 16).
    private func readNIK(row: TextRow, valueStart: Int, ctx: PageContext, fields: [String: FieldValue]) -> (FieldValue, String?) {
        let value = Array(row.tokens[min(valueStart, row.tokens.count)...]).filter { !$0.isColon }
        let label = row.tokens[..<min(valueStart, row.tokens.count)]
        let h = row.box.h
        // After the label and its colon; a row read without its label starts at the digits,
        // which keep a little margin (cutting into the first digit loses it).
        let left = label.last.map { $0.box.maxX + h / 3 } ?? max(0, (value.first?.box.x ?? row.box.x) - h / 6)
        var right = (value.last?.box.maxX ?? (left + ctx.page.image.width / 2)) + h
        if let v = value.last, v.box.maxX < left + 8 * h { right = left + 14 * h }
        let rect = PixelRect(x: left, y: row.box.y - h / 3, w: right - left, h: h + 2 * (h / 3))
        guard let crop = ctx.page.image.cropped(rect) else { return (FieldValue(value: nil, confidence: 0), nil) }

        let reader = NIKReader(templates: ctx.models.nikGlyphs, wilayah: ctx.models.wilayah,
                               referenceDate: ctx.models.referenceDate)
        let glyphs = reader.segment(crop)
        let tess = ctx.recognize(on: crop.bordered(10), segmentation: .singleLine, whitelist: "0123456789")
        let birth = fields["tanggal_lahir"].flatMap { f in f.confidence >= 0.6 ? f.value.flatMap(CalendarDate.init(iso:)) : nil }
        let sex = fields["jenis_kelamin"].flatMap { f in f.confidence >= 0.6 ? f.value.flatMap(NIK.Sex.init(printed:)) : nil }
        var decision = reader.decide(glyphs: glyphs, tesseract: tess.text, tesseractConfidence: tess.meanConfidence,
                                     printedBirthDate: birth, printedSex: sex)
        // The page's own reading of the line is a third opinion: in a plain sans or mono face
        // (not OCR-A) it is often the only exact one.
        let pageDigits = value.map(\.text).joined().filter { !":;.,".contains($0) }
        // It does not overrule the templates where they read a valid NIK, telling a digit
        // clearly from every other where the page differs (phone v-ktp-005: templates `...0964`,
        // the line `...0454`, the page `...0954`).
        let templateDigits = String(glyphs.map(\.digit))
        let templatesSure = glyphs.count == 16 && decision.value == templateDigits && decision.confidence >= 0.5
            && zip(templateDigits, pageDigits).enumerated().contains { i, pair in
                pair.0 != pair.1 && glyphs[i].score - glyphs[i].secondScore >= NIKReader.unsureMargin
            }
        if pageDigits.count == 16, pageDigits.allSatisfy(\.isNumber), pageDigits != decision.value, !templatesSure {
            let page = reader.decide(glyphs: [], tesseract: pageDigits, tesseractConfidence: Layout.confidence(value),
                                     printedBirthDate: birth, printedSex: sex)
            if let v = page.value, page.confidence > decision.confidence {
                // A valid reading that the line's own passes did not give: below the rules' trust.
                decision = (v, min(page.confidence, decision.value == nil ? 0.75 : 0.55))
            }
        }
        if decision.value == nil || decision.confidence < 0.5, birth != nil || sex != nil {
            // The printed date may itself be misread: judge the NIK on its own before giving up.
            let alone = reader.decide(glyphs: glyphs, tesseract: tess.text, tesseractConfidence: tess.meanConfidence,
                                      printedBirthDate: nil, printedSex: nil)
            if alone.value != nil && alone.confidence > decision.confidence {
                decision = (alone.value, min(alone.confidence, 0.55))
            }
        }
        if ProcessInfo.processInfo.environment["BERKAS_DEBUG_NIK"] != nil {
            let line = "nik templates=\(String(glyphs.map(\.digit))) scores=\(glyphs.map { String(format: "%.2f/%.2f", $0.score, $0.score - $0.secondScore) }.joined(separator: ",")) "
                + "tesseract=\(tess.text.filter(\.isNumber)) page=\(pageDigits) -> \(decision.value ?? "nil") \(decision.confidence)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        let box: PixelRect
        if let first = glyphs.first, let last = glyphs.last {
            box = PixelRect(x: rect.x + first.box.x, y: rect.y + first.box.y,
                            w: last.box.maxX - first.box.x, h: max(first.box.h, last.box.h))
        } else {
            box = rect
        }
        return (FieldValue(value: decision.value, confidence: (decision.confidence * 1000).rounded() / 1000,
                           box: Box(x: box.x, y: box.y, w: box.w, h: box.h)),
                glyphs.count == 16 ? String(glyphs.map(\.digit)) : nil)
    }
}
