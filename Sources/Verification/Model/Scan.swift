import Foundation

/// Where a scan's bytes come from: a file on disk (CLI) or bytes in memory (HTTP, decrypted store).
public enum ScanSource: Sendable {
    case file(URL)
    /// `name` is for messages and format hints only; it is never used as a path.
    case data(Data, name: String)

    public var displayName: String {
        switch self {
        case .file(let url): url.path
        case .data(_, let name): name
        }
    }
}

/// What the claim rules may ask of the world outside the claim itself.
public struct ClaimContext: Sendable {
    /// True when the store holds another open claim for the same NIK.
    public var hasOtherOpenClaim: Bool

    public init(hasOtherOpenClaim: Bool = false) {
        self.hasOtherOpenClaim = hasOtherOpenClaim
    }
}
