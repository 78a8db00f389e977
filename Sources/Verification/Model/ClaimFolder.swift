import Foundation

/// A claim on disk: `claim.json` and the scans it names (SPEC section 3).
public struct ClaimFolder: Sendable {
    public var form: ClaimForm
    public var documents: [String: ScanSource]

    public static func load(_ dir: URL) throws -> ClaimFolder {
        let file = dir.appendingPathComponent("claim.json")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ClaimFolderError( "no claim.json")
        }
        let form: ClaimForm
        do { form = try JSONDecoder().decode(ClaimForm.self, from: data) } catch {
            throw ClaimFolderError( "claim.json is not valid: \(Self.describe(error))")
        }
        var documents: [String: ScanSource] = [:]
        for (slot, name) in form.documents ?? [:] {
            guard DocumentKind.slots.map(\.rawValue).contains(slot) else {
                throw ClaimFolderError( "claim.json names an unknown document slot '\(slot)'")
            }
            // A name must stay inside the claim folder.
            let url = dir.appendingPathComponent(name).standardizedFileURL
            guard url.path.hasPrefix(dir.standardizedFileURL.path + "/") else {
                throw ClaimFolderError( "document '\(name)' is outside the claim folder")
            }
            // A scan named but absent is the claimant's missing document, not a crash.
            if FileManager.default.fileExists(atPath: url.path) { documents[slot] = .file(url) }
        }
        return ClaimFolder(form: form, documents: documents)
    }

    public static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            "bad value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        case DecodingError.dataCorrupted(let c): c.debugDescription
        default: "\(error)"
        }
    }
}

/// Why a claim folder could not be read.
public struct ClaimFolderError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
