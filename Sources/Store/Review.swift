import Foundation
import GRDB
import Verification

/// What the officers' pages read and change: the review list, one claim with everything
/// officers did to it, and the day's video calls. Every change is one transaction with its
/// audit row, whose actor is `officer:USERNAME`.
public protocol ReviewStore: Sendable {
    /// Claims in `query.statuses` (by `submitted_at`, oldest first).
    func reviewList(_ query: ReviewQuery) async throws -> [ReviewItem]
    /// How many claims are in each status (raw status strings), in the given areas (nil: all).
    func statusCounts(areas: [String]?) async throws -> [String: Int]
    /// One claim as the claim page shows it, or nil.
    func reviewRecord(claimID: String) async throws -> ReviewRecord?
    /// The decrypted current scan of a slot, or nil when the slot is empty.
    func scan(claimID: String, slot: String) async throws -> (document: StoredDocument, data: Data)?

    func correctField(claimID: String, slot: String, field: String, value: String, officer: String, now: Date) async throws
    func acceptDocument(claimID: String, slot: String, officer: String, now: Date) async throws
    /// The claimant must fix something: status `incomplete` with the officer's reason; a booked
    /// call is released.
    func markIncomplete(claimID: String, reason: ReasonCode, note: String, officer: String, now: Date) async throws
    /// The officer finds the claim complete: it is booked through the same ledger as a worker's
    /// complete verdict (never overbooking). `StoreError.dayFull` when no day has room.
    func approve(claimID: String, officer: String, now: Date) async throws -> QueueBooking

    /// The booked calls of one area and day, in order, with what happened on each.
    func callDay(area: String, date: CivilDate) async throws -> [CallEntry]
    /// Records a call's outcome; see `CallOutcome` for which outcome frees the place.
    func recordCallOutcome(claimID: String, outcome: CallOutcome, note: String, officer: String, now: Date) async throws
    /// A claim whose call was missed gets the next free call (status back to `complete`).
    func rebook(claimID: String, officer: String, now: Date) async throws -> QueueBooking
}

/// Every status a claim can have: the verdict's four, and the outcomes of its video call.
/// `claims.status` holds these raw values (it has no CHECK, so they needed no table rebuild).
public enum ReviewStatus: String, Sendable, CaseIterable {
    case pending, complete, incomplete, review
    case callVerified = "call_verified"
    case callMissed = "call_missed"
    case dropbox

    public static let callOutcomes: [ReviewStatus] = [.callVerified, .callMissed, .dropbox]
}

/// What the officer records after a call.
///
/// - `callVerified`: the claimant showed the originals; the claim goes on to payment. The
///   booking stays: the call took place in that slot.
/// - `callMissed`: nobody answered. The booking is released (the place can be given to another
///   claim if the day is not over) and the claim waits for `rebook`; it is not silently dropped.
/// - `dropbox`: the documents must be brought to the office dropbox; no further call is needed,
///   so the booking is released.
public enum CallOutcome: String, Sendable, CaseIterable {
    case callVerified = "call_verified"
    case callMissed = "call_missed"
    case dropbox

    public var releasesBooking: Bool { self != .callVerified }
}

public struct ReviewQuery: Sendable {
    public var statuses: [String]
    /// Nil: every area.
    public var areas: [String]?
    /// `submitted_at` equal to this day, when set.
    public var submittedOn: CivilDate?
    public var limit: Int

    public init(statuses: [String], areas: [String]? = nil, submittedOn: CivilDate? = nil, limit: Int = 500) {
        self.statuses = statuses; self.areas = areas; self.submittedOn = submittedOn; self.limit = limit
    }
}

public struct ReviewItem: Sendable {
    public var id: String
    public var nama: String?
    public var area: String
    public var status: String
    public var submittedAt: String?
    public var reasons: [Issue]
    public var booking: QueueBooking?
}

public struct FieldCorrection: Sendable, Hashable {
    public var slot: String
    public var field: String
    public var value: String
    public var readValue: String?
    public var scanSHA256: String
    public var officer: String
    public var at: Date
}

public struct DocumentAcceptance: Sendable, Hashable {
    public var slot: String
    public var scanSHA256: String
    public var officer: String
    public var at: Date
}

public struct OfficerDecision: Sendable, Hashable {
    public var revision: Int
    public var decision: String
    public var reasonCode: String?
    public var note: String
    public var officer: String
    public var at: Date
}

public struct ReviewRecord: Sendable {
    public var claim: StoredClaim
    /// `claims.status` as stored (it may be a call outcome, which `ClaimStatus` lacks).
    public var status: String
    public var area: String
    /// Corrections of the scans the claim holds now.
    public var corrections: [FieldCorrection]
    public var acceptances: [DocumentAcceptance]
    public var decision: OfficerDecision?
    public var audit: [AuditEntry]
}

public struct CallEntry: Sendable {
    public var position: Int
    public var claim: String
    public var nama: String?
    public var whatsapp: String?
    public var status: String
}

public enum ReviewError: Error, Equatable, CustomStringConvertible {
    /// The action does not apply to a claim in this status.
    case notAllowed(action: String, status: String)
    case unknownField(slot: String, field: String)
    case emptySlot(String)

    public var description: String {
        switch self {
        case .notAllowed(let action, let status): "cannot \(action) a claim in status \(status)"
        case .unknownField(let slot, let field): "the \(slot) verdict has no field \(field)"
        case .emptySlot(let slot): "the claim has no \(slot) scan"
        }
    }
}

extension AppDatabase: ReviewStore {
    public func reviewList(_ query: ReviewQuery) async throws -> [ReviewItem] {
        guard !query.statuses.isEmpty else { return [] }
        return try await dbWriter.read { db in
            var sql = "SELECT id, form, area, status, verdict FROM claims WHERE status IN (\(databaseQuestionMarks(count: query.statuses.count)))"
            var arguments = StatementArguments(query.statuses)
            if let areas = query.areas {
                guard !areas.isEmpty else { return [] }
                sql += " AND area IN (\(databaseQuestionMarks(count: areas.count)))"
                _ = arguments.append(contentsOf: StatementArguments(areas))
            }
            if let day = query.submittedOn {
                sql += " AND json_extract(form, '$.submitted_at') = ?"
                _ = arguments.append(contentsOf: [day.description])
            }
            sql += " ORDER BY COALESCE(json_extract(form, '$.submitted_at'), date(created_at)), created_at, id LIMIT \(max(0, query.limit))"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let form = try Self.decode(ClaimForm.self, row["form"])
                let verdict = try (row["verdict"] as String?).map { try Self.decode(Verdict.self, $0) }
                return ReviewItem(id: row["id"], nama: form.nama, area: row["area"], status: row["status"],
                                  submittedAt: form.submittedAt, reasons: verdict?.reasons ?? [],
                                  booking: try Self.booking(db, claimID: row["id"]))
            }
        }
    }

    public func statusCounts(areas: [String]?) async throws -> [String: Int] {
        try await dbWriter.read { db in
            var sql = "SELECT status, COUNT(*) AS n FROM claims"
            var arguments = StatementArguments()
            if let areas {
                guard !areas.isEmpty else { return [:] }
                sql += " WHERE area IN (\(databaseQuestionMarks(count: areas.count)))"
                arguments = StatementArguments(areas)
            }
            sql += " GROUP BY status"
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) { counts[row["status"]] = row["n"] }
            return counts
        }
    }

    public func reviewRecord(claimID: String) async throws -> ReviewRecord? {
        try await dbWriter.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claims WHERE id = ?", arguments: [claimID]) else {
                return nil
            }
            let claim = try Self.storedClaim(db, row)
            let current = Set(claim.documents.values.map(\.sha256))
            let corrections = try Row.fetchAll(db, sql: """
                SELECT * FROM field_corrections WHERE claim_id = ? ORDER BY slot, field
                """, arguments: [claimID]).map {
                FieldCorrection(slot: $0["slot"], field: $0["field"], value: $0["value"], readValue: $0["read_value"],
                                scanSHA256: $0["scan_sha256"], officer: $0["officer"], at: $0["at"])
            }.filter { current.contains($0.scanSHA256) }
            let acceptances = try Row.fetchAll(db, sql: """
                SELECT * FROM document_acceptances WHERE claim_id = ? ORDER BY slot
                """, arguments: [claimID]).map {
                DocumentAcceptance(slot: $0["slot"], scanSHA256: $0["scan_sha256"], officer: $0["officer"], at: $0["at"])
            }.filter { current.contains($0.scanSHA256) }
            let decision = try Self.decision(db, claimID: claimID)
            let audit = try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE claim_id = ? ORDER BY id", arguments: [claimID]).map {
                AuditEntry(claimID: $0["claim_id"], actor: $0["actor"], at: $0["at"],
                           fromStatus: $0["from_status"], toStatus: $0["to_status"], detail: $0["detail"])
            }
            return ReviewRecord(claim: claim, status: row["status"], area: row["area"], corrections: corrections,
                                acceptances: acceptances, decision: decision, audit: audit)
        }
    }

    public func scan(claimID: String, slot: String) async throws -> (document: StoredDocument, data: Data)? {
        guard Slots.isValid(slot) else { throw StoreError.invalidSlot(slot) }
        guard let claim = try await claim(id: claimID) else { throw StoreError.unknownClaim(claimID) }
        guard let document = claim.documents[slot] else { return nil }
        return (document, try vault.load(sha256: document.sha256))
    }

    public func correctField(claimID: String, slot: String, field: String, value: String, officer: String,
                             now: Date) async throws {
        try await officerChange(claimID: claimID, officer: officer, now: now, action: "correct a field of",
                                allowed: [.review, .incomplete, .complete]) { db, claim, status in
            guard let scan = claim.documents[slot] else { throw ReviewError.emptySlot(slot) }
            guard let result = claim.verdict?.documents[slot], Self.knownFields(result.kind).contains(field) else {
                throw ReviewError.unknownField(slot: slot, field: field)
            }
            let read = result.fields[field]?.value
            try db.execute(sql: """
                INSERT INTO field_corrections (claim_id, slot, field, scan_sha256, value, read_value, officer, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (claim_id, slot, field, scan_sha256) DO UPDATE SET
                    value = excluded.value, officer = excluded.officer, at = excluded.at
                """, arguments: [claimID, slot, field, scan.sha256, value, read, officer, now])
            return (status, "corrected \(slot).\(field): \(Self.quoted(read)) -> \(Self.quoted(value))", nil)
        }
    }

    public func acceptDocument(claimID: String, slot: String, officer: String, now: Date) async throws {
        try await officerChange(claimID: claimID, officer: officer, now: now, action: "accept a document of",
                                allowed: [.review, .incomplete, .complete]) { db, claim, status in
            guard let scan = claim.documents[slot] else { throw ReviewError.emptySlot(slot) }
            try db.execute(sql: """
                INSERT INTO document_acceptances (claim_id, slot, scan_sha256, officer, at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (claim_id, slot, scan_sha256) DO UPDATE SET officer = excluded.officer, at = excluded.at
                """, arguments: [claimID, slot, scan.sha256, officer, now])
            return (status, "accepted \(slot) scan \(scan.sha256.prefix(12))", nil)
        }
    }

    public func markIncomplete(claimID: String, reason: ReasonCode, note: String, officer: String,
                               now: Date) async throws {
        try await officerChange(claimID: claimID, officer: officer, now: now, action: "mark incomplete",
                                allowed: [.review, .complete]) { db, claim, _ in
            var verdict = claim.verdict ?? Verdict(claim: claimID, status: .incomplete, reasons: [], documents: [:])
            verdict.queue = nil
            verdict.status = .incomplete
            verdict.reasons.insert(Self.officerIssue(reason, note: note), at: 0)
            try db.execute(sql: "UPDATE claims SET status = 'incomplete', verdict = ?, updated_at = ? WHERE id = ?",
                           arguments: [try Self.json(verdict), now, claimID])
            try Self.recordDecision(db, claimID: claimID, revision: claim.revision, decision: "incomplete",
                                    reason: reason.rawValue, note: note, officer: officer, now: now)
            var detail = "marked incomplete: \(reason.rawValue)" + (note.isEmpty ? "" : " \(Self.quoted(note))")
            if let booking = try Self.release(db, claimID: claimID) {
                detail += "; released call \(booking.area) \(booking.date) #\(booking.position)"
            }
            return (.incomplete, detail, nil)
        }
    }

    public func approve(claimID: String, officer: String, now: Date) async throws -> QueueBooking {
        let booked = try await officerChange(claimID: claimID, officer: officer, now: now, action: "approve",
                                allowed: [.review, .incomplete]) { db, claim, _ in
            let booking = try Self.booking(db, claimID: claimID)
                ?? book(db, claimID: claimID, area: claim.form.area ?? "", form: claim.form,
                        createdAt: claim.createdAt, now: now)
            guard let booking else {
                throw StoreError.dayFull(claim.form.area ?? "", CivilDate(now))
            }
            var verdict = claim.verdict ?? Verdict(claim: claimID, status: .complete, reasons: [], documents: [:])
            verdict.status = .complete
            verdict.queue = nil
            try db.execute(sql: "UPDATE claims SET status = 'complete', verdict = ?, updated_at = ? WHERE id = ?",
                           arguments: [try Self.json(verdict), now, claimID])
            try Self.recordDecision(db, claimID: claimID, revision: claim.revision, decision: "approved",
                                    reason: nil, note: "", officer: officer, now: now)
            return (.complete, "approved; booked \(booking.area) \(booking.date) #\(booking.position)", booking)
        }
        guard let booked else { throw StoreError.notBooked(claimID) }
        return booked
    }

    public func callDay(area: String, date: CivilDate) async throws -> [CallEntry] {
        guard branch.area(area) != nil else { throw StoreError.unknownArea(area) }
        return try await dbWriter.read { db in
            // Released calls (missed, dropbox) are listed from their outcome row, so the day's
            // list still shows what happened to everyone who was on it.
            try Row.fetchAll(db, sql: """
                SELECT position, claim_id FROM bookings WHERE area = ? AND date = ?
                UNION
                SELECT position, claim_id FROM call_outcomes o WHERE area = ? AND date = ?
                    AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.claim_id = o.claim_id AND b.area = o.area AND b.date = o.date)
                ORDER BY position, claim_id
                """, arguments: [area, date.description, area, date.description]).map { row in
                let claimID: String = row["claim_id"]
                let claim = try Row.fetchOne(db, sql: "SELECT form, status FROM claims WHERE id = ?", arguments: [claimID])
                let form = try claim.map { try Self.decode(ClaimForm.self, $0["form"]) }
                return CallEntry(position: row["position"], claim: claimID, nama: form?.nama,
                                 whatsapp: form?.whatsapp, status: claim?["status"] ?? "")
            }
        }
    }

    public func recordCallOutcome(claimID: String, outcome: CallOutcome, note: String, officer: String,
                                  now: Date) async throws {
        try await officerChange(claimID: claimID, officer: officer, now: now, action: "record a call outcome for", allowed: [.complete]) { db, _, _ in
            guard let booking = try Self.booking(db, claimID: claimID) else { throw StoreError.notBooked(claimID) }
            try db.execute(sql: """
                INSERT INTO call_outcomes (claim_id, area, date, position, outcome, note, officer, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [claimID, booking.area, booking.date, booking.position, outcome.rawValue, note, officer, now])
            try db.execute(sql: "UPDATE claims SET status = ?, updated_at = ? WHERE id = ?",
                           arguments: [outcome.rawValue, now, claimID])
            var detail = "call \(booking.area) \(booking.date) #\(booking.position): \(outcome.rawValue)"
            if !note.isEmpty { detail += " \(Self.quoted(note))" }
            if outcome.releasesBooking {
                _ = try Self.release(db, claimID: claimID)
                detail += "; call released"
            }
            return (ReviewStatus(rawValue: outcome.rawValue)!, detail, nil)
        }
    }

    public func rebook(claimID: String, officer: String, now: Date) async throws -> QueueBooking {
        let booked = try await officerChange(claimID: claimID, officer: officer, now: now, action: "book again", allowed: [.callMissed]) { db, claim, _ in
            // From the day after the missed call: the claimant gets the next free call.
            let missed = try String.fetchOne(db, sql: """
                SELECT date FROM call_outcomes WHERE claim_id = ? ORDER BY id DESC LIMIT 1
                """, arguments: [claimID]).flatMap(CivilDate.init) ?? CivilDate(now)
            var form = claim.form
            form.submittedAt = missed.description
            form.preferredDate = missed.adding(days: 1).description
            guard let booking = try book(db, claimID: claimID, area: claim.form.area ?? "", form: form,
                                         createdAt: claim.createdAt, now: now) else {
                throw StoreError.dayFull(claim.form.area ?? "", missed.adding(days: 1))
            }
            try db.execute(sql: "UPDATE claims SET status = 'complete', updated_at = ? WHERE id = ?", arguments: [now, claimID])
            return (.complete, "booked again after a missed call: \(booking.area) \(booking.date) #\(booking.position)", booking)
        }
        guard let booked else { throw StoreError.notBooked(claimID) }
        return booked
    }

    // MARK: Shared steps

    /// Runs one officer action in a write transaction: the claim must exist and be in one of
    /// `allowed`; `change` does the work and says the new status, the audit detail and the
    /// booking it made, if any.
    @discardableResult
    private func officerChange(claimID: String, officer: String, now: Date, action: String,
                               allowed: Set<ReviewStatus>,
                               _ change: @escaping @Sendable (Database, StoredClaim, ReviewStatus) throws -> (ReviewStatus, String, QueueBooking?))
        async throws -> QueueBooking? {
        try await dbWriter.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claims WHERE id = ?", arguments: [claimID]) else {
                throw StoreError.unknownClaim(claimID)
            }
            let raw: String = row["status"]
            guard let status = ReviewStatus(rawValue: raw), allowed.contains(status) else {
                throw ReviewError.notAllowed(action: action, status: raw)
            }
            let claim = try Self.storedClaim(db, row)
            let (to, detail, booking) = try change(db, claim, status)
            try Self.audit(db, claimID: claimID, actor: "officer:\(officer)", at: now,
                           from: raw, to: to.rawValue, detail: detail)
            return booking
        }
    }

    static func decision(_ db: Database, claimID: String) throws -> OfficerDecision? {
        try Row.fetchOne(db, sql: "SELECT * FROM officer_decisions WHERE claim_id = ?", arguments: [claimID]).map {
            OfficerDecision(revision: $0["revision"], decision: $0["decision"], reasonCode: $0["reason_code"],
                            note: $0["note"], officer: $0["officer"], at: $0["at"])
        }
    }

    static func recordDecision(_ db: Database, claimID: String, revision: Int, decision: String, reason: String?,
                               note: String, officer: String, now: Date) throws {
        try db.execute(sql: """
            INSERT INTO officer_decisions (claim_id, revision, decision, reason_code, note, officer, at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (claim_id) DO UPDATE SET revision = excluded.revision, decision = excluded.decision,
                reason_code = excluded.reason_code, note = excluded.note, officer = excluded.officer, at = excluded.at
            """, arguments: [claimID, revision, decision, reason, note, officer, now])
    }

    static func release(_ db: Database, claimID: String) throws -> QueueBooking? {
        guard let booking = try booking(db, claimID: claimID) else { return nil }
        try db.execute(sql: "DELETE FROM bookings WHERE claim_id = ?", arguments: [claimID])
        return booking
    }

    /// The reason an officer gives, in the claimant's words: the code's message, then the note.
    static func officerIssue(_ code: ReasonCode, note: String) -> Issue {
        Issue(code, severity: .error, message: note.isEmpty ? code.message : "\(code.message) Catatan petugas: \(note)")
    }

    /// The fields SPEC section 1 names for a kind: what an officer may correct.
    public static func knownFields(_ kind: DocumentKind) -> [String] {
        switch kind {
        case .ktp: ["provinsi", "kabupaten_kota", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
                    "golongan_darah", "alamat", "rt_rw", "kel_desa", "kecamatan", "agama", "status_perkawinan",
                    "pekerjaan", "kewarganegaraan", "berlaku_hingga", "tempat_terbit", "tanggal_terbit"]
        case .kk: ["no_kk", "kepala_keluarga", "alamat", "rt_rw", "desa_kelurahan", "kecamatan", "kabupaten_kota",
                   "kode_pos", "provinsi", "tanggal_dikeluarkan"]
        case .employerLetter: ["perusahaan", "nomor_surat", "nama", "nik", "jabatan", "tanggal_mulai", "tanggal_berakhir",
                               "tanggal_surat", "kota_surat", "alasan_berhenti", "penandatangan"]
        case .unknown: []
        }
    }

    static func quoted(_ text: String?) -> String {
        guard let text else { return "(kosong)" }
        return "\"" + text.replacingOccurrences(of: "\"", with: "'") + "\""
    }
}

// MARK: - What an automatic check must not undo

extension AppDatabase {
    /// A claim whose video call has an outcome is past the pre-check: a re-check of it changes
    /// nothing and says so in the audit. Returns the verdict kept, or nil to apply normally.
    /// (A replaced scan first sets the claim to `pending`, so it is checked again as usual.)
    static func keepingCallOutcome(_ db: Database, claimID: String, actor: String, now: Date,
                                   verdict: Verdict) throws -> Verdict? {
        guard let row = try Row.fetchOne(db, sql: "SELECT status, verdict FROM claims WHERE id = ?", arguments: [claimID]),
              let status = ReviewStatus(rawValue: row["status"]), ReviewStatus.callOutcomes.contains(status) else {
            return nil
        }
        var kept = try (row["verdict"] as String?).map { try decode(Verdict.self, $0) } ?? verdict
        kept.queue = try booking(db, claimID: claimID)
        try audit(db, claimID: claimID, actor: actor, at: now, from: status.rawValue, to: status.rawValue,
                  detail: "re-check found \(verdict.status.rawValue); kept: the call outcome \(status.rawValue) stands")
        return kept
    }

    /// An officer's decision on this revision (the same scans) stands over an automatic verdict:
    /// approved stays complete, incomplete stays incomplete with the officer's reason. The
    /// machine's own reasons are kept, so the page still shows what it doubted.
    static func withOfficerDecision(_ db: Database, claimID: String, revision: Int, verdict: Verdict) throws -> Verdict {
        guard let decision = try decision(db, claimID: claimID), decision.revision == revision else { return verdict }
        var verdict = verdict
        switch decision.decision {
        case "approved":
            verdict.status = .complete
        case "incomplete":
            verdict.status = .incomplete
            if let code = decision.reasonCode.flatMap(ReasonCode.init(rawValue:)) {
                verdict.reasons.insert(officerIssue(code, note: decision.note), at: 0)
            }
        default:
            break
        }
        return verdict
    }
}
