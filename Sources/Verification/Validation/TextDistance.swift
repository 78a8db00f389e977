/// Edit distances for names read by OCR.
public enum TextDistance {
    /// Plain Levenshtein distance over Unicode scalars.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        levenshtein(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    static func levenshtein<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// 1 - distance / longer length, in 0...1; two empty strings are identical.
    public static func similarity(_ a: String, _ b: String) -> Double {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        let longest = max(x.count, y.count)
        guard longest > 0 else { return 1 }
        return 1 - Double(levenshtein(x, y)) / Double(longest)
    }

    /// Levenshtein distance where substituting one character for another that OCR commonly
    /// confuses with it (`I`/`1`/`L`, `O`/`0`/`D`, `S`/`5`, ...) costs `confusableCost` instead of 1.
    public static func ocrWeighted(_ a: String, _ b: String, confusableCost: Double) -> Double {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return Double(y.count) }
        if y.isEmpty { return Double(x.count) }
        var previous = (0...y.count).map(Double.init)
        var current = [Double](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = Double(i)
            for j in 1...y.count {
                let cost: Double
                if x[i - 1] == y[j - 1] {
                    cost = 0
                } else if confusable(x[i - 1], y[j - 1]) {
                    cost = confusableCost
                } else {
                    cost = 1
                }
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// Groups of glyphs that OCR of printed Latin text mistakes for one another (upper case).
    private static let confusableGroups: [Set<Unicode.Scalar>] = [
        ["I", "1", "L", "|", "!"],
        ["O", "0", "D", "Q"],
        ["S", "5"],
        ["B", "8", "3"],
        ["G", "6", "C"],
        ["Z", "2"],
        ["A", "4"],
        ["E", "F"],
        ["M", "N"],
        ["V", "Y"],
    ]

    static func confusable(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        confusableGroups.contains { $0.contains(a) && $0.contains(b) }
    }

    /// Similarity of one query to many candidates, reusing its buffers (snapping a name against
    /// thousands of regions). Compares UTF-8 bytes, which for the upper-case ASCII of region
    /// names is the same as comparing characters.
    public struct Scorer {
        private let query: [UInt8]
        private var previous: [Int]
        private var current: [Int]

        public init(_ query: String) {
            self.query = Array(query.utf8)
            previous = [Int](repeating: 0, count: self.query.count + 1)
            current = previous
        }

        public mutating func similarity(to candidate: String) -> Double {
            var candidate = candidate
            let longest = max(query.count, candidate.utf8.count)
            guard longest > 0 else { return 1 }
            let d = candidate.withUTF8 { distance(to: $0) }
            return 1 - Double(d) / Double(longest)
        }

        private mutating func distance(to b: UnsafeBufferPointer<UInt8>) -> Int {
            let n = query.count
            if n == 0 { return b.count }
            if b.isEmpty { return n }
            for j in 0...n { previous[j] = j }
            for i in 1...b.count {
                current[0] = i
                let c = b[i - 1]
                for j in 1...n {
                    let cost = query[j - 1] == c ? 0 : 1
                    current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                }
                swap(&previous, &current)
            }
            return previous[n]
        }
    }
}
