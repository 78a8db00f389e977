import Foundation
import GRDB
import Verification

/// What `berkas recheck` asks of storage beyond `ClaimStore`: the claims a selection names,
/// each claim's inputs read together with what its verdict was, a guarded write of the new
/// verdict, and the record of runs that lets an interrupted run continue. See docs/RECHECK.md.
public protocol RecheckStore: ClaimStore {
    /// Ids of the claims in `selection`, oldest first (the order `claims(matching:)` uses).
    func recheckCandidates(_ selection: RecheckSelection) async throws -> [String]

    /// The claim as stored now and its check input; a scan that cannot be read (missing from
    /// the vault, does not decrypt) is listed in `unreadable` instead of failing the read.
    func recheckInput(claimID: String) async throws -> RecheckInput

    /// Stores `verdict` exactly as a check worker does (status, booking made, kept or released,
    /// audit row) if the claim is still the one `input` read: same revision, same status, not
    /// updated since. Otherwise `.stale` and nothing changes. With `runID`, the claim is marked
    /// done in that run in the same transaction.
    func applyRecheck(_ verdict: Verdict, to input: RecheckInput, runID: Int64?, actor: String,
                      now: Date) async throws -> ApplyOutcome

    /// The unfinished run with this selection and configuration fingerprint, or a new one.
    /// `restart` abandons such a run and starts a new one.
    func openRecheckRun(selection: RecheckSelection, fingerprint: String, restart: Bool,
                        now: Date) async throws -> RecheckRun
    /// Claims the run has stored a new verdict for.
    func recheckDone(runID: Int64) async throws -> Set<String>
    /// Marks the run finished (every selected claim done) or interrupted (to be resumed).
    func closeRecheckRun(runID: Int64, finished: Bool, now: Date) async throws
}

/// Which stored claims a re-check covers.
public struct RecheckSelection: Sendable, Hashable, Codable {
    /// Claim statuses, sorted and without repeats.
    public var statuses: [ClaimStatus]
    /// Claims received (stored) on or after the start of this day, in `timeZone`.
    public var since: CivilDate?

    /// Every status a re-check may take: a `pending` claim is still the check workers' to take.
    public static let allowedStatuses: [ClaimStatus] = ClaimStatus.allCases.filter { $0 != .pending }
    /// Not final: a claim that is complete, incomplete or in review may change with the rules.
    public static let defaultStatuses: [ClaimStatus] = [.complete, .incomplete, .review]

    public init(statuses: [ClaimStatus] = RecheckSelection.defaultStatuses, since: CivilDate? = nil) {
        self.statuses = Array(Set(statuses)).sorted { $0.rawValue < $1.rawValue }
        self.since = since
    }

    /// Parses `--status` (`complete,review`): a comma-separated list of allowed statuses.
    public static func parseStatuses(_ text: String) throws -> [ClaimStatus] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var statuses: [ClaimStatus] = []
        for name in names {
            guard let status = ClaimStatus(rawValue: name), allowedStatuses.contains(status) else {
                throw RecheckSelectionError.unknownStatus(name)
            }
            statuses.append(status)
        }
        return statuses
    }

    /// Canonical text: runs with equal selections compare equal here.
    public var key: String {
        "statuses=" + statuses.map(\.rawValue).joined(separator: ",") + ";since=" + (since?.description ?? "-")
    }

    /// The instant `since` starts in `timeZone` (the branch's clock: the machine's time zone).
    public func sinceInstant(timeZone: TimeZone = .current) -> Date? {
        guard let since else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: since.year, month: since.month, day: since.day))
    }
}

public enum RecheckSelectionError: Error, CustomStringConvertible, Equatable {
    case unknownStatus(String)

    public var description: String {
        switch self {
        case .unknownStatus(let name) where name == ClaimStatus.pending.rawValue:
            "--status pending: pending claims are checked by the server's workers, not re-checked"
        case .unknownStatus(let name):
            "--status: unknown status '\(name)' (one of: "
                + RecheckSelection.allowedStatuses.map(\.rawValue).joined(separator: ", ") + ")"
        }
    }
}

/// One stored claim as a re-check reads it.
public struct RecheckInput: Sendable {
    public var claim: StoredClaim
    /// The form, the readable scans, the context and the revision; nil when a scan is unreadable.
    public var check: CheckInput?
    /// Slot and why, for each scan that could not be read.
    public var unreadable: [(slot: String, error: String)]
    /// `claims.updated_at` exactly as stored: the guard that the claim did not change meanwhile.
    var updatedAtText: String
}

/// A re-check run as recorded in `recheck_runs`.
public struct RecheckRun: Sendable, Hashable {
    public var id: Int64
    /// True when this continues an interrupted run.
    public var resumed: Bool
    public var startedAt: Date
}

// MARK: - Schema

enum RecheckSchema {
    /// Migration `v3-recheck`: the runs of `berkas recheck` and the claims each has done.
    /// Independent of `v2-officers`.
    static func v3(_ db: Database) throws {
        try db.create(table: "recheck_runs") { t in
            t.autoIncrementedPrimaryKey("id")
            // RecheckSelection.key, e.g. "statuses=complete,incomplete,review;since=-".
            t.column("selection", .text).notNull()
            // SHA-256 over models/ and the Tesseract language data (docs/RECHECK.md).
            t.column("fingerprint", .text).notNull().check { length($0) == 64 }
            t.column("state", .text).notNull()
                .check(sql: "state IN ('running', 'interrupted', 'finished', 'abandoned')")
            t.column("started_at", .datetime).notNull()
            t.column("updated_at", .datetime).notNull()
            t.column("finished_at", .datetime)
        }
        try db.create(index: "recheck_runs_open", on: "recheck_runs", columns: ["selection", "fingerprint", "state"])
        // A claim whose new verdict the run stored. Claims skipped (stale, unreadable) are not
        // here, so a resumed run tries them again.
        try db.create(table: "recheck_claims") { t in
            t.column("run_id", .integer).notNull().references("recheck_runs", onDelete: .cascade)
            t.column("claim_id", .text).notNull().references("claims", onDelete: .cascade)
            t.column("from_status", .text).notNull()
            t.column("to_status", .text).notNull()
            t.column("at", .datetime).notNull()
            t.primaryKey(["run_id", "claim_id"])
        }
    }
}

// MARK: - AppDatabase

extension AppDatabase: RecheckStore {
    public func recheckCandidates(_ selection: RecheckSelection) async throws -> [String] {
        guard !selection.statuses.isEmpty else { return [] }
        let statuses = selection.statuses.map(\.rawValue)
        let since = selection.sinceInstant()
        return try await dbWriter.read { db in
            var sql = "SELECT id FROM claims WHERE status IN (\(databaseQuestionMarks(count: statuses.count)))"
            var arguments = StatementArguments(statuses)
            if let since {
                sql += " AND created_at >= ?"
                _ = arguments.append(contentsOf: [since])
            }
            sql += " ORDER BY created_at, id"
            return try String.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    public func recheckInput(claimID: String) async throws -> RecheckInput {
        let (claim, otherOpen, updatedAt) = try await dbWriter.read { db -> (StoredClaim, Bool, String) in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claims WHERE id = ?", arguments: [claimID]) else {
                throw StoreError.unknownClaim(claimID)
            }
            let claim = try Self.storedClaim(db, row)
            let updatedAt = try String.fetchOne(db, sql: "SELECT updated_at FROM claims WHERE id = ?",
                                                arguments: [claimID]) ?? ""
            return (claim, try Self.hasOtherOpenClaim(db, claim: claim), updatedAt)
        }
        var form = claim.form
        var scans: [String: ScanSource] = [:]
        var names: [String: String] = [:]
        var unreadable: [(slot: String, error: String)] = []
        for (slot, doc) in claim.documents.sorted(by: { $0.key < $1.key }) {
            let name = doc.fileName.flatMap { $0.isEmpty ? nil : $0 } ?? slot
            do {
                scans[slot] = .data(try vault.load(sha256: doc.sha256), name: name)
                names[slot] = name
            } catch {
                unreadable.append((slot, String(describing: error)))
            }
        }
        form.documents = names
        let check = unreadable.isEmpty
            ? CheckInput(form: form, scans: scans, context: ClaimContext(hasOtherOpenClaim: otherOpen),
                         revision: claim.revision)
            : nil
        return RecheckInput(claim: claim, check: check, unreadable: unreadable, updatedAtText: updatedAt)
    }

    public func applyRecheck(_ verdict: Verdict, to input: RecheckInput, runID: Int64?, actor: String,
                             now: Date) async throws -> ApplyOutcome {
        let claim = input.claim
        return try await dbWriter.write { db in
            // Any write to the claim (a new scan, a worker's or officer's verdict) changes one of these.
            guard try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM claims WHERE id = ? AND revision = ? AND status = ? AND updated_at = ?)
                """, arguments: [claim.id, claim.revision, claim.status.rawValue, input.updatedAtText]) ?? false else {
                return .stale
            }
            let stored = try apply(db, claimID: claim.id, verdict: verdict, revision: claim.revision,
                                   actor: actor, now: now)
            if let runID {
                try db.execute(sql: """
                    INSERT INTO recheck_claims (run_id, claim_id, from_status, to_status, at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, claim_id) DO UPDATE SET to_status = excluded.to_status, at = excluded.at
                    """, arguments: [runID, claim.id, claim.status.rawValue, stored.status.rawValue, now])
                try db.execute(sql: "UPDATE recheck_runs SET updated_at = ? WHERE id = ?", arguments: [now, runID])
            }
            return .applied(stored)
        }
    }

    public func openRecheckRun(selection: RecheckSelection, fingerprint: String, restart: Bool,
                               now: Date) async throws -> RecheckRun {
        try await dbWriter.write { db in
            let open = try Row.fetchOne(db, sql: """
                SELECT id, started_at FROM recheck_runs
                WHERE selection = ? AND fingerprint = ? AND state IN ('running', 'interrupted')
                ORDER BY id DESC LIMIT 1
                """, arguments: [selection.key, fingerprint])
            if let open, !restart {
                try db.execute(sql: "UPDATE recheck_runs SET state = 'running', updated_at = ? WHERE id = ?",
                               arguments: [now, open["id"] as Int64])
                return RecheckRun(id: open["id"], resumed: true, startedAt: open["started_at"])
            }
            if restart {
                try db.execute(sql: """
                    UPDATE recheck_runs SET state = 'abandoned', updated_at = ?
                    WHERE selection = ? AND fingerprint = ? AND state IN ('running', 'interrupted')
                    """, arguments: [now, selection.key, fingerprint])
            }
            try db.execute(sql: """
                INSERT INTO recheck_runs (selection, fingerprint, state, started_at, updated_at)
                VALUES (?, ?, 'running', ?, ?)
                """, arguments: [selection.key, fingerprint, now, now])
            return RecheckRun(id: db.lastInsertedRowID, resumed: false, startedAt: now)
        }
    }

    public func recheckDone(runID: Int64) async throws -> Set<String> {
        try await dbWriter.read { db in
            Set(try String.fetchAll(db, sql: "SELECT claim_id FROM recheck_claims WHERE run_id = ?", arguments: [runID]))
        }
    }

    public func closeRecheckRun(runID: Int64, finished: Bool, now: Date) async throws {
        try await dbWriter.write { db in
            try db.execute(sql: """
                UPDATE recheck_runs SET state = ?, updated_at = ?, finished_at = ? WHERE id = ?
                """, arguments: [finished ? "finished" : "interrupted", now, finished ? now : nil, runID])
        }
    }
}
