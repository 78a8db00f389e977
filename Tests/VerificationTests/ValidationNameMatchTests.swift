import Testing
@testable import Verification

@Suite("Name matching")
struct ValidationNameMatchTests {
    @Test("titles, degrees, case and punctuation do not make a name different", arguments: [
        ("Rina Marlina", "RINA MARLINA"),
        ("RINA MARLINA", "RINA  MARLINA,"),
        ("RINA MARLINA", "RINA MARLINA, S.E."),
        ("RINA MARLINA", "RINA MARLINA, S.Kom"),
        ("RINA MARLINA", "Hj. RINA MARLINA, S.Pd"),
        ("AHMAD FAUZI", "H. AHMAD FAUZI"),
        ("AHMAD FAUZI", "IR. AHMAD FAUZI"),
        ("AHMAD FAUZI", "DRS. AHMAD FAUZI A.Md"),
        ("SITI NUR'AINI", "SITI NURAINI"),
        ("AHMAD FAUZI", "AHMAD FAUZI BIN SALEH"),
        ("SITI AMINAH BINTI UMAR", "SITI AMINAH"),
    ])
    func same(form: String, read: String) {
        #expect(NameMatch.compare(form, read).outcome == .same)
    }

    @Test("a misread glyph or a lost space is noise, not another person", arguments: [
        ("RINA MARLINA", "RINA MARL1NA"),
        ("RINA MARLINA", "RlNA MARLINA"),
        ("RINA MARLINA", "RINAMARLINA"),
        ("RINA MARLINA", "RINA MARLlNA "),
        ("RINA MARLINA", "R1NA MARL1NA"),
        ("RINA MARLINA", "RINA MARLINAH"),
        ("MUHAMMAD RIZKI", "MUHAMMAD RIZK1"),
    ])
    func noise(form: String, read: String) {
        #expect(NameMatch.compare(form, read).outcome == .probablySameOCRNoise)
    }

    @Test("another person is different", arguments: [
        ("RINA MARLINA", "SITI AMINAH"),
        ("RINA MARLINA", "DEWI MARLINA"),       // another first name, same surname
        ("RINA MARLINA", "R1NE MARLINA"),       // a misread glyph and another letter in a short first name
        ("RINA MARLINA", "NINA MARTINA"),
        ("RINA MARLINA", "RINA"),
        ("RINA MARLINA", ""),
        ("AHMAD BIN SALEH", "AHMAD BIN UMAR"),   // both carry a patronymic: it is part of the name
    ])
    func different(form: String, read: String) {
        #expect(NameMatch.compare(form, read).outcome == .different)
    }

    @Test("normalised names are upper case without titles")
    func normalise() {
        #expect(NameMatch.normalize("Hj. Rina  Marlina, S.E., M.M.") == "RINA MARLINA")
        #expect(NameMatch.normalize("Drs. Ahmad-Fauzi") == "AHMAD FAUZI")
    }
}
