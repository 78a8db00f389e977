import Testing
@testable import Verification

@Suite("Printed vocabularies")
struct VocabularyTests {
    @Test("Given an occupation read without its slash or with one slip, then it takes the register's spelling")
    func occupationSpelling() {
        #expect(Vocabulary.occupation("PELAJAR MAHASISWA") == "PELAJAR/MAHASISWA")
        #expect(Vocabulary.occupation("PELAJAR/MAHASlSWA") == "PELAJAR/MAHASISWA")
        #expect(Vocabulary.occupation("BELUM TIDAK BEKERJA") == "BELUM/TIDAK BEKERJA")
        #expect(Vocabulary.occupation("KARYAWAN SWASTA") == "KARYAWAN SWASTA")
        #expect(Vocabulary.occupation("GURU") == "GURU")
    }

    @Test("Given an occupation the register does not list, or a short one misread, then the reading is kept")
    func occupationKept() {
        #expect(Vocabulary.occupation("BURUH PABRIK") == "BURUH PABRIK")
        #expect(Vocabulary.occupation("GURV") == "GURV")
        #expect(Vocabulary.occupation("PENJAHIT") == "PENJAHIT")
    }

    @Test("Given an address whose abbreviations' full stops were read as commas, then they are full stops again")
    func addressStops() {
        #expect(Layout.address("JL. KARTINI NO, 91") == "JL. KARTINI NO. 91")
        #expect(Layout.address("JL, PATTIMURA NO, 122 GG, 3") == "JL. PATTIMURA NO. 122 GG. 3")
        #expect(Layout.address("DK. SUKOREJO, RT 1") == "DK. SUKOREJO, RT 1")
        #expect(Layout.address("PERUM GRIYA ASRI BLOK G4 NO. 31") == "PERUM GRIYA ASRI BLOK G4 NO. 31")
    }
}
