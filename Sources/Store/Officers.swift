import Crypto
import Foundation
import GRDB
import Verification

/// Officer accounts and their signed-in sessions, for the officers' web pages under `/review`.
///
/// Passwords arrive here already hashed (bcrypt, in the server): the store never sees one.
/// Session ids and CSRF tokens are random; only the SHA-256 of a session id is stored, so a
/// copy of the database does not let anyone sign in.
public protocol OfficerStore: Sendable {
    /// Creates an account; `StoreError`-like `OfficerError.exists` if the username is taken.
    func addOfficer(username: String, passwordHash: String, areas: [String], now: Date) async throws
    /// The account, enabled or not, or nil.
    func officerAccount(username: String) async throws -> OfficerAccount?
    /// Counts a failed sign-in; the account is locked for `SignInPolicy.lockout` after
    /// `SignInPolicy.maxFailures` in a row.
    func recordFailedSignIn(username: String, now: Date) async throws
    /// Opens a session for a correctly signed-in officer and clears the failure count.
    func startSession(username: String, now: Date) async throws -> NewSession
    /// The officer a session id belongs to while it is valid, or nil.
    func session(id: String, now: Date) async throws -> OfficerSession?
    /// Signs out: the session id stops working at once.
    func endSession(id: String) async throws
}

/// How sign-in failures are throttled, and how long a session lasts.
public enum SignInPolicy {
    /// Failures in a row before the account is locked.
    public static let maxFailures = 5
    public static let lockout: TimeInterval = 15 * 60
    /// A working day and some: an officer signs in once a morning.
    public static let sessionLifetime: TimeInterval = 10 * 3600
}

/// An officer as the pages see them once signed in.
public struct Officer: Sendable, Hashable {
    public var username: String
    /// Area ids the officer handles; empty means every area of the branch.
    public var areas: [String]

    public init(username: String, areas: [String]) {
        self.username = username; self.areas = areas
    }

    public func mayHandle(area: String) -> Bool { areas.isEmpty || areas.contains(area) }
}

public struct OfficerAccount: Sendable, Hashable {
    public var officer: Officer
    public var passwordHash: String
    public var disabled: Bool
    /// Set while the account is locked after repeated failures.
    public var lockedUntil: Date?

    public func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }
}

/// A session just opened: the id goes into the cookie, the CSRF token into every form.
public struct NewSession: Sendable {
    public var id: String
    public var csrfToken: String
    public var expiresAt: Date
}

public struct OfficerSession: Sendable, Hashable {
    public var officer: Officer
    public var csrfToken: String
    public var expiresAt: Date

    public init(officer: Officer, csrfToken: String, expiresAt: Date) {
        self.officer = officer; self.csrfToken = csrfToken; self.expiresAt = expiresAt
    }
}

public enum OfficerError: Error, Equatable, CustomStringConvertible {
    case badUsername(String)
    case exists(String)
    case unknownArea(String)
    case unknownOfficer(String)

    public var description: String {
        switch self {
        case .badUsername(let name): "username `\(name)` must be 1 to 64 of a-z, 0-9, `.`, `_`, `-`"
        case .exists(let name): "officer `\(name)` already exists"
        case .unknownArea(let area): "unknown area `\(area)`"
        case .unknownOfficer(let name): "no officer `\(name)`"
        }
    }
}

/// The tables of migration "v2-officers". Frozen once shipped, like "v1".
enum OfficerSchema {
    static func v2(_ db: Database) throws {
        // Sign-in throttling lives on the account: a lock survives a restart.
        try db.alter(table: "officers") { t in
            t.add(column: "failed_sign_ins", .integer).notNull().defaults(to: 0)
            t.add(column: "locked_until", .datetime)
        }
        // Sessions survive a restart; only the SHA-256 of the cookie's id is kept.
        try db.create(table: "officer_sessions") { t in
            t.primaryKey("id_sha256", .text).check { length($0) == 64 }
            t.column("username", .text).notNull().references("officers", onDelete: .cascade)
            t.column("csrf_token", .text).notNull()
            t.column("created_at", .datetime).notNull()
            t.column("expires_at", .datetime).notNull()
        }
        // An officer's reading of a field, for one scan (a replaced scan is another document).
        // Kept beside the verdict, never inside it: SPEC says a field's value is what the
        // document says, and a re-check rewrites the verdict but never this table.
        try db.create(table: "field_corrections") { t in
            t.column("claim_id", .text).notNull().references("claims", onDelete: .cascade)
            t.column("slot", .text).notNull().check(sql: "slot IN ('ktp', 'kk', 'employer_letter')")
            t.column("field", .text).notNull().check { length($0) > 0 }
            t.column("scan_sha256", .text).notNull()
            t.column("value", .text).notNull()
            t.column("read_value", .text)
            t.column("officer", .text).notNull()
            t.column("at", .datetime).notNull()
            t.primaryKey(["claim_id", "slot", "field", "scan_sha256"])
        }
        // "This scan is acceptable as it is", by an officer, for one scan.
        try db.create(table: "document_acceptances") { t in
            t.column("claim_id", .text).notNull().references("claims", onDelete: .cascade)
            t.column("slot", .text).notNull().check(sql: "slot IN ('ktp', 'kk', 'employer_letter')")
            t.column("scan_sha256", .text).notNull()
            t.column("officer", .text).notNull()
            t.column("at", .datetime).notNull()
            t.primaryKey(["claim_id", "slot", "scan_sha256"])
        }
        // The officer's decision on one revision of a claim (its scans): an automatic re-check
        // of the same revision keeps it; a new scan (a new revision) needs a new look.
        try db.create(table: "officer_decisions") { t in
            t.primaryKey("claim_id", .text).references("claims", onDelete: .cascade)
            t.column("revision", .integer).notNull()
            t.column("decision", .text).notNull().check(sql: "decision IN ('approved', 'incomplete')")
            t.column("reason_code", .text)
            t.column("note", .text).notNull().defaults(to: "")
            t.column("officer", .text).notNull()
            t.column("at", .datetime).notNull()
        }
        // What happened on each video call, in order; the claim's status holds the latest.
        try db.create(table: "call_outcomes") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("claim_id", .text).notNull().references("claims", onDelete: .cascade)
            t.column("area", .text).notNull()
            t.column("date", .text).notNull()
            t.column("position", .integer).notNull()
            t.column("outcome", .text).notNull()
                .check(sql: "outcome IN ('call_verified', 'call_missed', 'dropbox')")
            t.column("note", .text).notNull().defaults(to: "")
            t.column("officer", .text).notNull()
            t.column("at", .datetime).notNull()
        }
        try db.create(index: "call_outcomes_claim", on: "call_outcomes", columns: ["claim_id"])
    }
}

extension AppDatabase: OfficerStore {
    static let usernamePattern = #"^[a-z0-9][a-z0-9._-]{0,63}$"#

    public func addOfficer(username: String, passwordHash: String, areas: [String], now: Date) async throws {
        guard username.range(of: Self.usernamePattern, options: .regularExpression) != nil else {
            throw OfficerError.badUsername(username)
        }
        for area in areas where branch.area(area) == nil { throw OfficerError.unknownArea(area) }
        let areasJSON = try Self.json(areas)
        try await dbWriter.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM officers WHERE username = ?)",
                                 arguments: [username]) ?? false {
                throw OfficerError.exists(username)
            }
            try db.execute(sql: """
                INSERT INTO officers (username, password_hash, areas, created_at) VALUES (?, ?, ?, ?)
                """, arguments: [username, passwordHash, areasJSON, now])
        }
    }

    public func officerAccount(username: String) async throws -> OfficerAccount? {
        try await dbWriter.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM officers WHERE username = ?", arguments: [username]).map {
                OfficerAccount(officer: Officer(username: $0["username"], areas: try Self.decode([String].self, $0["areas"])),
                               passwordHash: $0["password_hash"], disabled: ($0["disabled_at"] as Date?) != nil,
                               lockedUntil: $0["locked_until"])
            }
        }
    }

    public func recordFailedSignIn(username: String, now: Date) async throws {
        try await dbWriter.write { db in
            try db.execute(sql: """
                UPDATE officers SET failed_sign_ins = failed_sign_ins + 1 WHERE username = ?
                """, arguments: [username])
            try db.execute(sql: """
                UPDATE officers SET locked_until = ?, failed_sign_ins = 0
                WHERE username = ? AND failed_sign_ins >= ?
                """, arguments: [now.addingTimeInterval(SignInPolicy.lockout), username, SignInPolicy.maxFailures])
        }
    }

    public func startSession(username: String, now: Date) async throws -> NewSession {
        let id = Self.randomToken()
        let session = NewSession(id: id, csrfToken: Self.randomToken(),
                                 expiresAt: now.addingTimeInterval(SignInPolicy.sessionLifetime))
        try await dbWriter.write { db in
            try db.execute(sql: "UPDATE officers SET failed_sign_ins = 0, locked_until = NULL WHERE username = ?",
                           arguments: [username])
            guard db.changesCount == 1 else { throw OfficerError.unknownOfficer(username) }
            // Expired sessions are swept here rather than by a timer.
            try db.execute(sql: "DELETE FROM officer_sessions WHERE expires_at < ?", arguments: [now])
            try db.execute(sql: """
                INSERT INTO officer_sessions (id_sha256, username, csrf_token, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [ScanVault.sha256Hex(Data(id.utf8)), username, session.csrfToken, now, session.expiresAt])
        }
        return session
    }

    public func session(id: String, now: Date) async throws -> OfficerSession? {
        guard !id.isEmpty, id.utf8.count <= 200 else { return nil }
        let hash = ScanVault.sha256Hex(Data(id.utf8))
        return try await dbWriter.read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.csrf_token, s.expires_at, o.username, o.areas FROM officer_sessions s
                JOIN officers o ON o.username = s.username
                WHERE s.id_sha256 = ? AND s.expires_at > ? AND o.disabled_at IS NULL
                """, arguments: [hash, now]).map {
                OfficerSession(officer: Officer(username: $0["username"], areas: try Self.decode([String].self, $0["areas"])),
                               csrfToken: $0["csrf_token"], expiresAt: $0["expires_at"])
            }
        }
    }

    public func endSession(id: String) async throws {
        let hash = ScanVault.sha256Hex(Data(id.utf8))
        try await dbWriter.write { db in
            try db.execute(sql: "DELETE FROM officer_sessions WHERE id_sha256 = ?", arguments: [hash])
        }
    }

    /// 32 random bytes, base64url: fits a cookie and a form field as it is.
    public static func newToken() -> String { randomToken() }

    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncoded()
    }
}
