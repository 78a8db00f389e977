import OCR

/// Reads a Kartu Keluarga: header fields and one object per member row.
struct KKExtractor: FieldExtractor {
    func extract(_ context: PageContext) -> Extraction { Extraction() }
}
