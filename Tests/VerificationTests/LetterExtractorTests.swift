import Foundation
import Testing
@testable import Verification

@Suite("Employer letter extraction on the fixture corpus", .serialized)
struct LetterExtractorTests {
    static func documents(level: String) -> [(URL, TruthFile)] {
        let dir = KKFixtures.corpus.appendingPathComponent(level)
        return ((try? CorpusEvaluation.truthFiles(in: dir)) ?? []).filter { $0.1.kind == .employerLetter }
    }

    @Test("letter fields", arguments: [("clean", 0.95), ("office", 0.95)])
    func level(_ args: (String, Double)) async throws {
        try await check(args)
    }

    /// Phone photos of letters: the target, 90% of fields exact.
    @Test("letter fields on phone photos (target 90%)")
    func phone() async throws {
        try await check(("phone", 0.9))
    }

    func check(_ args: (String, Double)) async throws {
        let (level, share) = args
        let docs = Self.documents(level: level)
        try #require(!docs.isEmpty)
        try #require(KKFixtures.precheck != nil, "models not found: run from the package root")
        var total = 0, exact = 0
        var misses: [String] = []
        for (url, truth) in docs {
            let result = try #require(await KKFixtures.read(url))
            #expect(result.kind == .employerLetter, "\(url.lastPathComponent) read as \(result.kind)")
            for (name, value) in truth.fields {
                total += 1
                let got = result.fields[name]?.value
                if let value {
                    if CorpusEvaluation.same(got, value) { exact += 1 } else { misses.append("\(url.lastPathComponent) \(name): \(got ?? "nil") != \(value)") }
                } else if got == nil || got!.isEmpty {
                    exact += 1
                } else {
                    misses.append("\(url.lastPathComponent) \(name): \(got!) where the letter has none")
                }
            }
        }
        #expect(Double(exact) >= share * Double(total), "\(level): \(exact)/\(total): \(misses)")
    }

    /// A signer block names the signer first: the employee is the `Nama` after `menerangkan bahwa`.
    @Test("employee, not the signer of a signer block")
    func signerBlock() async throws {
        let docs = ["office", "phone"].flatMap { Self.documents(level: $0) }.filter { _, t in
            t.fields["penandatangan"].flatMap { $0 } != nil
        }
        try #require(KKFixtures.precheck != nil)
        let url = KKFixtures.corpus.appendingPathComponent("office/letter-001.jpg")
        let truth = try #require(docs.first { $0.0.lastPathComponent == "letter-001.jpg" && $0.0.path.contains("/office/") }?.1)
        let result = try #require(await KKFixtures.read(url))
        #expect(CorpusEvaluation.same(result.fields["nama"]?.value, truth.fields["nama"] ?? nil))
        #expect(!CorpusEvaluation.same(result.fields["nama"]?.value, truth.fields["penandatangan"] ?? nil))
        #expect(CorpusEvaluation.same(result.fields["penandatangan"]?.value, truth.fields["penandatangan"] ?? nil))
    }

    /// A letter without an end date leaves `tanggal_berakhir` absent; one without a reason says `unknown`.
    @Test("absent end date and unknown reason")
    func absentValues() async throws {
        try #require(KKFixtures.precheck != nil)
        let noEnd = try #require(await KKFixtures.read(KKFixtures.corpus.appendingPathComponent("office/letter-002.jpg")))
        #expect(noEnd.fields["tanggal_berakhir"]?.value == nil)
        #expect(noEnd.fields["tanggal_mulai"]?.value == "2019-03-01")
        #expect(noEnd.fields["alasan_berhenti"]?.value == "termination")
        let noReason = try #require(await KKFixtures.read(KKFixtures.corpus.appendingPathComponent("office/letter-004.jpg")))
        #expect(noReason.fields["alasan_berhenti"]?.value == "unknown")
    }
}

/// The end of employment decides the waiting period: a misread start date must not lose it.
@Suite("Letter periods with a misread start")
struct LetterPeriodTests {
    @Test("Given photographed letters whose start day reads as ! or |, when read, then the end date is still read",
          arguments: [("claims/c0015/surat-keterangan.jpg", "2022-04-01"), ("claims/c0025/surat-keterangan.jpg", "2022-01-15")])
    func endDateSurvivesMisreadStart(_ args: (String, String)) async throws {
        let (path, end) = args
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(path)), slot: "employer_letter")
        #expect(result.kind == .employerLetter)
        #expect(result.fields["tanggal_berakhir"]?.value == end)
    }
}

/// A photo's blur garbles the end date (`19 Januan 2021`, `12 Mei 20273`): it is still read,
/// from the one reading the rest of the letter allows, and left to an officer to confirm.
@Suite("Letter periods with a garbled end date")
struct LetterGarbledEndDateTests {
    @Test("Given photographed letters whose end date reads garbled, when read, then the end date is found below trust",
          arguments: [("claims/c0019/surat.jpg", "2021-01-19"), ("claims/c0029/paklaring.jpg", "2023-05-12")])
    func endDateRepaired(_ args: (String, String)) async throws {
        let (path, end) = args
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(path)), slot: "employer_letter")
        #expect(result.kind == .employerLetter)
        let field = try #require(result.fields["tanggal_berakhir"])
        #expect(field.value == end)
        #expect(field.confidence < 0.6)
    }

    @Test("Given a photographed letter whose closing date cannot be read, when read, then the signer under it is still found")
    func signerUnderUnreadableDate() async throws {
        let path = "variety/corpus/v-phone/letter-001.jpg"
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(path)), slot: "employer_letter")
        let signer = try truth(of: path).fields["penandatangan"] ?? nil
        let field = try #require(result.fields["penandatangan"])
        #expect(field.value == signer)
        #expect(field.confidence < 0.8)
    }
}

/// The letter number under the title: a colon read glued to its label (`No.1 91/SKK-SJP/IX/2021`),
/// or the title and number skipped by the page's layout analysis and read again alone.
@Suite("Letter numbers on photos")
struct LetterNumberTests {
    @Test("Given photographed letters whose number was glued to its label or skipped, when read, then the number is read",
          arguments: ["corpus/phone/letter-001.jpg", "corpus/phone/letter-003.jpg"])
    func numberRead(_ path: String) async throws {
        let result = await sharedPrecheck.reader.read(.file(fixtureURL(path)), slot: "employer_letter")
        let number = try truth(of: path).fields["nomor_surat"] ?? nil
        #expect(result.kind == .employerLetter)
        #expect(result.fields["nomor_surat"]?.value == number)
    }

    /// The title skipped on the page is read with its number: the number is not made up from
    /// the letterhead's address (`Jl. Jend. Sudirman No. 184`).
    @Test("Given a photographed letter whose title block was skipped, when read, then no address number is taken for it")
    func addressIsNoNumber() async throws {
        let result = await sharedPrecheck.reader.read(.file(fixtureURL("corpus/phone/letter-003.jpg")), slot: "employer_letter")
        let number = try #require(result.fields["nomor_surat"]?.value)
        #expect(number.contains("/"))
        #expect(!number.hasPrefix("184"))
    }
}
