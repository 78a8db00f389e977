import Foundation
import GRDB
import Verification

// MARK: - Check jobs

extension AppDatabase {
    public func leaseNextJob(worker: String, lease: Duration, now: Date) async throws -> LeasedJob? {
        let until = now.addingTimeInterval(lease.seconds)
        return try await dbWriter.write { db in
            while true {
                // Queued, or running under a lease that ran out (its worker died).
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT id, claim_id, revision, attempts, state, worker FROM jobs
                    WHERE (state = 'queued' AND available_at <= ?) OR (state = 'running' AND lease_until < ?)
                    ORDER BY available_at, id LIMIT 1
                    """, arguments: [now, now]) else { return nil }
                let id: Int64 = row["id"]
                let claimID: String = row["claim_id"]
                let attempts: Int = row["attempts"]
                if attempts >= maxAttempts {
                    try giveUp(db, jobID: id, claimID: claimID, attempts: attempts, now: now)
                    continue
                }
                if row["state"] as String == "running" {
                    logger.warning("check job lease expired; taking it over",
                                   metadata: ["claim": "\(claimID)", "from": "\(row["worker"] as String? ?? "?")",
                                              "to": "\(worker)"])
                }
                try db.execute(sql: """
                    UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1,
                        updated_at = ? WHERE id = ?
                    """, arguments: [worker, until, now, id])
                return LeasedJob(id: id, claimID: claimID, revision: row["revision"],
                                 attempts: attempts + 1, worker: worker, leaseUntil: until)
            }
        }
    }

    public func renewLease(_ job: LeasedJob, lease: Duration, now: Date) async throws -> Bool {
        try await dbWriter.write { db in
            try db.execute(sql: """
                UPDATE jobs SET lease_until = ?, updated_at = ?
                WHERE id = ? AND state = 'running' AND worker = ? AND revision = ?
                """, arguments: [now.addingTimeInterval(lease.seconds), now, job.id, job.worker, job.revision])
            return db.changesCount == 1
        }
    }

    public func retryJob(_ job: LeasedJob, error: String, delay: Duration, now: Date) async throws {
        try await dbWriter.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, last_error = ?,
                    available_at = ?, updated_at = ?
                WHERE id = ? AND state = 'running' AND worker = ?
                """, arguments: [error, now.addingTimeInterval(delay.seconds), now, job.id, job.worker])
        }
    }

    public func checkInput(claimID: String) async throws -> CheckInput {
        let (claim, otherOpen) = try await dbWriter.read { db -> (StoredClaim, Bool) in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claims WHERE id = ?", arguments: [claimID]) else {
                throw StoreError.unknownClaim(claimID)
            }
            let claim = try Self.storedClaim(db, row)
            return (claim, try Self.hasOtherOpenClaim(db, claim: claim))
        }
        var form = claim.form
        var scans: [String: ScanSource] = [:]
        var names: [String: String] = [:]
        for (slot, doc) in claim.documents {
            let name = doc.fileName.flatMap { $0.isEmpty ? nil : $0 } ?? slot
            scans[slot] = .data(try vault.load(sha256: doc.sha256), name: name)
            names[slot] = name
        }
        form.documents = names
        return CheckInput(form: form, scans: scans, context: ClaimContext(hasOtherOpenClaim: otherOpen),
                          revision: claim.revision)
    }

    /// An open claim for the same NIK accepted before this one (see `OpenClaim`). Only earlier
    /// claims count, so the first of two duplicates is not held up by the second.
    static func hasOtherOpenClaim(_ db: Database, claim: StoredClaim) throws -> Bool {
        guard let nik = claim.form.nik, !nik.isEmpty else { return false }
        let open = OpenClaim.storedStatuses
        return try Bool.fetchOne(db, sql: """
            SELECT EXISTS(SELECT 1 FROM claims
                WHERE nik = ? AND id <> ? AND status IN (\(databaseQuestionMarks(count: open.count)))
                  AND (created_at < ? OR (created_at = ? AND id < ?)))
            """, arguments: StatementArguments([nik, claim.id]) + StatementArguments(open)
                + StatementArguments([claim.createdAt, claim.createdAt, claim.id] as [any DatabaseValueConvertible])) ?? false
    }

    public func finishJob(_ job: LeasedJob, verdict: Verdict, now: Date) async throws -> ApplyOutcome {
        try await dbWriter.write { db in
            // Guard: still this worker's lease on this revision. A job finished twice (a worker
            // thought dead comes back) fails here, so it cannot book twice.
            guard try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM jobs j JOIN claims c ON c.id = j.claim_id
                    WHERE j.id = ? AND j.state = 'running' AND j.worker = ? AND j.revision = ? AND c.revision = ?)
                """, arguments: [job.id, job.worker, job.revision, job.revision]) ?? false else {
                return .stale
            }
            let applied = try apply(db, claimID: job.claimID, verdict: verdict, revision: job.revision,
                                    actor: "worker:\(job.worker)", now: now)
            try db.execute(sql: """
                UPDATE jobs SET state = 'done', worker = NULL, lease_until = NULL, last_error = NULL, updated_at = ?
                WHERE id = ?
                """, arguments: [now, job.id])
            return .applied(applied)
        }
    }

    public func applyVerdict(claimID: String, verdict: Verdict, expectedRevision: Int, actor: String,
                             now: Date) async throws -> ApplyOutcome {
        try await dbWriter.write { db in
            guard let revision = try Int.fetchOne(db, sql: "SELECT revision FROM claims WHERE id = ?",
                                                  arguments: [claimID]) else {
                throw StoreError.unknownClaim(claimID)
            }
            guard revision == expectedRevision else { return .stale }
            return .applied(try apply(db, claimID: claimID, verdict: verdict, revision: revision,
                                      actor: actor, now: now))
        }
    }

    public func jobCounts() async throws -> [JobState: Int] {
        try await dbWriter.read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Stores a verdict: the claim's status and verdict, the booking (made when complete, kept
    /// when already held, released otherwise) and the audit row. Runs inside the caller's transaction.
    func apply(_ db: Database, claimID: String, verdict: Verdict, revision: Int, actor: String,
               now: Date) throws -> Verdict {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claims WHERE id = ?", arguments: [claimID]) else {
            throw StoreError.unknownClaim(claimID)
        }
        let from: String = row["status"]
        let form = try Self.decode(ClaimForm.self, row["form"])
        let area: String = row["area"]
        var verdict = verdict
        verdict.claim = claimID
        verdict.queue = nil
        // What officers decided and recorded is not undone by a machine (Review.swift).
        if let kept = try Self.keepingCallOutcome(db, claimID: claimID, actor: actor, now: now, verdict: verdict) { return kept }
        verdict = try Self.withOfficerDecision(db, claimID: claimID, revision: revision, verdict: verdict)
        var detail = "checked revision \(revision): \(verdict.status.rawValue)"
        let existing = try Self.booking(db, claimID: claimID)

        if verdict.status == .complete {
            if let existing {
                verdict.queue = existing
                detail += "; keeps call \(existing.area) \(existing.date) #\(existing.position)"
            } else if let booked = try book(db, claimID: claimID, area: area, form: form,
                                            createdAt: row["created_at"], now: now) {
                verdict.queue = booked
                detail += "; booked \(booked.area) \(booked.date) #\(booked.position)"
            } else {
                // No room within the horizon: an officer schedules it by hand.
                verdict.status = .review
                verdict.reasons.append(Issue(.claimInvalid, severity: .warning, message:
                    "Belum ada jadwal panggilan video yang kosong dalam \(branch.bookingHorizonDays) hari; petugas akan menjadwalkan."))
                detail += "; no free call within \(branch.bookingHorizonDays) days -> review"
            }
        } else if let existing {
            try db.execute(sql: "DELETE FROM bookings WHERE claim_id = ?", arguments: [claimID])
            detail += "; released call \(existing.area) \(existing.date) #\(existing.position)"
        }
        if verdict.status != .complete, !verdict.reasons.isEmpty {
            detail += " [" + verdict.reasons.map(\.code.rawValue).joined(separator: ",") + "]"
        }

        var stored = verdict
        stored.queue = nil
        try db.execute(sql: """
            UPDATE claims SET status = ?, verdict = ?, checked_revision = ?, updated_at = ? WHERE id = ?
            """, arguments: [verdict.status.rawValue, try Self.json(stored), revision, now, claimID])
        try Self.audit(db, claimID: claimID, actor: actor, at: now, from: from, to: verdict.status.rawValue,
                       detail: detail)
        return verdict
    }

    /// A job whose worker died `maxAttempts` times: stop retrying and let an officer look.
    func giveUp(_ db: Database, jobID: Int64, claimID: String, attempts: Int, now: Date) throws {
        logger.error("check job given up", metadata: ["claim": "\(claimID)", "attempts": "\(attempts)"])
        let revision = try Int.fetchOne(db, sql: "SELECT revision FROM claims WHERE id = ?", arguments: [claimID]) ?? 1
        let verdict = Verdict(claim: claimID, status: .review, reasons: [
            Issue(.claimInvalid, severity: .warning,
                  message: "Pemeriksaan otomatis tidak dapat diselesaikan; petugas akan memeriksa berkas ini."),
        ], documents: [:])
        _ = try apply(db, claimID: claimID, verdict: verdict, revision: revision,
                      actor: "system", now: now)
        try db.execute(sql: """
            UPDATE jobs SET state = 'failed', worker = NULL, lease_until = NULL,
                last_error = COALESCE(last_error, 'worker lost \(attempts) times'), updated_at = ? WHERE id = ?
            """, arguments: [now, jobID])
    }
}

// MARK: - The video-call ledger

extension AppDatabase {
    /// Books the first free call for a complete claim: its preferred day if that is a working day
    /// on or after the day it was submitted, else the next working day with room. The caller's
    /// write transaction makes the count and the insert one step; the unique key
    /// (area, date, position) is the second guard. Nil when no day within the horizon has room.
    func book(_ db: Database, claimID: String, area: String, form: ClaimForm, createdAt: Date,
              now: Date) throws -> QueueBooking? {
        guard let quota = branch.area(area)?.dailyQuota else { throw StoreError.unknownArea(area) }
        let submitted = form.submittedAt.flatMap(CivilDate.init) ?? CivilDate(createdAt)
        var day: CivilDate
        if let preferred = form.preferredDate.flatMap(CivilDate.init), preferred >= submitted {
            day = preferred
        } else {
            // No usable preference: the first working day after submission.
            day = submitted.adding(days: 1)
        }
        for _ in 0..<branch.bookingHorizonDays {
            defer { day = day.adding(days: 1) }
            guard branch.isWorkingDay(day) else { continue }
            if let position = try Self.freePosition(db, area: area, date: day, quota: quota) {
                try db.execute(sql: """
                    INSERT INTO bookings (claim_id, area, date, position, created_at) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [claimID, area, day.description, position, now])
                return QueueBooking(area: area, date: day.description, position: position)
            }
        }
        return nil
    }

    /// The lowest position not taken that day (a released call's place is reused), or nil if full.
    static func freePosition(_ db: Database, area: String, date: CivilDate, quota: Int) throws -> Int? {
        let taken = Set(try Int.fetchAll(db, sql: "SELECT position FROM bookings WHERE area = ? AND date = ?",
                                         arguments: [area, date.description]))
        guard taken.count < quota else { return nil }
        return (1...quota).first { !taken.contains($0) }
    }

    public func bookings(area: String, date: CivilDate) async throws -> [QueueEntry] {
        guard branch.area(area) != nil else { throw StoreError.unknownArea(area) }
        return try await dbWriter.read { db in
            try Row.fetchAll(db, sql: """
                SELECT b.position, b.claim_id, c.form FROM bookings b JOIN claims c ON c.id = b.claim_id
                WHERE b.area = ? AND b.date = ? ORDER BY b.position
                """, arguments: [area, date.description]).map { row in
                let form = try? Self.decode(ClaimForm.self, row["form"])
                return QueueEntry(position: row["position"], claim: row["claim_id"],
                                  nama: form?.nama, whatsapp: form?.whatsapp)
            }
        }
    }

    public func releaseBooking(claimID: String, actor: String, reason: String, now: Date) async throws -> QueueBooking? {
        try await dbWriter.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM claims WHERE id = ?",
                                                   arguments: [claimID]) else {
                throw StoreError.unknownClaim(claimID)
            }
            guard let booking = try Self.booking(db, claimID: claimID) else { return nil }
            try db.execute(sql: "DELETE FROM bookings WHERE claim_id = ?", arguments: [claimID])
            try Self.audit(db, claimID: claimID, actor: actor, at: now, from: status, to: status,
                           detail: "released call \(booking.area) \(booking.date) #\(booking.position): \(reason)")
            return booking
        }
    }

    public func moveBooking(claimID: String, to date: CivilDate, actor: String, now: Date) async throws -> QueueBooking {
        try await dbWriter.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, area FROM claims WHERE id = ?",
                                             arguments: [claimID]) else {
                throw StoreError.unknownClaim(claimID)
            }
            let area: String = row["area"]
            let status: String = row["status"]
            guard let quota = branch.area(area)?.dailyQuota else { throw StoreError.unknownArea(area) }
            guard branch.isWorkingDay(date) else { throw StoreError.notWorkingDay(date) }
            guard let old = try Self.booking(db, claimID: claimID) else { throw StoreError.notBooked(claimID) }
            if old.date == date.description { return old }
            try db.execute(sql: "DELETE FROM bookings WHERE claim_id = ?", arguments: [claimID])
            guard let position = try Self.freePosition(db, area: area, date: date, quota: quota) else {
                throw StoreError.dayFull(area, date)   // rolls the delete back
            }
            try db.execute(sql: """
                INSERT INTO bookings (claim_id, area, date, position, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [claimID, area, date.description, position, now])
            try Self.audit(db, claimID: claimID, actor: actor, at: now, from: status, to: status,
                           detail: "moved call \(old.date) #\(old.position) -> \(date) #\(position)")
            return QueueBooking(area: area, date: date.description, position: position)
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        let (s, atto) = components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }
}
