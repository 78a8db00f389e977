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
}
