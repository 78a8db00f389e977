import Foundation
import Verification

/// Everything the HTTP service, its check workers and `berkas recheck` ask of storage.
///
/// `AppDatabase` (SQLite through GRDB) is the one implementation today. The contract is written
/// so a PostgreSQL implementation shared by several nodes can be added: every method is one
/// transaction, jobs are leased (`leaseNextJob` = `SELECT ... FOR UPDATE SKIP LOCKED`), and
/// bookings are guarded by unique keys as well as by the quota check. See docs/STORE.md.
public protocol ClaimStore: Sendable {
    /// The branch whose areas and quotas the queue uses.
    var branch: Branch { get }

    // MARK: Intake

    /// Stores a new claim, its scans and its check job. A retry with the same
    /// `(client, idempotencyKey)` and the same body returns the first answer; the same key with
    /// another body is `StoreError.idempotencyConflict`. The same claim id with another body is
    /// `StoreError.claimConflict`.
    func submit(_ claim: NewClaim, client: Client, idempotencyKey: String?, now: Date) async throws -> SubmitOutcome

    /// Replaces or adds one scan; the claim goes back to `pending` and its job is queued again.
    func replaceScan(claimID: String, scan: ScanUpload, actor: String, now: Date) async throws -> ClaimReceipt

    /// The claim with its verdict (queue filled in from the booking ledger), or nil.
    func claim(id: String) async throws -> StoredClaim?

    /// Claims for `berkas recheck` and officers' lists, oldest first.
    func claims(matching filter: ClaimFilter) async throws -> [StoredClaim]

    /// The state-change history of a claim, oldest first.
    func auditTrail(claimID: String) async throws -> [AuditEntry]

    // MARK: Checking

    /// Takes the oldest runnable job (queued, or running with an expired lease) for `worker`.
    /// A job leased more than `maxAttempts` times is given up: its claim gets a `review` verdict.
    func leaseNextJob(worker: String, lease: Duration, now: Date) async throws -> LeasedJob?
    /// Extends the lease; false when the job is no longer this worker's.
    func renewLease(_ job: LeasedJob, lease: Duration, now: Date) async throws -> Bool
    /// Puts a failed job back in the queue after `delay`.
    func retryJob(_ job: LeasedJob, error: String, delay: Duration, now: Date) async throws
    /// What the checker needs for one claim: the form, the decrypted scans, the context.
    func checkInput(claimID: String) async throws -> CheckInput
    /// Applies a job's verdict (status, verdict, booking or release, audit) in one transaction if
    /// the job is still this worker's and the claim unchanged; otherwise `.stale` and nothing changes.
    func finishJob(_ job: LeasedJob, verdict: Verdict, now: Date) async throws -> ApplyOutcome
    /// Applies a verdict outside the job queue (`berkas recheck`), if the claim is still at
    /// `expectedRevision` (the revision `checkInput` returned).
    func applyVerdict(claimID: String, verdict: Verdict, expectedRevision: Int, actor: String, now: Date) async throws -> ApplyOutcome
    /// Job counts by state (metrics).
    func jobCounts() async throws -> [JobState: Int]

    // MARK: Video-call queue

    func bookings(area: String, date: CivilDate) async throws -> [QueueEntry]
    /// Frees a claim's booked call; returns the booking released, or nil if it had none.
    func releaseBooking(claimID: String, actor: String, reason: String, now: Date) async throws -> QueueBooking?
    /// Moves a claim's call to `date` (a working day with room), at the first free position.
    func moveBooking(claimID: String, to date: CivilDate, actor: String, now: Date) async throws -> QueueBooking

    // MARK: Access

    /// Creates an intake-service token and returns it; only its SHA-256 is stored.
    func createToken(name: String) async throws -> String
    /// The client a bearer token belongs to, or nil.
    func authenticate(token: String) async throws -> Client?

    /// Liveness of the storage.
    func ping() async throws
}

extension ClaimStore {
    public func submit(_ claim: NewClaim, client: Client, idempotencyKey: String? = nil) async throws -> SubmitOutcome {
        try await submit(claim, client: client, idempotencyKey: idempotencyKey, now: Date())
    }
    public func leaseNextJob(worker: String, lease: Duration) async throws -> LeasedJob? {
        try await leaseNextJob(worker: worker, lease: lease, now: Date())
    }
    public func finishJob(_ job: LeasedJob, verdict: Verdict) async throws -> ApplyOutcome {
        try await finishJob(job, verdict: verdict, now: Date())
    }
}

/// An intake service holding a bearer token.
public struct Client: Sendable, Hashable {
    public var tokenID: Int64
    public var name: String
    public init(tokenID: Int64, name: String) { self.tokenID = tokenID; self.name = name }
}

/// One scan as uploaded.
public struct ScanUpload: Sendable {
    /// `ktp`, `kk` or `employer_letter`.
    public var slot: String
    public var data: Data
    /// The client's file name: shown in verdicts, never used as a path.
    public var fileName: String?

    public init(slot: String, data: Data, fileName: String? = nil) {
        self.slot = slot; self.data = data; self.fileName = fileName
    }
}

/// A claim as posted: the form (its `documents` map is ignored) and the scans.
public struct NewClaim: Sendable {
    public var form: ClaimForm
    public var scans: [ScanUpload]
    public init(form: ClaimForm, scans: [ScanUpload]) { self.form = form; self.scans = scans }
}

/// The answer to an accepted submission: `{"id", "status"}`.
public struct ClaimReceipt: Codable, Sendable, Hashable {
    public var id: String
    public var status: ClaimStatus
    public init(id: String, status: ClaimStatus) { self.id = id; self.status = status }
}

public struct SubmitOutcome: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Stored now.
        case created
        /// The same claim (same form and scans) was stored before, without this idempotency key.
        case existing
        /// An idempotent retry: the first answer.
        case replayed
    }
    public var kind: Kind
    public var receipt: ClaimReceipt
    public init(kind: Kind, receipt: ClaimReceipt) { self.kind = kind; self.receipt = receipt }
}

public struct StoredDocument: Sendable, Hashable {
    public var slot: String
    public var sha256: String
    public var size: Int
    public var mediaType: String
    public var fileName: String?
}

public struct StoredClaim: Sendable {
    public var id: String
    public var form: ClaimForm
    public var status: ClaimStatus
    /// The last verdict with `queue` set from the current booking; nil until first checked.
    public var verdict: Verdict?
    public var booking: QueueBooking?
    /// Bumped whenever the claim's inputs change (a scan replaced); a verdict applies to one revision.
    public var revision: Int
    public var documents: [String: StoredDocument]
    public var client: String
    public var createdAt: Date
    public var updatedAt: Date
}

public struct ClaimFilter: Sendable {
    public var statuses: Set<ClaimStatus>?
    /// Claims created on or after this instant.
    public var since: Date?
    public var limit: Int?
    public init(statuses: Set<ClaimStatus>? = nil, since: Date? = nil, limit: Int? = nil) {
        self.statuses = statuses; self.since = since; self.limit = limit
    }
}

public struct AuditEntry: Sendable, Hashable {
    public var claimID: String
    public var actor: String
    public var at: Date
    public var fromStatus: String?
    public var toStatus: String
    public var detail: String
}

public enum JobState: String, Sendable, CaseIterable, Codable {
    case queued, running, done, failed
}

public struct LeasedJob: Sendable, Hashable {
    public var id: Int64
    public var claimID: String
    /// The claim revision this job checks.
    public var revision: Int
    public var attempts: Int
    public var worker: String
    public var leaseUntil: Date
}

public struct CheckInput: Sendable {
    /// The form with `documents` set to the stored slots' display names.
    public var form: ClaimForm
    public var scans: [String: ScanSource]
    public var context: ClaimContext
    public var revision: Int
}

public enum ApplyOutcome: Sendable {
    /// The verdict is stored; `queue` is the booking it holds.
    case applied(Verdict)
    /// The job or revision is no longer current; nothing changed.
    case stale
}

/// A booked call as the queue lists it.
public struct QueueEntry: Codable, Sendable, Hashable {
    public var position: Int
    public var claim: String
    public var nama: String?
    public var whatsapp: String?
}

public enum StoreError: Error, Equatable, CustomStringConvertible {
    case claimConflict(String)
    case idempotencyConflict(String)
    case unknownClaim(String)
    case unknownArea(String)
    case invalidSlot(String)
    case notWorkingDay(CivilDate)
    case dayFull(String, CivilDate)
    case notBooked(String)
    case noBranch

    public var description: String {
        switch self {
        case .claimConflict(let id): "claim \(id) already exists with different contents"
        case .idempotencyConflict(let key): "Idempotency-Key \(key) was used for a different request"
        case .unknownClaim(let id): "no claim \(id)"
        case .unknownArea(let area): "unknown area \(area)"
        case .invalidSlot(let slot): "unknown document slot \(slot)"
        case .notWorkingDay(let date): "\(date) is not a working day"
        case .dayFull(let area, let date): "\(area) has no free call on \(date)"
        case .notBooked(let id): "claim \(id) has no booked call"
        case .noBranch: "no branch configuration loaded"
        }
    }
}

/// The document slots a claim has.
public enum Slots {
    public static let all: [String] = DocumentKind.slots.map(\.rawValue)
    public static func isValid(_ slot: String) -> Bool { all.contains(slot) }
}

/// Claim statuses that still hold the claimant's place: a later claim with the same NIK is a
/// duplicate while an earlier one is in one of these. After the video call a claim is still
/// open (verified: on its way to payment; missed: to be called again; dropbox: originals
/// awaited at the office).
public enum OpenClaim {
    public static let statuses: [ClaimStatus] = [.pending, .review, .complete]
    /// The statuses as stored, with the officers' call outcomes (see `ReviewStatus`).
    public static let storedStatuses: [String] = statuses.map(\.rawValue) + ReviewStatus.callOutcomes.map(\.rawValue)
}
