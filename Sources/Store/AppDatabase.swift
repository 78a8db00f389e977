import Crypto
import Foundation
import GRDB
import Logging
import Verification

/// The embedded store: one SQLite file (WAL) under the data directory, the encrypted scans
/// beside it, and the named write methods the service uses, each one transaction.
public struct AppDatabase: ClaimStore {
    public let dbWriter: any DatabaseWriter
    public let vault: ScanVault
    public let branch: Branch
    /// A job leased this many times without finishing (the worker died each time) is given up.
    public var maxAttempts: Int = 5
    let logger: Logger

    public init(_ dbWriter: any DatabaseWriter, vault: ScanVault, branch: Branch,
                logger: Logger = Logger(label: "berkas.store")) throws {
        self.dbWriter = dbWriter
        self.vault = vault
        self.branch = branch
        self.logger = logger
        try Schema.migrator.migrate(dbWriter)
    }

    /// Opens (creating on first use) the data directory: `berkas.sqlite`, the key file and `scans/`.
    ///
    /// - Parameters:
    ///   - keyFile: where the scan key lives; default `BERKAS_KEY_FILE` or `DATA/berkas.key`.
    ///   - branch: the areas and quotas; commands that book (serve, recheck) pass the loaded
    ///     `models/branch.json`. Without it (e.g. `token create`) nothing can be booked.
    public static func open(dataDirectory: URL, keyFile: URL? = nil, branch: Branch? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger = Logger(label: "berkas.store")) throws -> AppDatabase {
        let fm = FileManager.default
        try fm.createDirectory(at: dataDirectory, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        let keyURL = keyFile
            ?? environment["BERKAS_KEY_FILE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? dataDirectory.appendingPathComponent("berkas.key")
        let key = try ScanVault.loadOrCreateKey(at: keyURL)
        let scans = dataDirectory.appendingPathComponent("scans", isDirectory: true)
        try fm.createDirectory(at: scans, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        var config = Configuration()
        config.label = "berkas"
        // Another process (berkas recheck, token create) may hold the write lock for a moment.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // A 202 promises the claim is kept: FULL syncs the WAL on every commit, so an
            // accepted claim survives a power cut, not only a crash of the process.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let path = dataDirectory.appendingPathComponent("berkas.sqlite").path
        let pool = try DatabasePool(path: path, configuration: config)
        // Names and NIKs: owner only. SQLite gives the -wal and -shm files the database's mode.
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return try AppDatabase(pool, vault: ScanVault(directory: scans, key: key),
                               branch: branch ?? Branch.unconfigured, logger: logger)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

extension Branch {
    /// No areas: nothing can be booked. Used when a command does not need the queue.
    public static let unconfigured = Branch(id: "unconfigured", name: "unconfigured", areas: [])
}

// MARK: - Intake

extension AppDatabase {
    public func submit(_ claim: NewClaim, client: Client, idempotencyKey: String?, now: Date) async throws -> SubmitOutcome {
        let form = { var form = claim.form; form.documents = nil; return form }()
        guard let area = form.area, branch.area(area) != nil else {
            throw StoreError.unknownArea(form.area ?? "")
        }
        var seen = Set<String>()
        for scan in claim.scans {
            guard Slots.isValid(scan.slot), seen.insert(scan.slot).inserted else {
                throw StoreError.invalidSlot(scan.slot)
            }
        }
        let hashes = claim.scans.map { ($0.slot, ScanVault.sha256Hex($0.data)) }
        let formJSON = try Self.json(form)
        let fingerprint = Self.fingerprint(formJSON: formJSON, scans: hashes)
        let pending = ClaimReceipt(id: form.id, status: .pending)

        /// A retry or a conflict is answered from what is stored; nil means "store it".
        @Sendable func answered(_ db: Database) throws -> SubmitOutcome? {
            if let key = idempotencyKey,
               let row = try Row.fetchOne(db, sql: """
                   SELECT fingerprint, response FROM idempotency WHERE token_id = ? AND key = ?
                   """, arguments: [client.tokenID, key]) {
                guard row["fingerprint"] as String == fingerprint else {
                    throw StoreError.idempotencyConflict(key)
                }
                return SubmitOutcome(kind: .replayed,
                                     receipt: try Self.decode(ClaimReceipt.self, row["response"]))
            }
            if let row = try Row.fetchOne(db, sql: "SELECT fingerprint, status FROM claims WHERE id = ?",
                                          arguments: [form.id]) {
                guard row["fingerprint"] as String == fingerprint else {
                    throw StoreError.claimConflict(form.id)
                }
                let status = ClaimStatus(rawValue: row["status"]) ?? .pending
                return SubmitOutcome(kind: .existing, receipt: ClaimReceipt(id: form.id, status: status))
            }
            return nil
        }

        @Sendable func remember(_ db: Database, _ outcome: SubmitOutcome) throws {
            guard let key = idempotencyKey, outcome.kind != .replayed else { return }
            try db.execute(sql: """
                INSERT INTO idempotency (token_id, key, fingerprint, claim_id, response, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [client.tokenID, key, fingerprint, form.id, try Self.json(outcome.receipt), now])
        }

        // Retries and conflicts are answered without writing a scan file.
        if let outcome = try await dbWriter.read(answered) {
            guard outcome.kind == .existing, idempotencyKey != nil else { return outcome }
            return try await dbWriter.write { db in
                let outcome = try answered(db) ?? outcome
                try remember(db, outcome)
                return outcome
            }
        }
        // Scans go to disk (synced) before the rows that name them are committed. A failed
        // transaction leaves an unreferenced file, which the content address makes harmless.
        let stored = try claim.scans.map { scan in (scan, try vault.store(scan.data)) }

        return try await dbWriter.write { db in
            // Checked again inside the transaction: another request may have won the race.
            if let outcome = try answered(db) {
                try remember(db, outcome)
                return outcome
            }
            try db.execute(sql: """
                INSERT INTO claims (id, form, fingerprint, nik, area, status, revision, client, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'pending', 1, ?, ?, ?)
                """, arguments: [form.id, formJSON, fingerprint, form.nik, area, client.name, now, now])
            for (scan, file) in stored {
                try Self.upsertDocument(db, claimID: form.id, scan: scan, file: file, now: now)
            }
            try db.execute(sql: """
                INSERT INTO jobs (claim_id, state, revision, attempts, available_at, created_at, updated_at)
                VALUES (?, 'queued', 1, 0, ?, ?, ?)
                """, arguments: [form.id, now, now, now])
            let slots = stored.map(\.0.slot).sorted().joined(separator: ",")
            try Self.audit(db, claimID: form.id, actor: "client:\(client.name)", at: now, from: nil,
                           to: ClaimStatus.pending.rawValue, detail: "submitted with scans [\(slots)]")
            let outcome = SubmitOutcome(kind: .created, receipt: pending)
            try remember(db, outcome)
            return outcome
        }
    }

    public func replaceScan(claimID: String, scan: ScanUpload, actor: String, now: Date) async throws -> ClaimReceipt {
        guard Slots.isValid(scan.slot) else { throw StoreError.invalidSlot(scan.slot) }
        // Refuse before writing anything for a claim that does not exist.
        guard try await dbWriter.read({ db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM claims WHERE id = ?)", arguments: [claimID]) ?? false
        }) else { throw StoreError.unknownClaim(claimID) }
        let file = try vault.store(scan.data)
        return try await dbWriter.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, revision FROM claims WHERE id = ?",
                                             arguments: [claimID]) else {
                throw StoreError.unknownClaim(claimID)
            }
            let from: String = row["status"]
            let revision: Int = row["revision"] + 1
            let previous = try String.fetchOne(db, sql: """
                SELECT content_sha256 FROM documents WHERE claim_id = ? AND slot = ?
                """, arguments: [claimID, scan.slot])
            try Self.upsertDocument(db, claimID: claimID, scan: scan, file: file, now: now)
            try db.execute(sql: """
                UPDATE claims SET status = 'pending', revision = ?, updated_at = ? WHERE id = ?
                """, arguments: [revision, now, claimID])
            // Queue the job again; a worker still checking the old revision will find it stale.
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', revision = ?, attempts = 0, available_at = ?,
                    lease_until = NULL, worker = NULL, last_error = NULL, updated_at = ?
                WHERE claim_id = ?
                """, arguments: [revision, now, now, claimID])
            let was = previous.map { "replaced \(scan.slot) \($0.prefix(12))" } ?? "added \(scan.slot)"
            try Self.audit(db, claimID: claimID, actor: actor, at: now, from: from,
                           to: ClaimStatus.pending.rawValue,
                           detail: "\(was) -> \(file.sha256.prefix(12)); revision \(revision) queued")
            return ClaimReceipt(id: claimID, status: .pending)
        }
    }

    static func upsertDocument(_ db: Database, claimID: String, scan: ScanUpload,
                               file: ScanVault.StoredScan, now: Date) throws {
        try db.execute(sql: """
            INSERT INTO documents (claim_id, slot, content_sha256, size, media_type, stored_path, file_name, uploaded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (claim_id, slot) DO UPDATE SET
                content_sha256 = excluded.content_sha256, size = excluded.size,
                media_type = excluded.media_type, stored_path = excluded.stored_path,
                file_name = excluded.file_name, uploaded_at = excluded.uploaded_at
            """, arguments: [claimID, scan.slot, file.sha256, file.size, MediaType.sniff(scan.data),
                             "scans/" + file.relativePath, scan.fileName, now])
    }

    /// Same form and same scans give the same fingerprint, whatever the order of the parts.
    static func fingerprint(formJSON: String, scans: [(slot: String, sha256: String)]) -> String {
        var text = formJSON + "\n"
        for scan in scans.sorted(by: { $0.slot < $1.slot }) { text += "\(scan.slot)=\(scan.sha256)\n" }
        return ScanVault.sha256Hex(Data(text.utf8))
    }

    static func audit(_ db: Database, claimID: String, actor: String, at: Date,
                      from: String?, to: String, detail: String) throws {
        try db.execute(sql: """
            INSERT INTO audit (claim_id, actor, at, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [claimID, actor, at, from, to, detail])
    }
}

// MARK: - Reading claims

extension AppDatabase {
    public func claim(id: String) async throws -> StoredClaim? {
        try await dbWriter.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claims WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return try Self.storedClaim(db, row)
        }
    }

    public func claims(matching filter: ClaimFilter) async throws -> [StoredClaim] {
        try await dbWriter.read { db in
            var sql = "SELECT * FROM claims WHERE 1"
            var arguments = StatementArguments()
            if let statuses = filter.statuses {
                sql += " AND status IN (\(databaseQuestionMarks(count: statuses.count)))"
                _ = arguments.append(contentsOf: StatementArguments(statuses.map(\.rawValue).sorted()))
            }
            if let since = filter.since {
                sql += " AND created_at >= ?"
                _ = arguments.append(contentsOf: [since])
            }
            sql += " ORDER BY created_at, id"
            if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.storedClaim(db, $0) }
        }
    }

    public func auditTrail(claimID: String) async throws -> [AuditEntry] {
        try await dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE claim_id = ? ORDER BY id", arguments: [claimID]).map {
                AuditEntry(claimID: $0["claim_id"], actor: $0["actor"], at: $0["at"],
                           fromStatus: $0["from_status"], toStatus: $0["to_status"], detail: $0["detail"])
            }
        }
    }

    static func storedClaim(_ db: Database, _ row: Row) throws -> StoredClaim {
        let id: String = row["id"]
        let booking = try Self.booking(db, claimID: id)
        var verdict = try (row["verdict"] as String?).map { try decode(Verdict.self, $0) }
        verdict?.queue = booking
        var documents: [String: StoredDocument] = [:]
        for doc in try Row.fetchAll(db, sql: "SELECT * FROM documents WHERE claim_id = ?", arguments: [id]) {
            let slot: String = doc["slot"]
            documents[slot] = StoredDocument(slot: slot, sha256: doc["content_sha256"], size: doc["size"],
                                             mediaType: doc["media_type"], fileName: doc["file_name"])
        }
        return StoredClaim(id: id, form: try decode(ClaimForm.self, row["form"]),
                           status: ClaimStatus(rawValue: row["status"]) ?? .review,
                           verdict: verdict, booking: booking, revision: row["revision"],
                           documents: documents, client: row["client"],
                           createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    static func booking(_ db: Database, claimID: String) throws -> QueueBooking? {
        try Row.fetchOne(db, sql: "SELECT area, date, position FROM bookings WHERE claim_id = ?",
                         arguments: [claimID]).map {
            QueueBooking(area: $0["area"], date: $0["date"], position: $0["position"])
        }
    }
}

// MARK: - Tokens

extension AppDatabase {
    public func createToken(name: String) async throws -> String {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw TokenError.badName }
        // 32 random bytes, base64url without padding: 43 characters.
        let token = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncoded()
        let hash = ScanVault.sha256Hex(Data(token.utf8))
        try await dbWriter.write { db in
            try db.execute(sql: "INSERT INTO tokens (name, token_sha256, created_at) VALUES (?, ?, ?)",
                           arguments: [name, hash, Date()])
        }
        return token
    }

    public func authenticate(token: String) async throws -> Client? {
        guard !token.isEmpty, token.utf8.count <= 200 else { return nil }
        let hash = ScanVault.sha256Hex(Data(token.utf8))
        return try await dbWriter.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name FROM tokens WHERE token_sha256 = ? AND revoked_at IS NULL",
                             arguments: [hash]).map { Client(tokenID: $0["id"], name: $0["name"]) }
        }
    }

    public func ping() async throws {
        _ = try await dbWriter.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}

public enum TokenError: Error, CustomStringConvertible {
    case badName
    public var description: String { "a token name is 1 to 100 characters" }
}

extension Data {
    func base64URLEncoded() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// What a scan is, from its first bytes (the client's Content-Type is not trusted).
public enum MediaType {
    public static func sniff(_ data: Data) -> String {
        let b = [UInt8](data.prefix(16))
        func starts(_ p: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + p.count && Array(b[offset..<offset + p.count]) == p
        }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if starts(Array("%PDF".utf8)) { return "application/pdf" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "image/tiff" }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("GIF8".utf8)) { return "image/gif" }
        if starts(Array("BM".utf8)) { return "image/bmp" }
        if starts(Array("ftyp".utf8), at: 4) { return "image/heif" }
        return "application/octet-stream"
    }
}
