import Foundation
import Testing
import Verification

/// Poor phone photos of KTPs (fixtures/corpus/poor): blurred, dim, small, turned. What is read
/// off them must hold up on its own, and nothing read off them may be certain.
@Suite("Poor KTP photos")
struct PoorPhotoTests {
    func read(_ path: String) async throws -> (DocumentResult, TruthFile) {
        (await sharedPrecheck.reader.read(.file(fixtureURL(path))), try truth(of: path))
    }

    @Test("Given the poor KTP photos, when read, then at least 10 of 12 are named KTPs, at least 10 NIKs are exact and no NIK is confidently wrong")
    func niksOfPoorCards() async throws {
        var named = 0, exact = 0
        for path in KTPExtractionTests.cards("poor") {
            let (result, t) = try await read(path)
            if result.kind == .ktp { named += 1 }
            let nik = result.fields["nik"]
            if let nik, nik.value == t.fields["nik"] ?? nil { exact += 1 }
            else { #expect((nik?.confidence ?? 0) < 0.8, "\(path): \(nik?.value ?? "nothing") at \(nik?.confidence ?? 0)") }
        }
        #expect(named >= 10, "\(named) named KTPs")
        #expect(exact >= 10, "\(exact) NIKs exact")
    }

    @Test("Given a blurred photo of a KTP whose NIK holds up and whose labels can be made out when enlarged, when read, then it is read with its exact NIK and no value is certain")
    func poorCardRead() async throws {
        let path = "corpus/poor/ktp-001.jpg"
        let (result, t) = try await read(path)
        #expect(result.kind == .ktp)
        #expect(result.quality.readable)
        #expect(!result.issues.contains { $0.code == .documentUnreadable }, "\(result.issues.map(\.code))")
        #expect(result.value("nik") == t.fields["nik"] ?? nil)
        let exact = t.fields.filter { name, value in value != nil && result.value(name) == value }.keys.sorted()
        #expect(exact.count >= 5, "\(exact)")
        for (name, f) in result.fields { #expect(f.confidence < 0.8, "\(name): \(f.value ?? "-") at \(f.confidence)") }
    }

    @Test("Given a blurred photo of a KTP whose NIK holds up but whose labels cannot be made out, when read, then it stays unreadable and keeps its exact NIK at 0.6 for an officer",
          arguments: ["corpus/poor/ktp-003.jpg", "corpus/poor/ktp-006.jpg"])
    func onlyTheNIK(_ path: String) async throws {
        let (result, t) = try await read(path)
        #expect(result.kind == .ktp)
        #expect(result.issues.contains { $0.code == .documentUnreadable }, "\(result.issues.map(\.code))")
        #expect(!result.quality.readable)
        let nik = try #require(result.fields["nik"], "\(path): no NIK kept")
        #expect(nik.value == t.fields["nik"] ?? nil)
        #expect(nik.confidence == 0.6)
        // Nothing but the NIK is kept from a page too poor to read.
        #expect(result.fields.keys.sorted() == ["nik"])
    }

    @Test("Given a poor photo that no document's cue words name but whose NIK holds up, when read, then it is taken as a KTP at 0.45, below the rules' kind_min, so an officer confirms it")
    func unknownTakenAsKTP() async throws {
        let path = "corpus/poor/ktp-007.jpg"
        let (result, t) = try await read(path)
        #expect(result.kind == .ktp)
        #expect(result.kindConfidence == 0.45)
        #expect(result.kindConfidence < sharedPrecheck.models.rules.confidence.kindMin)
        #expect(result.value("nik") == t.fields["nik"] ?? nil)
        #expect((result.fields["nik"]?.confidence ?? 1) < 0.8)
    }

    @Test("Given photos that are no document (a selfie, a driving licence, a blank page), when read, then they stay unknown",
          arguments: ["poor", "phone"].flatMap { level in ["other-001.jpg", "other-002.jpg", "other-003.jpg"].map { "corpus/\(level)/\($0)" } })
    func nonDocumentsStayUnknown(_ path: String) async throws {
        let (result, _) = try await read(path)
        #expect(result.kind == .unknown, "\(path) read as \(result.kind.rawValue)")
        #expect(result.fields.isEmpty)
    }

    @Test("Given poor photos whose printed birth date was misread, when read, then a date the valid NIK contradicts keeps at most 0.55 confidence",
          arguments: ["corpus/poor/ktp-005.jpg", "corpus/poor/ktp-009.jpg"])
    func contradictedBirthDate(_ path: String) async throws {
        let (result, t) = try await read(path)
        let nik = try #require(result.value("nik"))
        #expect(nik == t.fields["nik"] ?? nil)
        let date = try #require(result.fields["tanggal_lahir"], "\(path): no birth date read")
        // The NIK's DDMMYY (a woman's day + 40) against the printed YYYY-MM-DD.
        let d = Array(nik), printed = (date.value ?? "").split(separator: "-").map(String.init)
        let fromNIK = [String(d[10...11]), String(d[8...9]), String(format: "%02d", Int(String(d[6...7]))! % 40)]
        let contradicted = printed.count != 3 || [String(printed[0].suffix(2)), printed[1], printed[2]] != fromNIK
        #expect(contradicted, "\(path): the date \(date.value ?? "-") agrees with the NIK; this fixture no longer shows a contradiction")
        #expect(date.value != t.fields["tanggal_lahir"] ?? nil)
        #expect(date.confidence <= 0.55, "\(path): \(date.value ?? "-") at \(date.confidence)")
    }

    @Test("Given a poor photo whose name line was read with the birth date in it, when read, then the name keeps at most 0.6 confidence")
    func nameWithDigits() async throws {
        let (result, t) = try await read("corpus/poor/ktp-010.jpg")
        let name = try #require(result.fields["nama"])
        #expect(name.value == t.fields["nama"] ?? nil || name.confidence < 0.8, "\(name.value ?? "-") at \(name.confidence)")
        if name.value?.contains(where: \.isNumber) == true {
            #expect(name.confidence <= 0.6, "\(name.value ?? "-") at \(name.confidence)")
        }
    }

    @Test("Given blurred photos of KKs whose page passes read only noise, when read, then the title at the top of the document still names them KKs, unreadable",
          arguments: ["corpus/poor/kk-002.jpg", "corpus/poor/kk-003.jpg"])
    func poorKKNamedByTitle(_ path: String) async throws {
        let (result, _) = try await read(path)
        #expect(result.kind == .kk)
        #expect(result.issues.contains { $0.code == .documentUnreadable }, "\(result.issues.map(\.code))")
    }
}
