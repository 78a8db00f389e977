import Foundation
import OCR
import Testing
@testable import Verification

/// How the reader chooses its passes: what it measures first, what it need not read twice.
@Suite("Reading plan")
struct ReadingPlanTests {
    @Test("Given words read on a page sloping by 2 degrees, when the page is levelled, then each word's box keeps its size and turns with the page about its centre")
    func turnedReadingFollowsThePage() {
        // Given: a line of words 1000 pixels wide sloping down to the right by 2 degrees.
        let width = 1400, height = 900
        let slope = 2.0 * .pi / 180
        let words = (0..<5).map { i -> OCRWord in
            let x = 200 + i * 200, y = 400 + Int((Double(i * 200) * tan(slope)).rounded())
            return OCRWord(text: "W\(i)", confidence: 0.9, box: PixelRect(x: x, y: y, w: 120, h: 30), block: 0, line: 0)
        }
        let reading = OCRResult(words: words, meanConfidence: 0.9, timedOut: false, milliseconds: 0)
        // When: it is turned by -2 degrees, as the page is.
        let level = DocumentAnalysis.turnedReading(reading, degrees: -2, width: width, height: height)
        // Then: the words stand on one level line and keep their sizes; turning back restores them.
        let tops = level.words.map(\.box.y)
        #expect(tops.max()! - tops.min()! <= 1, "\(tops)")
        #expect(level.words.map(\.box.w) == words.map(\.box.w))
        #expect(DocumentAnalysis.textSkew(level).map { abs($0) < 0.2 } ?? true)
        let back = DocumentAnalysis.turnedReading(level, degrees: 2, width: width, height: height)
        for (a, b) in zip(back.words, words) {
            #expect(abs(a.box.x - b.box.x) <= 1 && abs(a.box.y - b.box.y) <= 1, "\(a.box) against \(b.box)")
        }
    }

    @Test("Given document outlines, then only one of an ID card's proportions lying clear of the photo's edges is read straightened first")
    func cardOutlines() {
        let card = Quad(topLeft: (100, 100), topRight: (956, 110), bottomRight: (950, 650), bottomLeft: (96, 640))
        let kk = Quad(topLeft: (100, 100), topRight: (1514, 100), bottomRight: (1514, 1100), bottomLeft: (100, 1100))
        let letter = Quad(topLeft: (100, 100), topRight: (800, 100), bottomRight: (800, 1090), bottomLeft: (100, 1090))
        let upright = Quad(topLeft: (100, 100), topRight: (640, 100), bottomRight: (640, 956), bottomLeft: (100, 956))
        #expect(DocumentAnalysis.cardShaped(card))
        #expect(DocumentAnalysis.cardShaped(upright))
        #expect(!DocumentAnalysis.cardShaped(kk))
        #expect(!DocumentAnalysis.cardShaped(letter))
        #expect(DocumentAnalysis.clearOfFrame(card, width: 1200, height: 900))
        // An outline whose corner is the photo's own corner was partly guessed.
        let intoTheFrame = Quad(topLeft: (4, 4), topRight: (1211, 73), bottomRight: (1298, 770), bottomLeft: (108, 848))
        #expect(!DocumentAnalysis.clearOfFrame(intoTheFrame, width: 1320, height: 878))
    }

    /// Reads `path` on one of the shared engines and counts the recognitions it cost.
    static func recognitions(_ path: String) async throws -> (DocumentResult, Int) {
        let reader = sharedPrecheck.reader
        let models = reader.models, classifier = reader.classifier
        let url = fixtureURL(path)
        return try await reader.pool.withEngine { engine in
            let before = engine.recognitions
            let result = DocumentAnalysis(source: .file(url), slot: nil, expected: nil, models: models,
                                          classifier: classifier, engine: engine).run()
            return (result, engine.recognitions - before)
        }
    }

    @Test("Given a KTP photographed on a table, when read, then it is read straightened first and the photo's own passes are skipped (the card and its NIK: at most 3 recognitions, 6 before)")
    func photoReadStraightenedOnce() async throws {
        let path = "corpus/phone/ktp-003.jpg"
        let (result, passes) = try await Self.recognitions(path)
        let s = CorpusEvaluation.score(result, truth: try truth(of: path))
        #expect(passes <= 3, "\(passes) recognitions")
        #expect(s.fields.values.allSatisfy { $0 }, "wrong \(s.fields.filter { !$0.value }.keys.sorted())")
    }

    @Test("Given a KTP scanned 1.8 degrees askew, when read, then it is levelled without a second reading and its text is not cropped again (the page, its NIK and the second reading of its date of issue: 3 recognitions, 5 before)")
    func scanLevelledWithoutRereading() async throws {
        let path = "corpus/office/ktp-002.jpg"
        let (result, passes) = try await Self.recognitions(path)
        let s = CorpusEvaluation.score(result, truth: try truth(of: path))
        #expect(passes <= 3, "\(passes) recognitions")
        #expect(s.fields.values.allSatisfy { $0 }, "wrong \(s.fields.filter { !$0.value }.keys.sorted())")
    }

    @Test("Given a scanned KTP whose citizenship value the page pass skipped, when read, then the value's cell is read alone and gives WNI")
    func skippedValueCell() async throws {
        let path = "corpus/office/ktp-008.jpg"
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(path)))
        #expect(result.kind == .ktp)
        #expect(result.value("kewarganegaraan") == "WNI", "\(result.value("kewarganegaraan") ?? "nothing")")
        #expect(!result.issues.contains { $0.code == .fieldMissing && $0.field == "kewarganegaraan" })
    }

    @Test("Given phone photos of KTPs on a table, some read straightened first, when read, then every field the old pass order read is still read and no NIK is wrong",
          arguments: ["corpus/phone/ktp-003.jpg", "corpus/phone/ktp-006.jpg", "corpus/phone/ktp-008.jpg", "corpus/phone/ktp-010.jpg"])
    func straightenedFirst(_ path: String) async throws {
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(path)))
        let s = CorpusEvaluation.score(result, truth: try truth(of: path))
        #expect(result.kind == .ktp)
        #expect(s.fields.values.allSatisfy { $0 }, "\(path): wrong \(s.fields.filter { !$0.value }.keys.sorted())")
        #expect(s.confidentlyWrong.isEmpty, "\(path): \(s.confidentlyWrong)")
    }

    @Test("Given a dark, blurred photo whose text layout analysis cannot find, when read with a short deadline, then the specks its fallback passes read are not the page's reading")
    func furtherPassesStopAtTheirShare() async throws {
        let reader = sharedPrecheck.reader
        // 2 s for the page's first reading, 0.5 s for each further one: a uniform block of this
        // page's specks takes seconds.
        let models = { var m = reader.models; m.limits.pageDeadlineMs = 2000; return m }()
        let classifier = reader.classifier
        let url = fixtureURL("corpus/poor/kk-001.jpg")
        let result = try await reader.pool.withEngine { engine in
            DocumentAnalysis(source: .file(url), slot: "kk", expected: nil, models: models, classifier: classifier, engine: engine).run()
        }
        // The specks a cut-short block pass read are not the page's reading.
        #expect(result.quality.words < 50, "\(result.quality.words) words kept")
    }

    @Test("Given a layout pass that read little, then a single-block reading is taken only when it reads more confident words and was not cut short at its deadline")
    func fallbackTakenOnlyWhole() {
        func reading(_ confident: Int, timedOut: Bool = false) -> OCRResult {
            let words = (0..<confident).map { OCRWord(text: "KATA\($0)", confidence: 0.9, box: PixelRect(x: $0 * 60, y: 10, w: 50, h: 20)) }
                + [OCRWord(text: "xx", confidence: 0.2, box: PixelRect(x: 0, y: 50, w: 20, h: 20))]
            return OCRResult(words: words, meanConfidence: 0.8, timedOut: timedOut, milliseconds: 0)
        }
        #expect(DocumentAnalysis.takesFallback(reading(30), over: reading(10)))
        #expect(!DocumentAnalysis.takesFallback(reading(10), over: reading(10)))
        #expect(!DocumentAnalysis.takesFallback(reading(30, timedOut: true), over: reading(10)))
    }

    @Test("Given page deadlines, then a fallback pass may take a quarter of it, never nothing")
    func furtherPassDeadlines() {
        #expect(DocumentAnalysis.furtherPassDeadline(pageDeadlineMs: 20_000) == 5_000)
        #expect(DocumentAnalysis.furtherPassDeadline(pageDeadlineMs: 2_000) == 500)
        #expect(DocumentAnalysis.furtherPassDeadline(pageDeadlineMs: 2) == 1)
    }

    @Test("Given a scanned KK whose page pass read every member row whole, when read, then only its NIK column is read again (the page, the NIK column and the KK number: at most 5 recognitions, 8 before) and every member NIK is exact")
    func kkColumnsReadOnlyWhenNeeded() async throws {
        let path = "corpus/clean/kk-001.png"
        let (result, passes) = try await Self.recognitions(path)
        let truth = try truth(of: path)
        #expect(passes <= 5, "\(passes) recognitions")
        let read = Set((result.members ?? []).compactMap { $0["nik"]?.value })
        let printed = (truth.members ?? []).compactMap { $0["nik"] ?? nil }
        #expect(!printed.isEmpty)
        #expect(printed.allSatisfy { read.contains($0) }, "read \(read.sorted()), printed \(printed)")
    }
}
