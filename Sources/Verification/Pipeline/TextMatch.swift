import Foundation

/// Fuzzy text helpers for OCR output: labels and keywords are matched with a tolerance for
/// misread characters.
public enum TextMatch {
    /// Upper case, letters and digits only.
    public static func key(_ s: some StringProtocol) -> String {
        String(s.uppercased().unicodeScalars.filter { CharacterSet.alnum.contains($0) }.map(Character.init))
    }

    /// Similarity 0...1 (1 is equal).
    public static func similarity(_ a: String, _ b: String) -> Double { TextDistance.similarity(a, b) }

    /// True when `word` reads as `target` allowing about one error in five characters.
    public static func fuzzyEquals(_ word: String, _ target: String) -> Bool {
        let w = key(word), t = key(target)
        if w == t { return true }
        if t.count < 4 { return false }
        return TextDistance.levenshtein(w, t) <= max(1, t.count / 5)
    }
}

extension CharacterSet {
    static let alnum: CharacterSet = {
        var s = CharacterSet()
        s.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return s
    }()
}

