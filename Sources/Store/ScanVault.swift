import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scans at rest: each file is stored once under `scans/` by the SHA-256 of its plaintext,
/// sealed with AES-GCM under the data directory's key. The client's file name is never a path.
///
/// File layout: `BKS1` then AES-GCM combined (12-byte nonce, ciphertext, 16-byte tag); the
/// content hash is the authenticated data, so a file moved to another name fails to open.
public struct ScanVault: Sendable {
    public let directory: URL
    // Kept as bytes: `SymmetricKey` is not `Sendable`, and the vault is shared by every request.
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    private static let magic = Data("BKS1".utf8)

    public init(directory: URL, key: SymmetricKey) {
        self.directory = directory
        self.keyBytes = key.withUnsafeBytes { Data($0) }
    }

    /// A scan as stored: where and what.
    public struct StoredScan: Sendable, Hashable {
        /// Hex SHA-256 of the plaintext.
        public var sha256: String
        public var size: Int
        /// Relative to the vault directory.
        public var relativePath: String
    }

    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    func relativePath(for hash: String) -> String {
        "\(hash.prefix(2))/\(hash)"
    }

    /// Seals and writes `data` (fsynced before returning) unless the same content is already stored.
    public func store(_ data: Data) throws -> StoredScan {
        let hash = Self.sha256Hex(data)
        let relative = relativePath(for: hash)
        let url = directory.appendingPathComponent(relative)
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let sealed = try AES.GCM.seal(data, using: key, authenticating: Data(hash.utf8))
            guard let combined = sealed.combined else { throw VaultError.sealFailed }
            // Write beside, sync, then rename: a crash leaves either no file or a whole one.
            let temp = url.deletingLastPathComponent().appendingPathComponent(".\(hash).\(UUID().uuidString).tmp")
            guard fm.createFile(atPath: temp.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw VaultError.writeFailed(temp.path)
            }
            do {
                let handle = try FileHandle(forWritingTo: temp)
                try handle.write(contentsOf: Self.magic + combined)
                try handle.synchronize()
                try handle.close()
                if rename(temp.path, url.path) != 0 { throw VaultError.writeFailed(url.path) }
            } catch {
                try? fm.removeItem(at: temp)
                throw error
            }
        }
        return StoredScan(sha256: hash, size: data.count, relativePath: relative)
    }

    /// Reads, opens and verifies a stored scan.
    public func load(sha256 hash: String) throws -> Data {
        let url = directory.appendingPathComponent(relativePath(for: hash))
        let raw: Data
        do { raw = try Data(contentsOf: url) } catch { throw VaultError.missing(hash) }
        guard raw.count > Self.magic.count, raw.prefix(Self.magic.count) == Self.magic else {
            throw VaultError.corrupt(hash)
        }
        let plain: Data
        do {
            let box = try AES.GCM.SealedBox(combined: raw.dropFirst(Self.magic.count))
            plain = try AES.GCM.open(box, using: key, authenticating: Data(hash.utf8))
        } catch {
            throw VaultError.corrupt(hash)
        }
        guard Self.sha256Hex(plain) == hash else { throw VaultError.corrupt(hash) }
        return plain
    }

    // MARK: The key

    /// Reads the 256-bit key from `url`, or creates it (mode 0600) when absent.
    /// The file holds the key in base64 on one line, so it can be backed up as text.
    public static func loadOrCreateKey(at url: URL) throws -> SymmetricKey {
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let key = SymmetricKey(size: .bits256)
            let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
            // O_EXCL: two processes starting at once do not each write a different key.
            let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 {
                let written = text.utf8CString.withUnsafeBufferPointer { buffer in
                    write(fd, buffer.baseAddress, buffer.count - 1)
                }
                let synced = fsync(fd)
                close(fd)
                guard written == text.utf8.count, synced == 0 else {
                    try? fm.removeItem(at: url)
                    throw VaultError.writeFailed(url.path)
                }
                return key
            } else if errno != EEXIST {
                throw VaultError.writeFailed(url.path)
            }
        }
        let contents = try Data(contentsOf: url)
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let decoded = Data(base64Encoded: text), decoded.count == 32 {
            return SymmetricKey(data: decoded)
        }
        if contents.count == 32 { return SymmetricKey(data: contents) }
        throw VaultError.badKey(url.path)
    }
}

public enum VaultError: Error, CustomStringConvertible {
    case sealFailed
    case writeFailed(String)
    case missing(String)
    case corrupt(String)
    case badKey(String)

    public var description: String {
        switch self {
        case .sealFailed: "could not encrypt a scan"
        case .writeFailed(let path): "could not write \(path)"
        case .missing(let hash): "stored scan \(hash) is missing"
        case .corrupt(let hash): "stored scan \(hash) does not decrypt or does not match its hash"
        case .badKey(let path): "\(path) does not hold a 256-bit key (base64 on one line)"
        }
    }
}
