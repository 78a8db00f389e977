import Foundation
import OCR

/// What an extractor found on a page, in the prepared page's pixel coordinates.
public struct Extraction: Sendable {
    public var fields: [String: FieldValue] = [:]
    public var members: [[String: FieldValue]]? = nil
    public var issues: [Issue] = []
    public init() {}
}

/// Everything an extractor may look at: the prepared pages, the first full-page OCR pass, and
/// the engine for extra passes on regions (a NIK crop, a table cell).
public struct PageContext {
    public let page: PreparedPage
    public let ocr: OCRResult
    public let engine: TesseractEngine
    public let models: ExtractionModels
    /// Further pages (letters run over two pages; a KK photographed front and back).
    public let morePages: [(PreparedPage, OCRResult)]

    public func recognize(_ rect: PixelRect? = nil, on image: Pix? = nil, segmentation: PageSegmentation,
                          whitelist: String? = nil) -> OCRResult {
        engine.recognize(RecognitionRequest(image: image ?? page.image, rect: rect, segmentation: segmentation,
                                            whitelist: whitelist, deadlineMs: models.limits.pageDeadlineMs))
    }
}

/// Reads one kind of document.
public protocol FieldExtractor: Sendable {
    func extract(_ context: PageContext) -> Extraction
}

/// The reading of one scan, as a list of steps:
/// load → normalize → recognize → orient → focus → straighten → level → classify → extract → validate.
public struct DocumentReader: Sendable {
    public let pool: EnginePool
    public let models: ExtractionModels
    public var classifier = DocumentClassifier()

    public init(pool: EnginePool, models: ExtractionModels) {
        self.pool = pool
        self.models = models
    }

    /// Reads a scan. `expected` forces the kind (`verify --kind`); nil classifies.
    /// Never throws: a scan that cannot be read is a result with an issue.
    public func read(_ source: ScanSource, slot: String? = nil, expected: DocumentKind? = nil) async -> DocumentResult {
        let models = self.models
        let classifier = self.classifier
        do {
            return try await pool.withEngine { engine in
                DocumentAnalysis(source: source, slot: slot, expected: expected, models: models,
                                 classifier: classifier, engine: engine).run()
            }
        } catch {
            var result = DocumentResult(file: source.displayName)
            result.issues = [Issue(.documentUnreadable, document: slot,
                                   message: "\(ReasonCode.documentUnreadable.message) (\(error))")]
            return result
        }
    }
}

/// One scan's trip through the steps, on an engine's thread.
struct DocumentAnalysis {
    let source: ScanSource
    let slot: String?
    let expected: DocumentKind?
    let models: ExtractionModels
    let classifier: DocumentClassifier
    let engine: TesseractEngine

    /// Most pages recognised per document (a letter's second page; the rest is not read).
    static let maxRecognisedPages = 3

    func run() -> DocumentResult {
        var result = DocumentResult(file: source.displayName)
        var clock = StepClock()

        // load
        let scan: LoadedScan
        do {
            let loader = ScanLoader(limits: models.limits)
            switch source {
            case .file(let url): scan = try loader.load(file: url)
            case .data(let data, _): scan = try loader.load(data: data)
            }
        } catch let error as ScanError {
            result.issues = [Self.issue(for: error, slot: slot)]
            result.timingMs = clock.finish()
            return result
        } catch {
            result.issues = [Issue(.documentUnsupported, document: slot)]
            return result
        }
        clock.lap("load")

        // normalize
        let preprocessor = Preprocessor()
        let pages = scan.pages.prefix(Self.maxRecognisedPages).compactMap { preprocessor.prepare($0) }
        guard let firstPage = pages.first else {
            result.issues = [Issue(.documentUnreadable, document: slot)]
            return result
        }
        clock.lap("normalize")

        // recognize
        let confidentWords = Self.confidentWordCount
        let deadline = models.limits.pageDeadlineMs
        let engine = self.engine
        // Further passes only while the reading has cost less than a quarter of the deadline,
        // so a pathological page costs about one deadline, not one per attempt (a card-shaped
        // photo whose straightened reading is not taken gets a second quarter for the rest).
        // Counted in this thread's CPU time, so what is read does not depend on how busy the
        // machine is (the engine and its OpenMP work run on this one thread).
        var ocrStart = Self.threadCPUTimeNs()
        let budgetNs = UInt64(max(1, deadline / 4)) * 1_000_000
        let withinBudget = { Self.threadCPUTimeNs() &- ocrStart < budgetNs }
        // Tesseract's page layout analysis can take a photographed card's dark border and
        // shading for a picture and read almost nothing; one uniform block then reads it all.
        // A reading of the page's layout may take the whole deadline (a KK straightened to 3200
        // pixels takes 5-7 s); a fallback or check, a quarter of it: on a page of noise (a dark,
        // blurred photo whose text layout analysis cannot find) one uniform block reads
        // thousands of specks as words for as long as it is let.
        let furtherDeadline = Self.furtherPassDeadline(pageDeadlineMs: deadline)
        func recognizePage(_ image: Pix) -> OCRResult {
            let auto = engine.recognize(RecognitionRequest(image: image, segmentation: .auto, deadlineMs: deadline))
            guard confidentWords(auto) < 25, !auto.timedOut, withinBudget() else { return auto }
            let block = engine.recognize(RecognitionRequest(image: image, segmentation: .singleBlock, deadlineMs: furtherDeadline))
            Self.trace("single block: \(confidentWords(block)) confident words against \(confidentWords(auto))\(block.timedOut ? ", stopped at its deadline" : "")")
            return Self.takesFallback(block, over: auto) ? block : auto
        }
        var first = firstPage
        // A blank page (a stray dot, a page number) is not read at all: background
        // normalisation would turn its paper grain into thousands of "words" for seconds.
        let blankPage = firstPage.measurements.inkShare < 0.002 && firstPage.measurements.brightness > 170
        let empty = OCRResult(words: [], meanConfidence: 0, timedOut: false, milliseconds: 0)
        // orient: a document photographed sideways is turned upright. Tesseract reads sideways
        // lines as columns of tall words, which the extractors cannot use.
        var quarterTurns = 0
        func turnUpright(_ page: PreparedPage, _ reading: OCRResult) -> (PreparedPage, OCRResult, Int)? {
            guard Self.sidewaysShare(reading) >= 0.6 else { return nil }
            // Text turned either way looks the same from its boxes: the way that reads is the way.
            for turn in [3, 1] where withinBudget() {
                guard let turned = page.turned(quarterTurns: turn) else { continue }
                let again = recognizePage(turned.image)
                if Self.sidewaysShare(again) < 0.3, again.meanConfidence >= reading.meanConfidence - 0.05,
                   confidentWords(again) * 10 >= confidentWords(reading) * 9 {
                    return (turned, again, turn)
                }
            }
            return nil
        }
        // Measured before anything is read (a 320-pixel working copy): where the document lies.
        let (documentRegion, documentQuad) = blankPage ? (nil, nil) : DocumentLocator.locate(firstPage.original)
        let located = first
        if ProcessInfo.processInfo.environment["BERKAS_TRACE_OCR"] != nil {
            let corners = documentQuad.map { $0.corners.map { "(\(Int($0.0)),\(Int($0.1)))" }.joined(separator: " ") } ?? "none"
            FileHandle.standardError.write(Data("locate region=\(documentRegion.map { "\($0.x),\($0.y) \($0.w)x\($0.h)" } ?? "none") quad=\(corners)\n".utf8))
        }
        /// The document straightened out of the photo along its outline, at a size where text
        /// `textHeight` pixels high on the first prepared page is about 30 pixels high
        /// (Tesseract's best), within 1600-3200 pixels on the long side.
        func straightened(_ quad: Quad, textHeight: Double?) -> PreparedPage? {
            preprocessor.rectify(firstPage.original, quad: quad,
                                 minimumLongSide: Self.straightenedLongSide(quad, firstPage: firstPage, textHeight: textHeight))
        }
        // A card photographed on a table (an outline of a KTP's proportions) is read straightened
        // first: when that reads as a whole KTP, the photo's own passes (the whole photo, the
        // crops) are not needed. Other documents' photos are weighed pass against pass below.
        var straightFirst: (page: PreparedPage, ocr: OCRResult, turns: Int)? = nil
        var straightTried: (page: PreparedPage, ocr: OCRResult)? = nil
        if let quad = documentQuad, Self.cardShaped(quad), Self.clearOfFrame(quad, width: firstPage.original.width, height: firstPage.original.height),
           let straight = straightened(quad, textHeight: nil) {
            var page = straight, reading = recognizePage(straight.image), turns = 0
            if let (upright, again, turn) = turnUpright(page, reading) { (page, reading, turns) = (upright, again, turn) }
            let cues = classifier.cueHits(words: reading.words, minimumWordConfidence: 0.6)[.ktp]?.count ?? 0
            Self.trace("straightened first: \(confidentWords(reading)) confident words, \(cues) KTP cues")
            if turns == 0 { straightTried = (page, reading) }
            // Its lines must run level: an outline a corner off leaves the label column sloping
            // away from the values, and rows then pair labels with their neighbours' values.
            let level = Self.textSkew(reading).map { abs($0) < 1 } ?? false
            if cues >= Self.wholeCardCues, confidentWords(reading) >= 40, level, Self.sidewaysShare(reading) < 0.3 {
                straightFirst = (page, reading, turns)
            } else {
                // Not taken: the photo's own passes get the whole budget, as when nothing was
                // tried first (the straightened reading is still weighed against them).
                ocrStart = Self.threadCPUTimeNs()
            }
        }
        var ocr = empty
        if let s = straightFirst {
            first = s.page
            ocr = s.ocr
            quarterTurns = s.turns
        } else if !blankPage {
            ocr = recognizePage(first.image)
            if withinBudget(), let (turned, again, turn) = turnUpright(first, ocr) {
                first = turned
                ocr = again
                quarterTurns = turn
            }
        }
        // focus: a document that fills little of a photo is cropped and read again, larger: where
        // the words are, or, when too few words were read, the bright region of the photo.
        var attempts: [(PixelRect, Int)] = []
        if straightFirst == nil {
            // Widened over a skipped label column on a scan, or on a photographed card; not on a
            // photographed page (a letter's crop around its words reads best as it is).
            let overInk = documentRegion == nil || documentQuad.map(Self.cardShaped) == true
            if let region = Self.textRegion(ocr, page: first, overInk: overInk, within: documentRegion) { attempts.append((region, 1600)) }
            if let region = documentRegion { attempts += [(region, 1600), (region, 2600)] }
        }
        Self.trace("page: \(confidentWords(ocr)) confident words, median height \(Self.medianTextHeight(ocr) ?? 0)")
        for (i, (region, size)) in attempts.enumerated() where !blankPage && withinBudget() && (i == 0 || confidentWords(ocr) < 25) {
            // A crop read at about the page's own scale reads the same pixels again (the text of
            // a scanned letter fills most of its page): only a clear enlargement can read more.
            if i == 0, confidentWords(ocr) >= 25,
               Preprocessor.scaleFactor(longSide: max(region.w, region.h), minimumLongSide: size)
                < first.scale * (documentRegion == nil ? Self.scanFocusEnlargement : Self.photoFocusEnlargement) { continue }
            guard let focused = preprocessor.prepare(first.original, region: region, minimumLongSide: size)?
                .turned(quarterTurns: quarterTurns) else { continue }
            let again = recognizePage(focused.image)
            Self.trace("focus \(i): \(confidentWords(again)) confident words against \(confidentWords(ocr))")
            if confidentWords(again) > confidentWords(ocr) {
                first = focused
                ocr = again
            }
        }
        // rectify: a document turned or seen at an angle in a photo is straightened out and read
        // at a size where its text is about 30 pixels high (Tesseract's best).
        if straightFirst == nil, !blankPage, let quad = documentQuad,
           let (straight, again) = { () -> (PreparedPage, OCRResult)? in
               let textHeight = Self.medianTextHeight(ocr).map { Double($0) / first.scale * firstPage.scale }
               // The same straightening already read first is not read again.
               if quarterTurns == 0, let tried = straightTried,
                  Self.straightenedLongSide(quad, firstPage: firstPage, textHeight: textHeight) == Self.straightenedLongSide(quad, firstPage: firstPage, textHeight: nil) {
                   return tried
               }
               guard withinBudget(), let straight = straightened(quad, textHeight: textHeight)?.turned(quarterTurns: quarterTurns) else { return nil }
               return (straight, recognizePage(straight.image))
           }() {
            // Where the text already runs level, straightening must be clearly better to be
            // taken (a table's rows are easily merged by a slight re-sampling).
            // Lines whose slopes disagree (a page seen in perspective) are not known to be level.
            let level = Self.textSkew(ocr).map { abs($0) < 1 } ?? false
            Self.trace("straightened: \(confidentWords(again)) confident words against \(confidentWords(ocr)), level \(level)")
            if confidentWords(again) * 10 >= confidentWords(ocr) * (level ? 11 : 9) {
                first = straight
                ocr = again
            }
        }
        // deskew: Leptonica's projection search misses the skew of a card whose background is
        // full of guilloche lines; the slope of the lines Tesseract read does not.
        if let skew = Self.textSkew(ocr), abs(skew) >= 0.6, let turned = first.rotated(by: -skew) {
            let card = (classifier.cueHits(words: ocr.words, minimumWordConfidence: 0.6)[.ktp]?.count ?? 0) >= Self.wholeCardCues
            if card, documentQuad == nil, abs(skew) <= Self.levelledWithoutRereading {
                // A slight slope: the words already read turn with the page, boxes and all; Tesseract
                // reads lines this little sloped as well as level ones, so a second reading would
                // cost a full pass for the same words.
                ocr = Self.turnedReading(ocr, degrees: -skew, width: first.image.width, height: first.image.height)
                first = turned
                Self.trace("levelled by \(-skew) degrees without a second reading")
            } else if withinBudget() {
                let again = recognizePage(turned.image)
                if confidentWords(again) * 10 >= confidentWords(ocr) * 9 {
                    first = turned
                    ocr = again
                }
            }
        }
        var sharpened = false
        // sharpen: a blurred photo still read poorly is read again with its edges steepened
        // (unsharp masking), kept when it reads more words with confidence.
        if !blankPage, withinBudget(), confidentWords(ocr) < 25,
           let sharp = first.image.sharpened(halfwidth: 6, fract: 0.8) {
            let again = recognizePage(sharp)
            if confidentWords(again) >= max(confidentWords(ocr) + 5, confidentWords(ocr) * 6 / 5) {
                first.image = sharp
                ocr = again
                sharpened = true
            }
        }
        // upside down: a reading still poor after all that, or in which no document's title or
        // labels can be made out, is tried the other way up (upside-down text reads as noise of
        // low confidence); the turn is kept when it reads clearly better.
        let illegible = { classifier.classify(words: ocr.words, width: first.image.width, height: first.image.height).kind == .unknown }
        if !blankPage, withinBudget(), confidentWords(ocr) < 25 || illegible(),
           let turned = first.turned(quarterTurns: 2) {
            // Page layout analysis alone: text the right way up reads at once.
            let again = engine.recognize(RecognitionRequest(image: turned.image, segmentation: .auto, deadlineMs: furtherDeadline))
            if again.meanConfidence >= ocr.meanConfidence + 0.15,
               confidentWords(again) >= max(10, confidentWords(ocr) * 11 / 10) {
                first = turned
                ocr = again
                quarterTurns = (quarterTurns + 2) % 4
                // Noise turned over can come out as sideways lines.
                if let (upright, reading, turn) = turnUpright(first, ocr) {
                    first = upright
                    ocr = reading
                    quarterTurns = (quarterTurns + turn) % 4
                }
            }
        }
        var more: [(PreparedPage, OCRResult)] = []
        for p in pages.dropFirst() {
            more.append((p, engine.recognize(RecognitionRequest(image: p.image, segmentation: .auto,
                                                                deadlineMs: models.limits.pageDeadlineMs))))
        }
        clock.lap("ocr")

        // classify
        // The document's own proportions: its outline's where one was found (a card on a table
        // is not the shape of the photo), else the photo's; a sideways photo's width is the
        // document's height.
        let (outlineWidth, outlineHeight): (Int, Int) = {
            if let quad = documentQuad { return (Int(quad.uprightSize.width), Int(quad.uprightSize.height)) }
            if let region = documentRegion { return (region.w, region.h) }
            return (first.original.width, first.original.height)
        }()
        let (docWidth, docHeight) = quarterTurns % 2 == 0 ? (outlineWidth, outlineHeight) : (outlineHeight, outlineWidth)
        let (kind, confidence) = classifier.classify(words: ocr.words, width: docWidth, height: docHeight)
        result.kind = expected ?? kind
        result.kindConfidence = expected == nil ? confidence : (kind == expected ? confidence : 0)
        result.quality = Self.quality(scan: scan, page: first, ocr: ocr, documentFound: documentRegion != nil)
        result.text = ([ocr] + more.map(\.1)).map(\.text).joined(separator: "\n\u{0C}\n")
        clock.lap("classify")

        var earlyExtraction: Extraction? = nil
        if !result.quality.readable {
            // Too poor to read, but often still recognisable by its title and labels: say which
            // document it is (the claimant is asked for a better photo of it, not for another one).
            var (guess, sureness) = classifier.classify(words: ocr.words, width: docWidth, height: docHeight,
                                                        minimumWordConfidence: 0.1)
            // A blurred photo's title, large and bold, often reads alone where the page pass made
            // noise of it (KARTU KELUARGA, SURAT KETERANGAN): the top of the page is read once more.
            if expected == nil, guess == .unknown || sureness < 0.6, !ocr.timedOut, !blankPage {
                // The top of the document where one was found (the table's grain and the rows
                // below would drown the title), read as it was photographed.
                let whole = PixelRect(x: 0, y: 0, w: located.original.width, h: located.original.height)
                let doc = documentRegion ?? whole
                let band = PixelRect(x: doc.x, y: doc.y, w: doc.w, h: max(1, doc.h * 3 / 10))
                if let top = band.clipped(width: whole.w, height: whole.h).flatMap({ located.original.cropped($0) }) {
                    let title = engine.recognize(RecognitionRequest(image: top, segmentation: .singleBlock, deadlineMs: furtherDeadline))
                    let again = classifier.classify(words: ocr.words + title.words, width: docWidth, height: docHeight,
                                                    minimumWordConfidence: 0.1)
                    if again.kind != .unknown, again.confidence >= 0.6 { (guess, sureness) = again }
                }
            }
            result.kind = expected ?? (guess != .unknown && sureness >= 0.6 ? guess : .unknown)
            if expected == nil { result.kindConfidence = result.kind == .unknown ? confidence : (sureness * 0.8 * 100).rounded() / 100 }
            // A photographed KK's ruled table reads as many low-confidence fragments, which pull
            // the page's figures down while its header prints large and clear: a KK whose number
            // and header fields are read with confidence is readable (its member rows are judged
            // by the rules, which take a poorly read page as doubt).
            if result.kind == .kk, !ocr.timedOut {
                let context = PageContext(page: first, ocr: ocr, engine: engine, models: models, morePages: more)
                let kk = KKExtractor().extract(context)
                if ProcessInfo.processInfo.environment["BERKAS_TRACE_OCR"] != nil {
                    let read = kk.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.value ?? "-")@\(($0.value.confidence * 100).rounded() / 100)" }
                    FileHandle.standardError.write(Data("kk header on an unreadable page: \(read.joined(separator: " "))\n".utf8))
                }
                if Self.headerLegible(kk) {
                    result.quality.readable = true
                    earlyExtraction = kk
                }
            }
            // A poor photo of a KTP whose NIK holds up is read after all, or keeps its NIK for an
            // officer; a page no document's cues name is taken as a KTP when such a NIK is on it
            // and no other document's cue words are, at a kind confidence the rules doubt.
            var keptNIK: FieldValue? = nil
            if !result.quality.readable, !ocr.timedOut, expected == nil || expected == .ktp,
               result.kind == .ktp || result.kind == .unknown {
                let context = PageContext(page: first, ocr: ocr, engine: engine, models: models, morePages: more)
                let reading = KTPExtractor().poorCardReading(context)
                let cues = classifier.cueHits(words: ocr.words, minimumWordConfidence: 0.1)
                let otherCues = cues.filter { $0.key != .ktp }.map(\.value.count).reduce(0, +)
                if reading != nil, result.kind == .unknown {
                    if otherCues <= Self.unknownKTPOtherCues {
                        result.kind = .ktp
                        result.kindConfidence = Self.unknownKTPConfidence
                    }
                }
                if result.kind == .ktp {
                    switch reading {
                    case .read(let card)?:
                        result.quality.readable = true
                        earlyExtraction = card
                    case .nikOnly(let nik)?:
                        keptNIK = nik
                    case nil:
                        break
                    }
                }
            }
            if !result.quality.readable {
                if let nik = keptNIK { result.fields["nik"] = Self.toOriginal(nik, page: first, reduction: scan.reduction) }
                result.issues.append(Issue(.documentUnreadable, document: slot))
                result.timingMs = clock.finish()
                return result
            }
        }
        if ocr.timedOut {
            result.issues.append(Issue(.documentLowConfidence, document: slot,
                                       message: "Pembacaan dokumen dihentikan karena melebihi batas waktu; petugas akan memeriksanya."))
        }

        // extract
        let context = PageContext(page: first, ocr: ocr, engine: engine, models: models, morePages: more)
        var extraction = Extraction()
        switch result.kind {
        case _ where earlyExtraction != nil: extraction = earlyExtraction!
        case .ktp: extraction = KTPExtractor().extract(context)
        case .kk: extraction = KKExtractor().extract(context)
        case .employerLetter: extraction = LetterExtractor().extract(context)
        case .unknown: break
        }
        let reduction = scan.reduction
        // A page that had to be sharpened to be read is a poor capture: none of its values is
        // taken as certain (sharpening also makes confident misreadings).
        // So is a page still read poorly after every pass the budget allowed: whether the
        // sharpened pass ran in time must not decide whether its values count as certain.
        let cap = sharpened || confidentWords(ocr) < 25 ? Self.sharpenedConfidenceCap : 1
        let mapped = { (f: FieldValue) -> FieldValue in
            var f = Self.toOriginal(f, page: first, reduction: reduction)
            f.confidence = min(f.confidence, cap)
            return f
        }
        result.fields = extraction.fields.mapValues(mapped)
        result.members = extraction.members?.map { $0.mapValues(mapped) }
        result.issues += extraction.issues
        clock.lap("extract")

        // validate
        result.issues += models.documentChecks(result, slot)
        clock.lap("validate")
        result.timingMs = clock.finish()
        return result
    }

    /// The part of the scan holding the text, in the loaded scan's pixels, when the text fills
    /// clearly less than the page (a card photographed on a table); nil otherwise.
    /// The words' extent with a margin, in the loaded scan's pixels. `overInk` widens it left
    /// over print the words leave out (`widenedOverInk`), though not past `within` (the document's
    /// outline in a photo, whose table's texture would pass for print) where the words' own
    /// extent does not reach.
    static func textRegion(_ ocr: OCRResult, page: PreparedPage, overInk: Bool = false, within: PixelRect? = nil) -> PixelRect? {
        let words = ocr.words.filter { $0.confidence >= 0.4 && $0.text.count >= 2 }
        guard words.count >= 6 else { return nil }
        // Robust extent: drop the outermost 3% of word positions on each side.
        func bounds(_ v: [Int]) -> (Int, Int) {
            let s = v.sorted(); let k = s.count * 3 / 100
            return (s[k], s[s.count - 1 - k])
        }
        let (wordsX0, _) = bounds(words.map(\.box.x)), (_, wordsX1) = bounds(words.map(\.box.maxX))
        let (y0, _) = bounds(words.map(\.box.y)), (_, y1) = bounds(words.map(\.box.maxY))
        var x0 = wordsX0
        let x1 = wordsX1
        if overInk {
            let heights = words.map(\.box.h).sorted()
            // Leftwards only: what the words leave out on the right is a KTP's photo column,
            // which the margin keeps (a scan's crop around it alone enlarges the card enough
            // to read it again; one to the photo's edge would not).
            // A few pixels more are the words' own ink, not a column left out.
            let height = heights[heights.count / 2]
            let widened = widenedOverInk(x0: x0, x1: x1, y0: y0, y1: y1, image: page.image, gap: Self.inkGapHeights * height).0
            if x0 - widened >= 3 * height { x0 = widened }
        }
        let w = page.image.width, h = page.image.height
        // Margin: text rarely reaches a card's edge; keep the photo column and header.
        func region(_ x0: Int, _ x1: Int) -> PixelRect? {
            let area = Double((x1 - x0) * (y1 - y0)) / Double(w * h)
            guard area < 0.45, x1 > x0, y1 > y0 else { return nil }
            let mx = (x1 - x0) / 8, my = (y1 - y0) / 6
            return page.toOriginal(PixelRect(x: x0 - mx, y: y0 - my, w: x1 - x0 + 2 * mx, h: y1 - y0 + 2 * my))
        }
        trace("text extent \(wordsX0)..<\(wordsX1), over print \(x0)..<\(x1)")
        guard let plain = region(wordsX0, wordsX1) else { return nil }
        guard x0 != wordsX0, let widened = region(x0, x1) else { return plain }
        guard let within else { return widened }
        let bound = within.union(plain)
        let left = max(widened.x, bound.x), right = min(widened.maxX, bound.maxX)
        return PixelRect(x: left, y: widened.y, w: max(1, right - left), h: widened.h)
    }

    /// The text extent `x0..<x1` widened over dark print that continues it sideways within the
    /// rows `y0..<y1`, up to the first run of `gap` columns without any: a label
    /// column the reading skipped (heavy print on a busy background) stands left of the words
    /// found, and a crop around those words alone would cut it off.
    static func widenedOverInk(x0: Int, x1: Int, y0: Int, y1: Int, image: Pix, gap: Int) -> (Int, Int) {
        guard image.depth == 8, gap > 0 else { return (x0, x1) }
        let w = image.width, h = image.height
        let top = max(0, y0), bottom = min(h, y1)
        guard bottom > top, x0 >= 0, x1 <= w, x1 > x0 else { return (x0, x1) }
        let bytes = image.greyBytes()
        // A column holds print when two of its pixels are dark; the background evened out to
        // white, light patterns and shadows stay above the level.
        var inked = [Bool](repeating: false, count: w)
        for x in 0..<w {
            var dark = 0
            for y in top..<bottom where bytes[y * w + x] < Self.printLevel {
                dark += 1
                if dark >= 2 { inked[x] = true; break }
            }
        }
        func reach(from start: Int, step: Int) -> Int {
            var edge = start, empty = 0, x = start + step
            while x >= 0, x < w, empty <= gap {
                if inked[x] { edge = x; empty = 0 } else { empty += 1 }
                x += step
            }
            return edge
        }
        return (reach(from: x0, step: -1), reach(from: x1 - 1, step: 1) + 1)
    }

    /// The widest run without print, in word heights, that a text extent is widened across:
    /// a KTP's labels can end five word heights short of its values when the colons are lost.
    static let inkGapHeights = 6

    /// The grey level under which a prepared page's pixel is print.
    static let printLevel: UInt8 = 96

    /// A KK's number read as a valid-looking 16 digits with confidence, and more than half of
    /// its other header fields read with confidence: legible enough for an officer to judge.
    static func headerLegible(_ kk: Extraction) -> Bool {
        let header = ["kepala_keluarga", "alamat", "rt_rw", "desa_kelurahan", "kecamatan",
                      "kabupaten_kota", "provinsi", "kode_pos", "tanggal_dikeluarkan"]
        guard let number = kk.fields["no_kk"], let digits = number.value,
              digits.count == 16, digits.allSatisfy(\.isNumber), number.confidence >= 0.8 else { return false }
        let confident = header.filter { (kk.fields[$0]?.confidence ?? 0) >= 0.6 && !(kk.fields[$0]?.value ?? "").isEmpty }
        return confident.count * 2 > header.count
    }

    /// The steepest text slope (degrees) at which a whole KTP's reading off a scan is levelled
    /// by turning the words already read with the page rather than reading the levelled page
    /// again. A letter's or a KK's small print is read again (its lines drift by more than their
    /// height), and so is a photo (a second reading of a blurred card recovers words).
    static let levelledWithoutRereading = 3.0

    /// `ocr` as it stands on its page turned by `degrees` (clockwise positive) about the page's
    /// centre, the page keeping its size (`Pix.rotated(degrees:)`): each word's box keeps its
    /// size around its turned centre, which for slopes of a few degrees is the box Tesseract
    /// would draw.
    static func turnedReading(_ ocr: OCRResult, degrees: Double, width: Int, height: Int) -> OCRResult {
        let t = degrees * .pi / 180, c = cos(t), s = sin(t)
        let cx = Double(width) / 2, cy = Double(height) / 2
        var turned = ocr
        turned.words = ocr.words.map { word in
            var w = word
            let dx = Double(word.box.x) + Double(word.box.w) / 2 - cx
            let dy = Double(word.box.y) + Double(word.box.h) / 2 - cy
            let x = cx + c * dx - s * dy, y = cy + s * dx + c * dy
            w.box = PixelRect(x: Int((x - Double(word.box.w) / 2).rounded()), y: Int((y - Double(word.box.h) / 2).rounded()),
                              w: word.box.w, h: word.box.h)
            return w
        }
        return turned
    }

    /// The deadline of a fallback or check pass (a page read as one uniform block, a page tried
    /// upside down): a quarter of the page's (the share of it the further passes may spend in
    /// all), at least a millisecond.
    static func furtherPassDeadline(pageDeadlineMs: Int) -> Int { max(1, pageDeadlineMs / 4) }

    /// Whether the single-block fallback's reading replaces the layout pass's: it must read more
    /// words with confidence, and must have run to its end (one cut short at its deadline has
    /// read a page of specks, or only part of the page).
    static func takesFallback(_ block: OCRResult, over auto: OCRResult) -> Bool {
        !block.timedOut && confidentWordCount(block) > confidentWordCount(auto)
    }

    /// Words of two characters or more read with confidence 0.6 or more.
    static func confidentWordCount(_ r: OCRResult) -> Int {
        r.words.filter { $0.confidence >= 0.6 && $0.text.count >= 2 }.count
    }

    /// The median height of the words read with confidence, in the page's pixels; nil with none.
    static func medianTextHeight(_ ocr: OCRResult) -> Int? {
        let heights = ocr.words.filter { $0.confidence >= 0.6 && $0.text.count >= 2 }.map(\.box.h).sorted()
        return heights.isEmpty ? nil : heights[heights.count / 2]
    }

    /// The long side a document with outline `quad` is straightened to: where text `textHeight`
    /// pixels high on the first prepared page (30 when unknown) is about 30 pixels high
    /// (Tesseract's best), within 1600-3200 pixels.
    static func straightenedLongSide(_ quad: Quad, firstPage: PreparedPage, textHeight: Double?) -> Int {
        let (w, h) = quad.uprightSize
        let long = max(w, h) * firstPage.scale * min(2.5, max(1, 30 / max(textHeight ?? 30, 1)))
        return min(3200, max(1600, Int(long)))
    }

    /// An outline of an ID card's proportions (85.6 x 54 mm, 1.59:1), lying either way; a KK
    /// (1.41:1) falls outside.
    static func cardShaped(_ quad: Quad) -> Bool {
        let (w, h) = quad.uprightSize
        let aspect = max(w, h) / max(1, min(w, h))
        return aspect >= 1.49 && aspect <= 1.72
    }

    /// Whether every corner of the outline lies inside the photo, clear of its edges: an outline
    /// that runs into the frame was partly guessed.
    static func clearOfFrame(_ quad: Quad, width: Int, height: Int) -> Bool {
        let mx = Double(width) / 50, my = Double(height) / 50
        return quad.corners.allSatisfy { $0.0 > mx && $0.0 < Double(width) - mx && $0.1 > my && $0.1 < Double(height) - my }
    }

    /// KTP cue words (of `DocumentClassifier`'s 18) read with confidence on a whole card: a
    /// card read straightened with fewer is read the other ways too.
    static let wholeCardCues = 15

    /// How much larger a crop of the text must be read than the page it came from to be worth
    /// a second reading when the page already read plainly: on a scan (no document outline in
    /// it) the same print read a little larger reads the same; a photo's blur gains sooner.
    static let scanFocusEnlargement = 1.5
    static let photoFocusEnlargement = 1.2

    static func trace(_ message: @autoclosure () -> String) {
        guard ProcessInfo.processInfo.environment["BERKAS_TRACE_OCR"] != nil else { return }
        FileHandle.standardError.write(Data("\(message())\n".utf8))
    }

    /// The kind confidence of a poor page no cue named, taken as a KTP by its NIK: below the
    /// rules' `kind_min`, so an officer confirms the kind.
    static let unknownKTPConfidence = 0.45
    /// The most cue words of another kind such a page may show.
    static let unknownKTPOtherCues = 1

    /// The highest confidence a value read off a sharpened page keeps: below the 0.8 at which
    /// a value counts as certain.
    static let sharpenedConfidenceCap = 0.79

    /// CPU time the calling thread has used, in nanoseconds.
    static func threadCPUTimeNs() -> UInt64 {
        var t = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0 else { return DispatchTime.now().uptimeNanoseconds }
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// The share of the longer words read as tall, narrow boxes: text running down the page.
    static func sidewaysShare(_ ocr: OCRResult) -> Double {
        let words = ocr.words.filter { $0.text.count >= 4 }
        guard words.count >= 5 else { return 0 }
        return Double(words.filter { $0.box.h > $0.box.w * 3 / 2 }.count) / Double(words.count)
    }

    /// The slope of the text lines in degrees (clockwise positive, as the text runs down to the
    /// right), from the first and last confident words of each long line; nil when the lines
    /// are too few or disagree.
    static func textSkew(_ ocr: OCRResult) -> Double? {
        var angles: [Double] = []
        for line in ocr.lines {
            let words = line.filter { $0.confidence >= 0.5 && $0.text.count >= 2 }
            guard let a = words.first, let b = words.last, a != b else { continue }
            let height = Double(words.map(\.box.h).sorted()[words.count / 2])
            let dx = Double(b.box.x + b.box.w / 2 - (a.box.x + a.box.w / 2))
            guard dx > 4 * height else { continue }
            let dy = Double(b.box.maxY - a.box.maxY)
            angles.append(atan2(dy, dx) * 180 / .pi)
        }
        guard angles.count >= 3 else { return nil }
        let sorted = angles.sorted()
        let median = sorted[sorted.count / 2]
        let agreeing = angles.filter { abs($0 - median) <= 1 }.count
        guard agreeing * 10 >= angles.count * 6 else { return nil }
        return median
    }

    /// A field's box in the file's pixels.
    static func toOriginal(_ f: FieldValue, page: PreparedPage, reduction: Int) -> FieldValue {
        var f = f
        if let b = f.box {
            let r = page.toOriginal(PixelRect(x: b.x, y: b.y, w: b.w, h: b.h))
            f.box = Box(x: r.x * reduction, y: r.y * reduction, w: r.w * reduction, h: r.h * reduction)
        }
        return f
    }

    static func quality(scan: LoadedScan, page: PreparedPage, ocr: OCRResult, documentFound: Bool) -> Quality {
        let m = page.measurements
        let confident = ocr.words.filter { $0.confidence >= 0.6 && $0.text.count >= 2 }
        let mean = ocr.words.isEmpty ? 0 : ocr.meanConfidence
        // Readable: enough words read with confidence. Without words, a bright blank page or a
        // picture with no document in it (a selfie) is readable, just not a document; a dark,
        // flat image or a document-shaped region whose text cannot be read is not.
        let noText = ocr.words.count < 3
        let blank = noText && m.contrast < 12 && m.brightness > 170
        let picture = noText && m.contrast >= 12 && !documentFound
        // A photographed table (a KK) adds many low-confidence fragments of ruled lines to the
        // mean; plenty of confident words still make the page readable.
        let readable = blank || picture || (confident.count >= 8 && mean >= 0.45) || confident.count >= 40
        return Quality(width: page.original.width * scan.reduction, height: page.original.height * scan.reduction, pages: scan.pageCount,
                       sharpness: (m.sharpness * 10).rounded() / 10, brightness: m.brightness.rounded(),
                       contrast: m.contrast.rounded(), skewDegrees: (page.skewDegrees * 100).rounded() / 100,
                       ocrConfidence: (mean * 1000).rounded() / 1000, words: ocr.words.count, readable: readable)
    }

    static func issue(for error: ScanError, slot: String?) -> Issue {
        switch error {
        case .tooLarge:
            Issue(.documentTooLarge, document: slot, message: "\(ReasonCode.documentTooLarge.message) (\(error))")
        case .tooManyPixels, .tooManyPages:
            Issue(.documentUnsupported, document: slot,
                  message: "Berkas terlalu besar untuk diperiksa: unggah foto biasa atau PDF dengan paling banyak beberapa halaman (\(error)).")
        case .tooSmall:
            Issue(.documentUnreadable, document: slot,
                  message: "Foto dokumen terlalu kecil untuk dibaca: unggah foto yang lebih besar dan tajam (\(error)).")
        case .empty:
            Issue(.documentUnsupported, document: slot, message: "Berkas kosong: unggah ulang foto dokumen (\(error)).")
        case .encryptedPDF:
            Issue(.documentUnsupported, document: slot,
                  message: "PDF dikunci kata sandi: unggah PDF tanpa kata sandi atau foto dokumen.")
        case .unsupportedFormat, .unreadableFile:
            Issue(.documentUnsupported, document: slot, message: "\(ReasonCode.documentUnsupported.message) (\(error))")
        case .timedOut:
            Issue(.documentTimedOut, document: slot, message: "\(ReasonCode.documentTimedOut.message) (\(error))")
        case .corrupt, .pdfFailed:
            Issue(.documentUnreadable, document: slot,
                  message: "Berkas rusak atau terpotong dan tidak dapat dibaca: unggah ulang foto dokumen (\(error)).")
        }
    }
}

/// Milliseconds per step.
struct StepClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private let start = DispatchTime.now().uptimeNanoseconds
    private var laps: [String: Double] = [:]

    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps[name] = ((Double(now - last) / 1e6) * 10).rounded() / 10
        last = now
    }

    func finish() -> [String: Double] {
        var out = laps
        out["total"] = ((Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) * 10).rounded() / 10
        return out
    }
}
