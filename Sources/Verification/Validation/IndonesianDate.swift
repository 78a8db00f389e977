import Foundation

/// A calendar day without time or zone: what Indonesian documents print and what the rules compare.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil for a day that does not exist (31-02, 29-02 outside leap years, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today in the given time zone (Western Indonesia by default, where the branch is).
    public static func today(in timeZone: TimeZone = TimeZone(identifier: "Asia/Jakarta") ?? .current) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// `YYYY-MM-DD`
    public var iso: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public var description: String { iso }

    public static func < (l: CalendarDate, r: CalendarDate) -> Bool {
        (l.year, l.month, l.day) < (r.year, r.month, r.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 = 28/29 Feb).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12, m = index % 12 + 1
        return CalendarDate(year: y, month: m, day: min(day, CalendarDate.daysIn(month: m, year: y)))!
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(dayNumber: dayNumber + days)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int { other.dayNumber - dayNumber }

    /// Whole years from `self` (a birth date) to `date`.
    public func age(on date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// Days since 1970-01-01 (civil-from-days, Howard Hinnant).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = CalendarDate(iso: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a YYYY-MM-DD date: \(s)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}

/// Dates as printed on KTP, KK and employer letters: `28-04-2020`, `28/04/2020`, `28.04.2020`,
/// `28 April 2020`, `28 Pebruari 2020`, `1 Agt 2015`, `2020-04-28`, tolerant to OCR noise
/// (`28-O4-2020`, spaces around separators).
public enum IndonesianDate {
    /// A date found in a longer text, with where it was printed.
    public struct Match: Sendable, Hashable {
        public var date: CalendarDate
        public var range: Range<String.Index>
        /// Every date the print can stand for, `date` first: more than one only for a
        /// lenient reading of a year with a digit too many.
        public var candidates: [CalendarDate] = []
        /// Read only by a lenient repair (a month name with two misread letters, a year with a
        /// digit too many): a guess to be checked, never certain.
        public var repaired = false
    }

    /// The date that makes up the whole of `text` (surrounding spaces and punctuation allowed), or nil.
    public static func parse(_ text: String) -> CalendarDate? {
        let matches = find(in: text)
        guard matches.count == 1, let m = matches.first else { return nil }
        let ignorable = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters)
        let before = text[text.startIndex..<m.range.lowerBound]
        let after = text[m.range.upperBound..<text.endIndex]
        let onlyPadding = { (s: Substring) in s.unicodeScalars.allSatisfy { ignorable.contains($0) } }
        return onlyPadding(before) && onlyPadding(after) ? m.date : nil
    }

    /// `YYYY-MM-DD` for a printed date, or nil.
    public static func normalize(_ text: String) -> String? { parse(text)?.iso }

    /// The first date in `text`.
    public static func firstDate(in text: String) -> CalendarDate? { find(in: text).first?.date }

    /// Every date in `text`, in reading order. `lenient` also reads the prints a photo's blur
    /// often makes of a written-out date, which need checking against the rest of the document:
    /// a month name with two misread letters (`19 Januan 2021`), a year with a digit too
    /// many (`12 Mei 20273`: every year left by dropping one digit is a candidate) and a day
    /// with its label's colon glued on as a `1` (`117 Feb 2021`).
    public static func find(in text: String, lenient: Bool = false) -> [Match] {
        let tokens = tokenize(text)
        var matches: [Match] = []
        var i = 0
        while i < tokens.count {
            if let (dates, last, repaired) = matchAt(i, tokens, lenient: lenient) {
                matches.append(Match(date: dates[0], range: tokens[i].range.lowerBound..<tokens[last].range.upperBound,
                                     candidates: dates, repaired: repaired))
                i = last + 1
            } else {
                i += 1
            }
        }
        return matches
    }

    // MARK: - Tokens

    private enum TokenKind: Equatable {
        case number(String)   // digits after undoing OCR confusions
        case word(String)     // upper-case letters
        case other
    }

    private struct Token {
        var kind: TokenKind
        var range: Range<String.Index>
        /// The characters as printed.
        var text: String?
        /// The characters between the previous token and this one.
        var gapBefore: String
    }

    /// Letters OCR puts in place of digits, inside a run that also holds real digits.
    private static let digitForGlyph: [Character: Character] = [
        "O": "0", "o": "0", "D": "0", "Q": "0",
        "I": "1", "l": "1", "|": "1", "!": "1", "i": "1",
        "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "b": "6", "G": "6",
        "?": "7", "T": "7", "g": "9", "q": "9",
    ]
    /// Digits OCR puts in place of letters, inside a month name.
    private static let letterForDigit: [Character: Character] = [
        "0": "O", "1": "L", "2": "Z", "4": "A", "5": "S", "6": "G", "8": "B",
    ]

    private static func isRunCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "|" || c == "!" || c == "?"
    }

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var gap = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            guard isRunCharacter(c) else {
                gap.append(c)
                i = text.index(after: i)
                continue
            }
            var j = i
            while j < text.endIndex, isRunCharacter(text[j]) { j = text.index(after: j) }
            for piece in split(run: text[i..<j]) {
                tokens.append(Token(kind: classify(text[piece]), range: piece, text: String(text[piece]), gapBefore: gap))
                gap = ""
            }
            i = j
        }
        return tokens
    }

    /// A run such as `28April2020` becomes `28`, `April`, `2020`; a run such as `O4` stays whole.
    private static func split(run: Substring) -> [Range<String.Index>] {
        let digitLike = run.allSatisfy { $0.isASCII && ($0.isNumber || digitForGlyph[$0] != nil) }
        if digitLike && run.contains(where: { $0.isASCII && $0.isNumber }) { return [run.startIndex..<run.endIndex] }
        if run.allSatisfy({ $0.isLetter }) { return [run.startIndex..<run.endIndex] }
        // Mixed: a month name with a misread letter (`Apri1`) stays whole when it is mostly letters.
        let letters = run.filter { $0.isLetter }.count
        if letters >= 3, monthNumber(wordFrom(run)) != nil { return [run.startIndex..<run.endIndex] }
        var pieces: [Range<String.Index>] = []
        var start = run.startIndex
        var k = run.startIndex
        while k < run.endIndex {
            let next = run.index(after: k)
            if next < run.endIndex, run[k].isNumber != run[next].isNumber {
                pieces.append(start..<next)
                start = next
            }
            k = next
        }
        pieces.append(start..<run.endIndex)
        return pieces
    }

    private static func classify(_ s: Substring) -> TokenKind {
        if s.contains(where: { $0.isASCII && $0.isNumber }),
           s.allSatisfy({ $0.isASCII && ($0.isNumber || digitForGlyph[$0] != nil) }) {
            return .number(String(s.map { $0.isNumber ? $0 : digitForGlyph[$0]! }))
        }
        if s.contains(where: { $0.isLetter }) { return .word(wordFrom(s)) }
        return .other
    }

    private static func wordFrom(_ s: Substring) -> String {
        String(s.uppercased().map { letterForDigit[$0] ?? $0 }.filter { $0.isLetter })
    }

    // MARK: - Patterns

    private static func matchAt(_ i: Int, _ t: [Token], lenient: Bool) -> ([CalendarDate], Int, Bool)? {
        if let (date, last) = matchAt(i, t) { return ([date], last, false) }
        guard lenient else { return nil }
        // `1807/2022`: a numeric date whose first separator was not read; the four digits can
        // only be day and month.
        if i + 1 < t.count, case let .number(dm) = t[i].kind, case let .number(y) = t[i + 1].kind,
           dm.count == 4, y.count == 4, isGap(t[i + 1].gapBefore, separators: "-/."), !t[i + 1].gapBefore.allSatisfy(\.isWhitespace),
           let date = date(y, String(dm.suffix(2)), String(dm.prefix(2))) {
            return ([date], i + 1, true)
        }
        guard i + 2 < t.count else { return nil }
        // `117 Feb 2021`, `117-02-2021`: the colon before the day read as a `1` glued to it.
        if case let .number(glued) = t[i].kind, glued.count == 3, glued.first == "1" {
            var unglued = t
            unglued[i].kind = .number(String(glued.dropFirst()))
            if let (date, last) = matchAt(i, unglued) { return ([date], last, true) }
        }
        // `19 Januan 2021`, `12 Mei 20273`: a day, a written-out month and a year.
        guard case let .number(d) = t[i].kind, case let .word(name) = t[i + 1].kind, case let .number(y) = t[i + 2].kind,
              (1...2).contains(d.count), isGap(t[i + 1].gapBefore, separators: "-/.", allowEmpty: true),
              isGap(t[i + 2].gapBefore, separators: "-/.,", allowEmpty: true),
              let m = monthNumber(name) ?? looseMonthNumber(name) else { return nil }
        let years = y.count == 4 ? [y] : y.count == 5 ? y.indices.map { k in var s = y; s.remove(at: k); return s } : []
        var dates: [CalendarDate] = []
        for year in years { if let date = date(year, String(m), d), !dates.contains(date) { dates.append(date) } }
        return dates.isEmpty ? nil : (dates, i + 2, true)
    }

    private static func matchAt(_ i: Int, _ t: [Token]) -> (CalendarDate, Int)? {
        guard i + 2 < t.count else { return nil }
        let (a, b, c) = (t[i], t[i + 1], t[i + 2])
        let numericGap = { (g: String) in isGap(g, separators: "-/.") }
        switch (a.kind, b.kind, c.kind) {
        case let (.number(d), .number(m), .number(y))
            where (1...2).contains(d.count) && (1...2).contains(m.count) && y.count == 4
                && numericGap(b.gapBefore) && numericGap(c.gapBefore):
            return date(y, m, d).map { ($0, i + 2) }
        case let (.number(y), .number(m), .number(d))
            where y.count == 4 && (1...2).contains(m.count) && (1...2).contains(d.count)
                && isGap(b.gapBefore, separators: "-/") && isGap(c.gapBefore, separators: "-/"):
            return date(y, m, d).map { ($0, i + 2) }
        case let (.word(w), .word(name), .number(y))
            where glyphDay(t, i) != nil && y.count == 4
                && isGap(b.gapBefore, separators: "-/.", allowEmpty: false)
                && isGap(c.gapBefore, separators: "-/.,", allowEmpty: true):
            // `Ol Juli 2020`: a day misread as letters only, trusted only before a month and a year.
            _ = w
            guard let m = monthNumber(name), let d = glyphDay(t, i) else { return nil }
            return date(y, String(m), d).map { ($0, i + 2) }
        case let (.number(d), .word(name), .number(y))
            where (1...2).contains(d.count) && y.count == 4
                && isGap(b.gapBefore, separators: "-/.", allowEmpty: true)
                && isGap(c.gapBefore, separators: "-/.,", allowEmpty: true):
            guard let m = monthNumber(name) else { return nil }
            return date(y, String(m), d).map { ($0, i + 2) }
        default:
            return nil
        }
    }

    /// A one- or two-character word made only of glyphs OCR confuses with digits (`Ol`, `O8`
    /// without its digit), read as the day; nil otherwise.
    private static func glyphDay(_ t: [Token], _ i: Int) -> String? {
        guard case .word = t[i].kind, let text = t[i].text, (1...2).contains(text.count),
              text.allSatisfy({ digitForGlyph[$0] != nil }) else { return nil }
        return String(text.map { digitForGlyph[$0]! })
    }

    /// A gap between date parts: spaces and at most one separator; empty only where allowed.
    private static func isGap(_ gap: String, separators: String, allowEmpty: Bool = false) -> Bool {
        let marks = gap.filter { !$0.isWhitespace }
        if gap.isEmpty { return allowEmpty }
        return marks.count <= 1 && marks.allSatisfy { separators.contains($0) }
    }

    private static func date(_ y: String, _ m: String, _ d: String) -> CalendarDate? {
        guard let year = Int(y), (1900...2100).contains(year), let month = Int(m), let day = Int(d) else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    private static let months: [String: Int] = {
        let names: [[String]] = [
            ["JANUARI", "JANUARY", "JAN"],
            ["FEBRUARI", "PEBRUARI", "FEBRUARY", "FEB", "PEB"],
            ["MARET", "MARCH", "MAR"],
            ["APRIL", "APR"],
            ["MEI", "MAY"],
            ["JUNI", "JUNE", "JUN"],
            ["JULI", "JULY", "JUL"],
            ["AGUSTUS", "AUGUST", "AGUST", "AGT", "AGU", "AGS", "AUG"],
            ["SEPTEMBER", "SEPT", "SEP"],
            ["OKTOBER", "OCTOBER", "OKT", "OCT"],
            ["NOVEMBER", "NOPEMBER", "NOV", "NOP"],
            ["DESEMBER", "DECEMBER", "DES", "DEC"],
        ]
        var table: [String: Int] = [:]
        for (index, list) in names.enumerated() { for n in list { table[n] = index + 1 } }
        return table
    }()

    /// The month a (possibly misread) Indonesian or English month name stands for.
    static func monthNumber(_ word: String) -> Int? {
        if let m = months[word] { return m }
        // One misread letter after the first in a three-letter abbreviation (`OKI` for `OKT`),
        // when every abbreviation it could be names the same month (`JUI` could be JUN or JUL).
        if word.count == 3 {
            let near = Set(months.filter { name, _ in
                name.count == 3 && name.first == word.first && TextDistance.levenshtein(word, name) == 1
            }.map(\.value))
            return near.count == 1 ? near.first : nil
        }
        // One misread letter after the first in a five-letter name (`MAROT` for `MARET`), when
        // only one month's name is that close.
        if word.count == 5 {
            let near = Set(months.filter { name, _ in
                name.count == 5 && name.first == word.first && TextDistance.levenshtein(word, name) == 1
            }.map(\.value))
            return near.count == 1 ? near.first : nil
        }
        // One misread letter in a full name of six letters or more (`PEBRUAR1`, `DESEMBFR`).
        guard word.count >= 6 else { return nil }
        var best: (Int, Int)? = nil
        for (name, m) in months where name.count >= 6 {
            let d = TextDistance.levenshtein(word, name)
            if d <= 1, best == nil || d < best!.0 { best = (d, m) }
        }
        return best?.1
    }

    /// Two misread letters in a full month name of six letters or more (`JANUAN`, `SEPTEMHFR`),
    /// when every name that close names the same month.
    static func looseMonthNumber(_ word: String) -> Int? {
        guard word.count >= 6 else { return nil }
        let near = Set(months.filter { name, _ in
            name.count >= 6 && name.first == word.first && TextDistance.levenshtein(word, name) <= 2
        }.map(\.value))
        return near.count == 1 ? near.first : nil
    }
}
