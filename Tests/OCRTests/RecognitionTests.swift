import Foundation
import Testing
@testable import OCR

@Suite("Recognition")
struct RecognitionTests {
    func preparedCard() throws -> PreparedPage {
        let scan = try ScanLoader().load(file: fixture("formats/ktp.png"))
        return try #require(Preprocessor().prepare(scan.pages[0]))
    }

    func truth() throws -> [String: String?] {
        let data = try Data(contentsOf: fixture("formats/ktp.json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (json["fields"] as! [String: Any]).mapValues { $0 as? String }
    }

    @Test("Given a clean card, when recognised, then the printed words are read and their boxes sit where they are printed")
    func readsKnownText() async throws {
        let page = try preparedCard()
        let image = page.image
        let result = try await sharedPool.withEngine { engine in
            engine.recognize(RecognitionRequest(image: image, segmentation: .auto))
        }
        #expect(!result.timedOut)
        let words = result.words.map { $0.text.uppercased() }
        let name = try #require(try truth()["nama"] ?? nil)
        for part in name.split(separator: " ") {
            #expect(words.contains(String(part)), "name part \(part) not read")
        }
        let provinsi = try #require(result.words.first { $0.text.uppercased() == "PROVINSI" })
        // The header is centred at the top of the card.
        #expect(provinsi.box.maxY < image.height / 6)
        #expect(provinsi.box.x > image.width / 5 && provinsi.box.x < image.width / 2)
        #expect(provinsi.confidence > 0.8)
        let nama = try #require(result.words.first { $0.text.uppercased().hasPrefix("NAMA") })
        // The label column is at the left edge.
        #expect(nama.box.x < image.width / 10)
        #expect(nama.box.y > provinsi.box.maxY)
    }

    @Test("Given a rectangle and a digits whitelist, when recognised, then only digits inside it are read")
    func rectangleAndWhitelist() async throws {
        let page = try preparedCard()
        let image = page.image
        let full = try await sharedPool.withEngine { $0.recognize(RecognitionRequest(image: image)) }
        let nama = try #require(full.words.first { $0.text.uppercased().hasPrefix("NAMA") })
        // The band above the Nama row holds the NIK.
        let band = PixelRect(x: 0, y: max(0, nama.box.y - 3 * nama.box.h), w: image.width, h: 3 * nama.box.h)
        let digits = try await sharedPool.withEngine {
            $0.recognize(RecognitionRequest(image: image, rect: band, segmentation: .sparseText, whitelist: "0123456789"))
        }
        #expect(!digits.words.isEmpty)
        for w in digits.words {
            let allDigits = w.text.allSatisfy { $0.isNumber }
            #expect(allDigits, "\(w.text)")
            #expect(w.box.y >= band.y - 2 && w.box.maxY <= band.maxY + 2)
        }
    }

    @Test("Given a large page and a 1 ms deadline, when recognised, then recognition stops early and says so")
    func deadline() async throws {
        let scan = try ScanLoader().load(file: fixture("corpus/clean/kk-001.png"))
        let big = try #require(scan.pages[0].grey()?.scaled(by: 1.5))
        let stopped = try await sharedPool.withEngine {
            $0.recognize(RecognitionRequest(image: big, segmentation: .auto, deadlineMs: 1))
        }
        #expect(stopped.timedOut)
        let full = try await sharedPool.withEngine {
            $0.recognize(RecognitionRequest(image: big, segmentation: .auto))
        }
        #expect(!full.timedOut)
        #expect(stopped.words.count < full.words.count / 2)
    }

    @Test("Given more requests than engines, when run together, then every one completes with the same result")
    func poolSharesEngines() async throws {
        let page = try preparedCard()
        let image = page.image
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    try await sharedPool.withEngine { $0.recognize(RecognitionRequest(image: image)).words.count }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.count == 5)
        #expect(Set(counts).count == 1)
    }

    @Test("Given a tilted office scan, when prepared, then the skew is found")
    func deskew() throws {
        let scan = try ScanLoader().load(file: fixture("corpus/office/letter-001.jpg"))
        let page = try #require(Preprocessor().prepare(scan.pages[0]))
        #expect(page.image.width > 0)
        #expect(page.measurements.sharpness > 0)
    }
}
