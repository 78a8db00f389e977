/// Every outcome has a stable code (SPEC section 2), with the Indonesian message beside it.
/// Messages tell the claimant what to do; a caller may give a more specific one.
public enum ReasonCode: String, Codable, Sendable, CaseIterable {
    // Documents
    case documentMissing = "document.missing"
    case documentWrongKind = "document.wrong_kind"
    case documentUnreadable = "document.unreadable"
    case documentUnsupported = "document.unsupported"
    case documentTooLarge = "document.too_large"
    case documentLowConfidence = "document.low_confidence"
    case documentTimedOut = "document.timed_out"
    case fieldMissing = "field.missing"
    case fieldLowConfidence = "field.low_confidence"
    // KTP
    case ktpNikInvalid = "ktp.nik_invalid"
    case ktpNikRegionUnknown = "ktp.nik_region_unknown"
    case ktpNikBirthDateMismatch = "ktp.nik_birth_date_mismatch"
    case ktpNikSexMismatch = "ktp.nik_sex_mismatch"
    case ktpNikMismatch = "ktp.nik_mismatch"
    case ktpNameMismatch = "ktp.name_mismatch"
    // KK
    case kkNikInvalid = "kk.nik_invalid"
    case kkClaimantNotListed = "kk.claimant_not_listed"
    // Employer letter
    case letterNameMismatch = "letter.name_mismatch"
    case letterNikMismatch = "letter.nik_mismatch"
    case letterEndDateMissing = "letter.end_date_missing"
    case letterWaitingPeriod = "letter.waiting_period"
    case letterReasonMismatch = "letter.reason_mismatch"
    // Claim form
    case claimWhatsappMissing = "claim.whatsapp_missing"
    case claimWhatsappInvalid = "claim.whatsapp_invalid"
    case claimNikInvalid = "claim.nik_invalid"
    case claimDuplicate = "claim.duplicate"
    case claimInvalid = "claim.invalid"

    public var defaultSeverity: Issue.Severity {
        switch self {
        case .ktpNikRegionUnknown, .ktpNikBirthDateMismatch, .ktpNikSexMismatch,
             .fieldLowConfidence, .documentLowConfidence, .documentTimedOut:
            .warning
        default:
            .error
        }
    }

    /// The default message in Bahasa Indonesia.
    public var message: String {
        switch self {
        case .documentMissing:
            "Dokumen belum diunggah: unggah dokumen yang diminta."
        case .documentWrongKind:
            "Dokumen yang diunggah bukan dokumen yang diminta: unggah dokumen yang benar."
        case .documentUnreadable:
            "Foto dokumen tidak terbaca: unggah ulang foto yang tajam, terang, dan tidak terpotong."
        case .documentUnsupported:
            "Berkas tidak dapat dibuka: unggah foto JPG/PNG atau PDF yang tidak dikunci kata sandi."
        case .documentTooLarge:
            "Berkas terlalu besar: unggah foto atau PDF yang lebih kecil."
        case .documentLowConfidence:
            "Sebagian isi dokumen kurang jelas terbaca; petugas akan memeriksanya."
        case .documentTimedOut:
            "Pemeriksaan dokumen melebihi batas waktu; petugas akan memeriksanya."
        case .fieldMissing:
            "Isian wajib pada dokumen tidak ditemukan."
        case .fieldLowConfidence:
            "Isian dokumen kurang jelas terbaca; petugas akan memeriksanya."
        case .ktpNikInvalid:
            "NIK pada KTP tidak sah: pastikan foto KTP jelas dan NIK terbaca seluruhnya."
        case .ktpNikRegionUnknown:
            "Kode wilayah pada NIK tidak dikenal."
        case .ktpNikBirthDateMismatch:
            "Tanggal lahir pada NIK berbeda dengan tanggal lahir yang tercetak di KTP."
        case .ktpNikSexMismatch:
            "Jenis kelamin pada NIK berbeda dengan yang tercetak di KTP."
        case .ktpNikMismatch:
            "NIK pada KTP berbeda dengan NIK pada formulir: periksa NIK yang Anda isi atau unggah KTP Anda sendiri."
        case .ktpNameMismatch:
            "Nama pada KTP berbeda dengan nama pada formulir: isi nama sesuai KTP."
        case .kkNikInvalid:
            "NIK anggota keluarga pada KK tidak sah."
        case .kkClaimantNotListed:
            "Nama/NIK Anda tidak tercantum di Kartu Keluarga: unggah KK terbaru yang mencantumkan Anda."
        case .letterNameMismatch:
            "Nama pada surat keterangan kerja berbeda dengan nama Anda: unggah surat atas nama Anda."
        case .letterNikMismatch:
            "NIK pada surat keterangan kerja berbeda dengan NIK Anda."
        case .letterEndDateMissing:
            "Tanggal berhenti bekerja tidak tercantum di surat keterangan kerja: minta surat yang mencantumkan tanggal berakhirnya hubungan kerja."
        case .letterReasonMismatch:
            "Alasan berhenti bekerja pada surat keterangan kerja berbeda dengan alasan pada formulir; petugas akan memeriksanya."
        case .letterWaitingPeriod:
            "Masa tunggu belum terpenuhi: klaim dapat diajukan setelah masa tunggu sejak tanggal berhenti bekerja."
        case .claimWhatsappMissing:
            "Nomor WhatsApp belum diisi: isi nomor WhatsApp aktif untuk panggilan video."
        case .claimWhatsappInvalid:
            "Nomor WhatsApp tidak sah: isi nomor ponsel Indonesia, misalnya 081234567890."
        case .claimNikInvalid:
            "NIK pada formulir tidak sah: isi 16 digit NIK sesuai KTP."
        case .claimDuplicate:
            "Sudah ada klaim lain yang sedang diproses untuk NIK ini."
        case .claimInvalid:
            "Data formulir klaim tidak lengkap atau tidak sah."
        }
    }
}
