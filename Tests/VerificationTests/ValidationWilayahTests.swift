import Foundation
import Testing
@testable import Verification

@Suite("Region codes")
struct ValidationWilayahTests {
    @Test("regencies of the Pekalongan branch by code")
    func pekalonganBranch() throws {
        let w = try Wilayah.shared()
        #expect(w.regencyName("33.26") == "KABUPATEN PEKALONGAN")
        #expect(w.regencyName("3375") == "KOTA PEKALONGAN")
        #expect(w.regencyName("33.25") == "KABUPATEN BATANG")
        #expect(w.regencyName("33.27") == "KABUPATEN PEMALANG")
        #expect(w.provinceName("33") == "JAWA TENGAH")
        #expect(w.districtName("33.26.08") == "KAJEN")
        #expect(w.region("33.75")?.isCity == true)
        #expect(w.region("33.26")?.isCity == false)
        #expect(w.region("33.26")?.bareName == "PEKALONGAN")
    }

    @Test("a code asked at the wrong level has no name there")
    func wrongLevel() throws {
        let w = try Wilayah.shared()
        #expect(w.provinceName("33.26") == nil)
        #expect(w.districtName("33.26") == nil)
        #expect(w.villageName("33.26.08.2001") != nil)
    }

    @Test("districts are known in either revision")
    func union() throws {
        let w = try Wilayah.shared()
        #expect(w.isKnownDistrict("330605"))
        #expect(w.isKnownDistrict("33.06.05"))
        #expect(w.isKnownDistrict("920101"))   // only in the 2022 revision (Sorong, before Papua Barat Daya)
        #expect(w.isKnownDistrict("720124"))   // only in the 2025 revision
        #expect(!w.isKnownDistrict("339901"))
        #expect(!w.isKnownDistrict("3326"))     // a regency, not a district
        #expect(!w.isKnownDistrict("33x608"))
    }

    @Test("the 2025 name wins and the 2022 spelling is kept as an alias")
    func names() throws {
        let w = try Wilayah.shared()
        let seribu = try #require(w.region("31.01"))
        #expect(seribu.name == "KABUPATEN ADMINISTRASI KEPULAUAN SERIBU")
        let jakarta = try #require(w.region("31"))
        #expect(jakarta.aliases.contains("DKI JAKARTA"))
        #expect(jakarta.name == "DAERAH KHUSUS IBUKOTA JAKARTA")
    }

    @Test("an OCR'd district name snaps to the official one inside the regency")
    func snapDistrict() throws {
        let w = try Wilayah.shared()
        let snap = try #require(w.snap("KAJEM", level: .district, within: "33.26"))
        #expect(snap.region.name == "KAJEN")
        #expect(snap.region.code == "33.26.08")
        #expect(abs(snap.score - 0.8) < 0.001)
    }

    @Test("regency and province names snap with or without their prefix")
    func snapRegency() throws {
        let w = try Wilayah.shared()
        #expect(w.snap("PEKALONGAM", level: .regency, within: "33")?.region.bareName == "PEKALONGAN")
        #expect(w.snap("KOTA PEKALONGAN", level: .regency, within: "33")?.region.code == "33.75")
        #expect(w.snap("KABUPATEN PEKALONGAN", level: .regency, within: "33")?.region.code == "33.26")
        #expect(w.snap("JAWA TENGAB", level: .province)?.region.name == "JAWA TENGAH")
        #expect(w.snap("DKI JAKARTA", level: .province)?.region.code == "31")
    }

    @Test("a snapped name is printed with its own hyphens, however the reading spelled it")
    func printedNames() throws {
        let w = try Wilayah.shared()
        for reading in ["LAWE SIGALA GALA", "LAWE SIGALA-GALA", "LAWE SlGALA-GALA"] {
            let snap = try #require(w.snap(reading, level: .district, within: "11.02"))
            #expect(snap.region.bareName == "LAWE SIGALA GALA")
            #expect(snap.region.printedName == "LAWE SIGALA-GALA")
        }
        #expect(w.region("72.04")?.printedName == "TOLI-TOLI")
        #expect(w.region("33.26.08")?.printedName == "KAJEN")
    }

    @Test("a name far from every official one is not snapped above the threshold")
    func snapRejects() throws {
        let w = try Wilayah.shared()
        #expect(w.snap("XYZXYZXYZ", level: .district, within: "33.26", minimumScore: 0.7) == nil)
        #expect(w.snap("", level: .district, within: "33.26") == nil)
    }

    @Test("a table loaded afresh from the model directory holds both revisions")
    func freshLoad() throws {
        let dir = try ModelDirectory.require()
        let w = try Wilayah(modelDirectory: dir)
        #expect(w.count > 91_000)
        #expect(try w.regencyName("33.26") == Wilayah.shared().regencyName("33.26"))
        #expect(w.isKnownDistrict("33.26.08"))
    }

    @Test("a missing or malformed file is an error, not an empty table")
    func badFiles() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("wilayah-\(UUID().uuidString).csv")
        try "kode,nama\n33.26 Pekalongan\n".write(to: tmp, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tmp) }
        #expect(throws: WilayahError.self) { try Wilayah(files: [tmp]) }
        #expect(throws: WilayahError.self) { try Wilayah(files: [tmp.appendingPathExtension("absent")]) }
    }
}
