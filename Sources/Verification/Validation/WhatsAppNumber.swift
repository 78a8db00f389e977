/// An Indonesian mobile number, normalised to `+628...`.
///
/// Rule: after the country code `62` (optionally `+62`, and a `(0)` some people keep after it)
/// or the trunk `0`, the number is `8`, then a digit in `1-3` or `5-9`, then 6 to 10 more digits.
/// That is 9 to 13 digits written with the trunk 0: `081234567` (the shortest numbers still in
/// use, 9 digits as issue 4 counts them) up to `0812-3456-78901` (FACTS.md: up to 10 digits after
/// `8x`). The lower bound is one digit below FACTS.md's "7 to 10 more", so that the short numbers
/// issue 4 names are accepted: an invalid number makes the claim incomplete, so the rule errs
/// toward accepting a number the claimant really has. Operator prefixes beyond `8[1-35-9]` change
/// over time and are not checked.
public struct WhatsAppNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+628...`
    public let e164: String

    public var description: String { e164 }

    /// Digits after the `8x` prefix.
    public static let subscriberDigits = 6...10

    public enum Problem: Error, Sendable, Hashable {
        /// Nothing but spaces and punctuation.
        case empty
        /// Letters or other characters that are not part of a written phone number.
        case notANumber
        /// Not `+62`/`62`/`0` followed by `8`: a landline (`021...`) or a foreign number.
        case notMobile
        /// Too few or too many digits.
        case wrongLength
    }

    /// Accepts `081234567890`, `0812-3456-7890`, `62 812 3456 7890`, `+62 (0)812.3456.7890`.
    public static func parse(_ text: String) -> Result<WhatsAppNumber, Problem> {
        var digits = ""
        var plusSeen = false
        for c in text {
            if c.isASCII && c.isNumber {
                digits.append(c)
            } else if c == "+" && digits.isEmpty && !plusSeen {
                plusSeen = true
            } else if c == " " || c == "-" || c == "." || c == "(" || c == ")" || c == "\u{00A0}" {
                continue
            } else {
                return .failure(.notANumber)
            }
        }
        guard !digits.isEmpty else { return .failure(.empty) }
        var national: Substring
        if digits.hasPrefix("62") {
            national = digits.dropFirst(2)
            if national.hasPrefix("08") { national = national.dropFirst() }  // +62 (0)812...
        } else if digits.hasPrefix("0") && !plusSeen {
            national = digits.dropFirst()
        } else {
            return .failure(.notMobile)
        }
        let d = Array(national)
        guard d.count >= 2, d[0] == "8", "12356789".contains(d[1]) else { return .failure(.notMobile) }
        guard subscriberDigits.contains(d.count - 2) else { return .failure(.wrongLength) }
        return .success(WhatsAppNumber(e164: "+62" + national))
    }

    public init?(_ text: String) {
        guard case .success(let n) = WhatsAppNumber.parse(text) else { return nil }
        self = n
    }

    private init(e164: String) { self.e164 = e164 }
}
