import Foundation

/// Nomor Induk Kependudukan: 16 digits = province (2) + regency or city (2) + district (2)
/// + birth date DDMMYY (day + 40 for women) + serial (4, not 0000). There is no check digit,
/// so a misread digit is caught only by this structure and by the region codes.
public struct NIK: Sendable, Hashable, CustomStringConvertible {
    public enum Sex: String, Sendable, Hashable, Codable {
        case male = "LAKI-LAKI"
        case female = "PEREMPUAN"

        /// The sex as printed on KTP and KK (`LAKI-LAKI`, `PEREMPUAN`, `LAKI - LAKI`, `L`, `P`).
        public init?(printed: String) {
            let s = printed.uppercased().filter { $0.isLetter }
            switch s {
            case "LAKILAKI", "LAKI", "L", "PRIA": self = .male
            case "PEREMPUAN", "P", "WANITA": self = .female
            default: return nil
            }
        }
    }

    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// Not 16 digits long (the count of characters given).
        case wrongLength(Int)
        /// Holds something other than the digits 0-9.
        case notDigits
        /// Province, regency or district part is `00`, or the province is outside 11-99.
        case invalidRegion
        /// Day (after removing the +40 of women), month or the date itself does not exist.
        case invalidBirthDate
        /// Serial `0000`.
        case zeroSerial

        public var description: String {
            switch self {
            case .wrongLength(let n): "NIK must have 16 digits, has \(n)"
            case .notDigits: "NIK must hold digits only"
            case .invalidRegion: "region part is not a possible region code"
            case .invalidBirthDate: "birth date part is not a real date"
            case .zeroSerial: "serial part is 0000"
            }
        }
    }

    /// The 16 digits.
    public let digits: String
    /// `PP`
    public let provinceCode: String
    /// `PP.KK`
    public let regencyCode: String
    /// `PP.KK.CC`, the district where the NIK was first registered.
    public let regionCode: String
    public let birthDate: CalendarDate
    public let sex: Sex
    /// The last four digits.
    public let serial: String

    public var description: String { digits }

    /// The first six digits without dots, as `Wilayah.isKnownDistrict` takes them.
    public var regionDigits: String { String(digits.prefix(6)) }

    /// Parses a NIK, or lists everything wrong with it.
    ///
    /// YY has no century: the birth year is the latest one ending in YY that is not after
    /// `referenceDate` (so the holder is 0 to 99 years old on that day).
    public static func parse(_ text: String, referenceDate: CalendarDate) -> Result<NIK, NIKProblems> {
        let raw = text.trimmingCharacters(in: .whitespaces)
        var problems: [Problem] = []
        let chars = Array(raw)
        if chars.count != 16 { problems.append(.wrongLength(chars.count)) }
        guard chars.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            problems.append(.notDigits)
            return .failure(NIKProblems(problems))
        }
        guard chars.count == 16 else { return .failure(NIKProblems(problems)) }
        let d = chars.map { Int(String($0))! }
        let pair = { (i: Int) in d[i] * 10 + d[i + 1] }
        let province = pair(0), regency = pair(2), district = pair(4)
        if province < 11 || regency == 0 || district == 0 { problems.append(.invalidRegion) }
        var day = pair(6)
        let month = pair(8), yy = pair(10)
        let sex: Sex = day > 40 ? .female : .male
        if day > 40 { day -= 40 }
        let birth = birthDate(day: day, month: month, yy: yy, referenceDate: referenceDate)
        if birth == nil { problems.append(.invalidBirthDate) }
        if raw.suffix(4) == "0000" { problems.append(.zeroSerial) }
        guard problems.isEmpty, let birth else { return .failure(NIKProblems(problems)) }
        let s = raw
        return .success(NIK(
            digits: s,
            provinceCode: String(s.prefix(2)),
            regencyCode: "\(s.prefix(2)).\(s.dropFirst(2).prefix(2))",
            regionCode: "\(s.prefix(2)).\(s.dropFirst(2).prefix(2)).\(s.dropFirst(4).prefix(2))",
            birthDate: birth, sex: sex, serial: String(s.suffix(4))))
    }

    /// The NIK if valid, else nil.
    public init?(_ text: String, referenceDate: CalendarDate) {
        guard case .success(let nik) = NIK.parse(text, referenceDate: referenceDate) else { return nil }
        self = nik
    }

    private init(digits: String, provinceCode: String, regencyCode: String, regionCode: String,
                 birthDate: CalendarDate, sex: Sex, serial: String) {
        self.digits = digits; self.provinceCode = provinceCode; self.regencyCode = regencyCode
        self.regionCode = regionCode; self.birthDate = birthDate; self.sex = sex; self.serial = serial
    }

    private static func birthDate(day: Int, month: Int, yy: Int, referenceDate: CalendarDate) -> CalendarDate? {
        let century = referenceDate.year / 100 * 100
        // Latest year ending in yy not after the reference date; the earlier century when the date
        // does not exist in the later one (29-02-00 is a real day in 2000 but not in 1900).
        for year in [century + yy, century + yy - 100, century + yy - 200] {
            guard let date = CalendarDate(year: year, month: month, day: day) else { continue }
            if date <= referenceDate && referenceDate.year - year <= 100 { return date }
        }
        return nil
    }

    // MARK: - Repair of OCR output

    /// Glyphs OCR reads in place of a digit.
    public static let confusions: [Character: Character] = [
        "O": "0", "o": "0", "D": "0", "Q": "0",
        "I": "1", "l": "1", "|": "1", "!": "1", "i": "1",
        "Z": "2", "z": "2",
        "B": "8",
        "S": "5", "s": "5",
        "b": "6", "G": "6",
        "?": "7", "T": "7",
        "g": "9", "q": "9",
    ]

    /// NIKs that an OCR reading could stand for: confusable glyphs become digits, spaces, dots
    /// and dashes are dropped, a leading `NIK :` label is ignored, and a reading one character
    /// too long gives each one-character deletion. Only candidates that are valid NIKs whose
    /// district is known to `wilayah` are returned; more than one means the reading is ambiguous.
    public static func repairCandidates(raw: String, referenceDate: CalendarDate, wilayah: Wilayah) -> [NIK] {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.uppercased().hasPrefix("NIK") { text = text.dropFirst(3) }
        var mapped: [Character] = []
        for c in text {
            if c.isASCII && c.isNumber {
                mapped.append(c)
            } else if let digit = confusions[c] {
                mapped.append(digit)
            } else if c.isWhitespace || c == "." || c == "-" || c == ":" || c == "," {
                continue
            } else {
                return []
            }
        }
        var strings: [String] = []
        if mapped.count == 16 {
            strings = [String(mapped)]
        } else if mapped.count == 17 {
            for i in mapped.indices {
                var copy = mapped
                copy.remove(at: i)
                strings.append(String(copy))
            }
        }
        var seen = Set<String>()
        var result: [NIK] = []
        for s in strings where seen.insert(s).inserted {
            if let nik = NIK(s, referenceDate: referenceDate), wilayah.isKnownDistrict(nik.regionDigits) {
                result.append(nik)
            }
        }
        return result
    }

    /// The number of positions at which two 16-digit strings differ, or nil when lengths differ.
    public static func digitDifference(_ a: String, _ b: String) -> Int? {
        let x = Array(a), y = Array(b)
        guard x.count == y.count else { return nil }
        return zip(x, y).filter { $0 != $1 }.count
    }
}

/// Everything wrong with a NIK string.
public struct NIKProblems: Error, Sendable, Hashable {
    public var problems: [NIK.Problem]
    public init(_ problems: [NIK.Problem]) { self.problems = problems }
}
