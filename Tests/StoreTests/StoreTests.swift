import Foundation
import GRDB
import Store
import Testing
import Verification

let branch: Branch = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/branch.json")
    return try! Branch.load(from: url)
}()

func openStore() throws -> (AppDatabase, URL) {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("berkas-store-tests-\(UUID().uuidString)", isDirectory: true)
    return (try AppDatabase.open(dataDirectory: directory, branch: branch), directory)
}

let client = Client(tokenID: 1, name: "test")

func newClaim(_ id: String, area: String = "batang", nik: String? = nil, submitted: String = "2020-04-28",
              preferred: String? = "2020-04-30", scans: [String] = ["ktp"]) -> NewClaim {
    NewClaim(form: ClaimForm(id: id, nama: "RINA MARLINA", nik: nik ?? stableNIK(id),
                             whatsapp: "081234567890", area: area, reason: .resign,
                             submittedAt: submitted, preferredDate: preferred),
             scans: scans.map { ScanUpload(slot: $0, data: Data("\u{FF}\u{D8}scan \(id) \($0)".utf8), fileName: "\($0).jpg") })
}

/// A NIK-shaped number that differs per claim id (FNV-1a), the same on every run.
func stableNIK(_ id: String) -> String {
    var hash: UInt64 = 0xcbf29ce484222325
    for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
    return "3325065" + String(format: "%09llu", hash % 1_000_000_000)
}

func complete(_ id: String) -> Verdict { Verdict(claim: id, status: .complete, reasons: [], documents: [:]) }

/// Submits with a token row in place (idempotency rows reference it).
func submit(_ store: AppDatabase, _ claim: NewClaim) async throws -> SubmitOutcome {
    try await ensureToken(store)
    return try await store.submit(claim, client: client)
}

func ensureToken(_ store: AppDatabase) async throws {
    if try await store.authenticate(token: "fixed") == nil {
        try await store.dbWriter.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO tokens (id, name, token_sha256, created_at) VALUES (1, 'test', ?, ?)",
                           arguments: [ScanVault.sha256Hex(Data("fixed".utf8)), Date()])
        }
    }
}

/// Leases the claim's job and applies `verdict` as a worker would.
@discardableResult
func check(_ store: AppDatabase, _ verdict: Verdict, worker: String = "w") async throws -> ApplyOutcome {
    let job = try #require(try await store.leaseNextJob(worker: worker, lease: .seconds(120)))
    return try await store.finishJob(job, verdict: verdict)
}

@Suite("Store: the scan vault and the key")
struct VaultTests {
    @Test func keyFileAndDatabaseAreCreatedWithMode0600() throws {
        let (_, directory) = try openStore()
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("berkas.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let database = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("berkas.sqlite").path)
        #expect((database[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func theSameKeyIsReadOnTheNextStart() async throws {
        let (store, directory) = try openStore()
        _ = try await submit(store, newClaim("c1"))
        let reopened = try AppDatabase.open(dataDirectory: directory, branch: branch)
        let input = try await reopened.checkInput(claimID: "c1")
        guard case let .data(data, name) = try #require(input.scans["ktp"]) else { Testing.Issue.record("not data"); return }
        #expect(String(decoding: data, as: UTF8.self).hasSuffix("scan c1 ktp"))
        #expect(name == "ktp.jpg")
    }

    @Test func scansOnDiskAreEncryptedNotPlaintext() throws {
        let (store, directory) = try openStore()
        let secret = Data("NIK 3325065106884443 RINA MARLINA".utf8)
        let stored = try store.vault.store(secret)
        #expect(stored.sha256 == ScanVault.sha256Hex(secret))
        let onDisk = try Data(contentsOf: directory.appendingPathComponent("scans").appendingPathComponent(stored.relativePath))
        #expect(onDisk != secret)
        #expect(onDisk.range(of: Data("3325065106884443".utf8)) == nil)
        #expect(onDisk.count >= secret.count + 28, "nonce and tag are stored")
        #expect(try store.vault.load(sha256: stored.sha256) == secret)
        #expect(!stored.relativePath.contains("jpg"), "never the client's name")
    }

    @Test func aTamperedScanIsRefused() throws {
        let (store, directory) = try openStore()
        let stored = try store.vault.store(Data("scan".utf8))
        let url = directory.appendingPathComponent("scans").appendingPathComponent(stored.relativePath)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: url)
        #expect(throws: VaultError.self) { try store.vault.load(sha256: stored.sha256) }
    }

    @Test func aKeyFileFromTheEnvironmentIsUsed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berkas-key-\(UUID().uuidString)")
        let keyFile = directory.appendingPathComponent("elsewhere/key")
        _ = try AppDatabase.open(dataDirectory: directory.appendingPathComponent("data"),
                                 environment: ["BERKAS_KEY_FILE": keyFile.path])
        #expect(FileManager.default.fileExists(atPath: keyFile.path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/berkas.key").path))
    }
}

@Suite("Store: claims, jobs and the audit trail")
struct ClaimStoreTests {
    @Test func submittingWritesClaimDocumentsJobAndAudit() async throws {
        let (store, _) = try openStore()
        let outcome = try await submit(store, newClaim("c1", scans: ["ktp", "kk"]))
        #expect(outcome == SubmitOutcome(kind: .created, receipt: ClaimReceipt(id: "c1", status: .pending)))
        let claim = try #require(try await store.claim(id: "c1"))
        #expect(claim.status == .pending)
        #expect(Set(claim.documents.keys) == ["ktp", "kk"])
        #expect(try await store.jobCounts()[.queued] == 1)
        let audit = try await store.auditTrail(claimID: "c1")
        #expect(audit.count == 1)
        #expect(audit.first?.fromStatus == nil && audit.first?.toStatus == "pending")
        #expect(audit.first?.actor == "client:test")
    }

    @Test func everyStateChangeIsAudited() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("c1"))
        try await check(store, complete("c1"))
        _ = try await store.replaceScan(claimID: "c1", scan: ScanUpload(slot: "kk", data: Data("kk".utf8)),
                                        actor: "client:test", now: Date())
        try await check(store, Verdict(claim: "c1", status: .incomplete,
                                       reasons: [Verification.Issue(.kkClaimantNotListed, document: "kk")], documents: [:]))
        _ = try await store.releaseBooking(claimID: "c1", actor: "officer:ani", reason: "test", now: Date())
        let audit = try await store.auditTrail(claimID: "c1")
        #expect(audit.map { "\($0.fromStatus ?? "-")>\($0.toStatus)" }
                == ["->pending", "pending>complete", "complete>pending", "pending>incomplete"])
        #expect(audit[1].detail.contains("booked batang 2020-04-30 #1"))
        #expect(audit[3].detail.contains("released call"))
        #expect(audit[3].detail.contains("kk.claimant_not_listed"))
        #expect(audit[1].actor == "worker:w")
    }

    @Test func aStaleVerdictIsDroppedAfterAScanIsReplaced() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("c1"))
        let job = try #require(try await store.leaseNextJob(worker: "w1", lease: .seconds(120)))
        _ = try await store.replaceScan(claimID: "c1", scan: ScanUpload(slot: "ktp", data: Data("new".utf8)),
                                        actor: "client:test", now: Date())
        guard case .stale = try await store.finishJob(job, verdict: complete("c1")) else {
            Testing.Issue.record("a verdict on the old scan was applied"); return
        }
        let again = try #require(try await store.leaseNextJob(worker: "w2", lease: .seconds(120)))
        #expect(again.revision == 2)
        guard case .applied = try await store.finishJob(again, verdict: complete("c1")) else {
            Testing.Issue.record("the current verdict was refused"); return
        }
    }

    @Test func aJobFinishedTwiceBooksOnce() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("c1"))
        let first = try #require(try await store.leaseNextJob(worker: "slow", lease: .milliseconds(1)))
        try await Task.sleep(for: .milliseconds(10))
        let second = try #require(try await store.leaseNextJob(worker: "fast", lease: .seconds(120)))
        #expect(second.attempts == 2)
        guard case .applied = try await store.finishJob(second, verdict: complete("c1")) else {
            Testing.Issue.record("the current lease holder was refused"); return
        }
        guard case .stale = try await store.finishJob(first, verdict: complete("c1")) else {
            Testing.Issue.record("the expired lease holder booked again"); return
        }
        #expect(try await store.bookings(area: "batang", date: CivilDate("2020-04-30")!).count == 1)
        #expect(try await store.auditTrail(claimID: "c1").count == 2)
    }

    @Test func aJobThatKeepsKillingItsWorkerGoesToReview() async throws {
        var (store, _) = try openStore()
        store.maxAttempts = 2
        _ = try await submit(store, newClaim("c1"))
        for _ in 0..<2 {
            _ = try #require(try await store.leaseNextJob(worker: "dies", lease: .milliseconds(1)))
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await store.leaseNextJob(worker: "next", lease: .seconds(120)) == nil)
        let claim = try #require(try await store.claim(id: "c1"))
        #expect(claim.status == .review)
        #expect(try await store.jobCounts()[.failed] == 1)
        #expect(try await store.auditTrail(claimID: "c1").last?.actor == "system")
    }

    @Test func onlyTheLaterClaimForANIKSeesAnOpenOne() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("a", nik: "3325065106884443"))
        _ = try await submit(store, newClaim("b", nik: "3325065106884443"))
        _ = try await submit(store, newClaim("c", nik: "3325065106880001"))
        #expect(try await store.checkInput(claimID: "a").context.hasOtherOpenClaim == false)
        #expect(try await store.checkInput(claimID: "b").context.hasOtherOpenClaim == true)
        #expect(try await store.checkInput(claimID: "c").context.hasOtherOpenClaim == false)
    }

    @Test func anIncompleteEarlierClaimIsNotOpen() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("a", nik: "3325065106884443"))
        try await check(store, Verdict(claim: "a", status: .incomplete, reasons: [Verification.Issue(.documentMissing)], documents: [:]))
        _ = try await submit(store, newClaim("b", nik: "3325065106884443"))
        #expect(try await store.checkInput(claimID: "b").context.hasOtherOpenClaim == false)
    }

    @Test func theSameClaimAgainIsNotStoredTwiceButAnotherBodyConflicts() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("c1"))
        #expect(try await submit(store, newClaim("c1")).kind == .existing)
        var changed = newClaim("c1")
        changed.form.nama = "SOMEONE ELSE"
        await #expect(throws: StoreError.claimConflict("c1")) { try await submit(store, changed) }
        #expect(try await store.claims(matching: ClaimFilter()).count == 1)
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        let (store, _) = try openStore()
        let token = try await store.createToken(name: "portal")
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(try await store.authenticate(token: token)?.name == "portal")
        #expect(try await store.authenticate(token: token + "x") == nil)
        let stored = try await store.dbWriter.read { db in try String.fetchAll(db, sql: "SELECT token_sha256 FROM tokens") }
        #expect(stored == [ScanVault.sha256Hex(Data(token.utf8))])
    }

    @Test func theSchemaRefusesADoubleBooking() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("a"))
        _ = try await submit(store, newClaim("b"))
        await #expect(throws: DatabaseError.self) {
            try await store.dbWriter.write { db in
                for id in ["a", "b"] {
                    try db.execute(sql: "INSERT INTO bookings (claim_id, area, date, position, created_at) VALUES (?, 'batang', '2020-04-30', 1, ?)",
                                   arguments: [id, Date()])
                }
            }
        }
        #expect(try await store.bookings(area: "batang", date: CivilDate("2020-04-30")!).isEmpty)
    }
}

@Suite("Store: the video-call queue")
struct QueueLedgerTests {
    @Test func fiftyConcurrentCompletionsFillTenADay() async throws {
        let (store, _) = try openStore()
        let ids = (1...50).map { "r\($0)" }
        for id in ids { _ = try await submit(store, newClaim(id)) }
        let jobs = try await withThrowingTaskGroup(of: LeasedJob?.self) { group in
            for n in 0..<50 { group.addTask { try await store.leaseNextJob(worker: "w\(n)", lease: .seconds(120)) } }
            return try await group.reduce(into: [LeasedJob]()) { if let job = $1 { $0.append(job) } }
        }
        #expect(Set(jobs.map(\.claimID)).count == 50, "each job leased once")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for job in jobs { group.addTask { _ = try await store.finishJob(job, verdict: complete(job.claimID)) } }
            try await group.waitForAll()
        }
        for day in ["2020-04-30", "2020-05-04", "2020-05-05", "2020-05-06", "2020-05-08"] {
            let calls = try await store.bookings(area: "batang", date: CivilDate(day)!)
            #expect(calls.map(\.position) == Array(1...10), "\(day)")
        }
        for holiday in ["2020-05-01", "2020-05-07"] {
            #expect(try await store.bookings(area: "batang", date: CivilDate(holiday)!).isEmpty)
        }
    }

    @Test func aPreferredDateBeforeSubmissionStartsTheNextWorkingDay() async throws {
        let (store, _) = try openStore()
        // Submitted Fri 2020-05-22; preferred in the past; Mon 05-25 is Idul Fitri -> Tue 05-26.
        _ = try await submit(store, newClaim("c1", submitted: "2020-05-22", preferred: "2020-05-01"))
        guard case let .applied(verdict) = try await check(store, complete("c1")) else { Testing.Issue.record("not applied"); return }
        #expect(verdict.queue == QueueBooking(area: "batang", date: "2020-05-26", position: 1))
    }

    @Test func aPreferredHolidayMovesToTheNextWorkingDay() async throws {
        let (store, _) = try openStore()
        _ = try await submit(store, newClaim("c1", area: "pemalang", submitted: "2026-03-10", preferred: "2026-03-19"))
        guard case let .applied(verdict) = try await check(store, complete("c1")) else { Testing.Issue.record("not applied"); return }
        // Nyepi Thu 19, cuti bersama Fri 20, weekend, cuti bersama Mon 23 and Tue 24 -> Wed 25.
        #expect(verdict.queue?.date == "2026-03-25")
    }

    @Test func releasedPlacesAreReusedAndMovesRespectTheQuota() async throws {
        let (store, _) = try openStore()
        for id in ["a", "b", "c"] {
            _ = try await submit(store, newClaim(id))
            try await check(store, complete(id))
        }
        let released = try await store.releaseBooking(claimID: "a", actor: "officer:ani", reason: "claimant cancelled", now: Date())
        #expect(released?.position == 1)
        let moved = try await store.moveBooking(claimID: "c", to: CivilDate("2020-05-04")!, actor: "officer:ani", now: Date())
        #expect(moved == QueueBooking(area: "batang", date: "2020-05-04", position: 1))
        await #expect(throws: StoreError.notWorkingDay(CivilDate("2020-05-01")!)) {
            try await store.moveBooking(claimID: "b", to: CivilDate("2020-05-01")!, actor: "officer:ani", now: Date())
        }
        _ = try await submit(store, newClaim("d"))
        guard case let .applied(verdict) = try await check(store, complete("d")) else { Testing.Issue.record("not applied"); return }
        #expect(verdict.queue?.position == 1, "the released first place is taken again")
        #expect(try await store.claim(id: "b")?.booking?.date == "2020-04-30", "a refused move changes nothing")
    }

    @Test func civilDatesKnowTheirWeekdays() {
        #expect(CivilDate("2020-04-30")?.isoWeekday == 4)
        #expect(CivilDate("2026-01-01")?.isoWeekday == 4)
        #expect(CivilDate("2020-02-28")!.adding(days: 1).description == "2020-02-29")
        #expect(CivilDate("2020-02-30") == nil)
        #expect(CivilDate("2020-4-30") == nil)
        #expect(branch.isWorkingDay(CivilDate("2020-04-30")!))
        #expect(!branch.isWorkingDay(CivilDate("2020-05-01")!))
        #expect(!branch.isWorkingDay(CivilDate("2020-05-02")!))
    }
}
