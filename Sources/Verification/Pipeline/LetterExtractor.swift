import OCR

/// Reads an employer letter (surat keterangan kerja, paklaring, PHK letter).
struct LetterExtractor: FieldExtractor {
    func extract(_ context: PageContext) -> Extraction { Extraction() }
}
