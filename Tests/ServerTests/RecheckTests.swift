import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Store
import Testing
import Verification

/// The checkout: fixtures, models, the built `berkas`.
private let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A copy of `models/` whose rules.json has other waiting periods (months per reason).
private func modelsWithWaitingPeriods(_ months: [String: Int]) throws -> URL {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("berkas-models-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: checkout.appendingPathComponent("models"), to: copy)
    let rulesURL = copy.appendingPathComponent("rules.json")
    var rules = try JSONSerialization.jsonObject(with: Data(contentsOf: rulesURL)) as! [String: Any]
    var periods = rules["waiting_period_months"] as! [String: Any]
    for (reason, n) in months { periods[reason] = n }
    rules["waiting_period_months"] = periods
    try JSONSerialization.data(withJSONObject: rules, options: [.prettyPrinted, .sortedKeys]).write(to: rulesURL)
    return copy
}

/// Rules before the change: resign claims wait two months, so c0001 (resign, letter ended 46 days
/// before it was submitted) is incomplete.
private let earlierWaitingPeriods = ["resign": 2]
/// Rules after it: the shipped month for resign, six months after a contract ends, so c0001
/// becomes complete and c0004 (contract ended about three months before) incomplete.
private let changedWaitingPeriods = ["contract_end": 6]
/// c0002 (resign, 85 days) stays complete, c0013 (no KTP) incomplete.
private let fixtureIDs = ["c0001", "c0002", "c0004", "c0013"]

/// Posts fixture claim folders through the API of a service running `checker`, and waits for
/// every verdict. Returns each claim's status.
private func submitFixtureClaims(_ ids: [String], to service: TestService,
                                 checker: any ClaimChecking) async throws -> [String: String] {
    try await service.app(checker: checker, workers: ProcessInfo.processInfo.activeProcessorCount)
        .test(.router) { client in
            for id in ids {
                let folder = checkout.appendingPathComponent("fixtures/claims/\(id)")
                let claimData = try Data(contentsOf: folder.appendingPathComponent("claim.json"))
                let form = try JSONDecoder().decode(ClaimForm.self, from: claimData)
                var body = Multipart()
                body.add(name: "claim", contentType: "application/json", data: claimData)
                for (slot, file) in (form.documents ?? [:]).sorted(by: { $0.key < $1.key }) {
                    body.add(name: slot, fileName: file, data: try Data(contentsOf: folder.appendingPathComponent(file)))
                }
                let accepted = try await client.post(body, auth: service.auth)
                #expect(accepted.status == .accepted, "\(id): \(String(buffer: accepted.body))")
            }
            var statuses: [String: String] = [:]
            for id in ids {
                var verdict = try await client.getClaim(id, wait: 60, auth: service.auth).json
                for _ in 0..<10 where verdict["status"] as? String == "pending" {
                    verdict = try await client.getClaim(id, wait: 60, auth: service.auth).json
                }
                statuses[id] = verdict["status"] as? String
            }
            return statuses
        }
}

/// Posts `ids` with fake scans and the stand-in checker: each is complete and booked.
private func submitFakeClaims(_ ids: [String], to service: TestService) async throws {
    try await service.app(checker: FormChecker()).test(.router) { client in
        for id in ids {
            let accepted = try await client.post(claimBody(id: id), auth: service.auth)
            #expect(accepted.status == .accepted)
        }
        for id in ids {
            let verdict = try await client.getClaim(id, wait: 20, auth: service.auth).json
            #expect(verdict["status"] as? String == "complete", "\(id)")
        }
    }
}

/// The stand-in checker of TestSupport, with a stricter waiting-period rule for some claims.
private struct StricterChecker: ClaimChecking {
    var nowFailing: Set<String>
    /// Runs while the claim is being checked (e.g. the claimant uploads a new scan meanwhile).
    var during: (@Sendable (ClaimForm) async -> Void)?

    func check(form: ClaimForm, documents: [String: ScanSource], context: ClaimContext) async -> Verdict {
        if let during { await during(form) }
        var verdict = await FormChecker().check(form: form, documents: documents, context: context)
        if nowFailing.contains(form.id) {
            verdict.reasons.append(Verification.Issue(.letterWaitingPeriod, document: "employer_letter",
                                                      field: "tanggal_berakhir"))
            verdict.status = .incomplete
        }
        return verdict
    }
}

private func recheckRuns(_ store: AppDatabase) async throws -> [(id: Int64, state: String)] {
    try await store.dbWriter.read { db in
        try Row.fetchAll(db, sql: "SELECT id, state FROM recheck_runs ORDER BY id").map { ($0["id"], $0["state"]) }
    }
}

@Suite("berkas recheck", .serialized)
struct RecheckTests {
    @Test("Given claims checked through the API under earlier rules, when the waiting periods change, then recheck stores the new verdicts, books and releases calls, and audits each change")
    func changedRulesOverRealScans() async throws {
        // Given: four fixture claims checked by the service with the real pre-check under the earlier rules.
        let service = try await TestService.make()
        let earlier = try Precheck.load(modelDirectory: try modelsWithWaitingPeriods(earlierWaitingPeriods))
        let statuses = try await submitFixtureClaims(fixtureIDs, to: service, checker: earlier)
        try #require(statuses == ["c0001": "incomplete", "c0002": "complete", "c0004": "complete", "c0013": "incomplete"],
                     "the earlier rules must give these verdicts first")
        let store = service.store
        let c0004Before = try #require(try await store.claim(id: "c0004")?.booking)
        let c0002Before = try #require(try await store.claim(id: "c0002")?.booking)
        #expect(try await store.claim(id: "c0001")?.booking == nil)
        let auditBefore = try await store.auditTrail(claimID: "c0013").count

        // When: re-checked with a copy of models/ whose waiting periods differ.
        let models = try modelsWithWaitingPeriods(changedWaitingPeriods)
        let changed = try Precheck.load(modelDirectory: models)
        let fingerprint = try ConfigFingerprint.compute(modelDirectory: models, languageData: [])
        #expect(fingerprint != (try ConfigFingerprint.compute(modelDirectory: checkout.appendingPathComponent("models"),
                                                               languageData: [])))
        let recheck = Recheck(store: store, checker: changed, selection: RecheckSelection(),
                              fingerprint: fingerprint, width: 2)
        var results: [String: ClaimRecheck] = [:]
        let summary = try await recheck.run { results[$0.claim] = $0 }

        // Then: the reports say what changed.
        #expect(Set(results.keys) == Set(fixtureIDs))
        let c0001 = try #require(results["c0001"])
        #expect(c0001.outcome == .changed)
        #expect(c0001.oldStatus == .incomplete && c0001.newStatus == .complete)
        #expect(c0001.reasonsRemoved.map(\.code) == [.letterWaitingPeriod])
        #expect(c0001.reasonsAdded.isEmpty)
        let booked = try #require(c0001.queue)
        #expect(booked.area == "pekalongan" && c0001.oldQueue == nil)
        let c0004 = try #require(results["c0004"])
        #expect(c0004.outcome == .changed)
        #expect(c0004.oldStatus == .complete && c0004.newStatus == .incomplete)
        #expect(c0004.reasonsAdded.map(\.code) == [.letterWaitingPeriod])
        #expect(c0004.oldQueue == c0004Before && c0004.queue == nil)
        #expect(results["c0002"]?.outcome == .unchanged)
        #expect(results["c0002"]?.queue == c0002Before)
        #expect(results["c0013"]?.outcome == .unchanged)
        #expect(results["c0013"]?.newStatus == .incomplete)
        #expect(summary.transitions["incomplete -> complete"] == 1)
        #expect(summary.transitions["complete -> incomplete"] == 1)
        #expect(summary.changed == 2 && summary.unchanged == 2 && summary.skipped == 0)
        #expect(summary.documents == 3 + 3 + 3 + 2)
        #expect(summary.finished)

        // And the store holds them: statuses, the ledger, the audit trail.
        #expect(try await store.claim(id: "c0001")?.status == .complete)
        #expect(try await store.claim(id: "c0001")?.booking == booked)
        let day = try #require(CivilDate(booked.date))
        #expect(try await store.bookings(area: "pekalongan", date: day).map(\.claim).contains("c0001"))
        #expect(try await store.claim(id: "c0004")?.status == .incomplete)
        #expect(try await store.claim(id: "c0004")?.booking == nil)
        let released = try #require(CivilDate(c0004Before.date))
        #expect(!(try await store.bookings(area: "pekalongan", date: released).map(\.claim).contains("c0004")))
        #expect(try await store.claim(id: "c0002")?.booking == c0002Before)
        let runID = try #require(summary.runID)
        let audit4 = try #require(try await store.auditTrail(claimID: "c0004").last)
        #expect(audit4.actor == "recheck:\(runID)")
        #expect(audit4.fromStatus == "complete" && audit4.toStatus == "incomplete")
        #expect(audit4.detail.contains("released call"))
        let audit1 = try #require(try await store.auditTrail(claimID: "c0001").last)
        #expect(audit1.actor == "recheck:\(runID)")
        #expect(audit1.fromStatus == "incomplete" && audit1.toStatus == "complete")
        #expect(audit1.detail.contains("booked pekalongan"))
        #expect(try await store.auditTrail(claimID: "c0013").count == auditBefore + 1)
        #expect(try await recheckRuns(store).map(\.state) == ["finished"])
    }

    @Test("Given a dry run, then the changes are reported and nothing is written, not even a run")
    func dryRunWritesNothing() async throws {
        let service = try await TestService.make()
        try await submitFakeClaims(["d1", "d2"], to: service)
        let before = try await service.store.claim(id: "d1")
        let auditBefore = try await service.store.auditTrail(claimID: "d1").count

        let recheck = Recheck(store: service.store, checker: StricterChecker(nowFailing: ["d1"]),
                              selection: RecheckSelection(), fingerprint: String(repeating: "a", count: 64),
                              width: 2, dryRun: true)
        var results: [String: ClaimRecheck] = [:]
        let summary = try await recheck.run { results[$0.claim] = $0 }

        #expect(results["d1"]?.outcome == .changed)
        #expect(results["d1"]?.newStatus == .incomplete)
        #expect(results["d1"]?.reasonsAdded.map(\.code) == [.letterWaitingPeriod])
        #expect(results["d1"]?.dryRun == true)
        #expect(results["d2"]?.outcome == .unchanged)
        #expect(summary.runID == nil && summary.transitions["complete -> incomplete"] == 1)
        let after = try await service.store.claim(id: "d1")
        #expect(after?.status == .complete)
        #expect(after?.booking == before?.booking && after?.booking != nil)
        #expect(try await service.store.auditTrail(claimID: "d1").count == auditBefore)
        #expect(try await recheckRuns(service.store).isEmpty)
    }

    @Test("Given a claim that changes while it is re-checked, then it is reported stale and its new state is kept")
    func staleClaimIsNotOverwritten() async throws {
        let service = try await TestService.make()
        try await submitFakeClaims(["s1", "s2"], to: service)
        let store = service.store
        let checker = StricterChecker(nowFailing: ["s1", "s2"], during: { form in
            guard form.id == "s1" else { return }
            // The claimant replaces the KTP while the re-check reads the old one.
            _ = try? await store.replaceScan(claimID: "s1", scan: ScanUpload(slot: "ktp", data: fakeJPEG("s1/new ktp")),
                                             actor: "client:intake-test", now: Date())
        })
        let recheck = Recheck(store: store, checker: checker, selection: RecheckSelection(),
                              fingerprint: String(repeating: "b", count: 64), width: 1)
        var results: [String: ClaimRecheck] = [:]
        let summary = try await recheck.run { results[$0.claim] = $0 }

        #expect(results["s1"]?.outcome == .stale)
        #expect(results["s1"]?.newStatus == nil)
        #expect(results["s2"]?.outcome == .changed)
        let s1 = try #require(try await store.claim(id: "s1"))
        #expect(s1.status == .pending && s1.revision == 2)
        #expect(!(try await store.auditTrail(claimID: "s1")).contains { $0.actor.hasPrefix("recheck") })
        #expect(try await store.claim(id: "s2")?.status == .incomplete)
        #expect(summary.stale == 1 && !summary.finished)
    }

    @Test("Given a stored scan that is gone, then that claim is reported unreadable, the others are re-checked, and the next run tries only it again")
    func unreadableScanIsReportedNotFatal() async throws {
        let service = try await TestService.make()
        try await submitFakeClaims(["u1", "u2", "u3"], to: service)
        let store = service.store
        let ktp = try #require(try await store.claim(id: "u2")?.documents["ktp"])
        try FileManager.default.removeItem(at: store.vault.directory.appendingPathComponent("\(ktp.sha256.prefix(2))/\(ktp.sha256)"))

        let recheck = Recheck(store: store, checker: StricterChecker(nowFailing: ["u1", "u2", "u3"]),
                              selection: RecheckSelection(), fingerprint: String(repeating: "c", count: 64), width: 2)
        var results: [String: ClaimRecheck] = [:]
        let first = try await recheck.run { results[$0.claim] = $0 }
        #expect(results["u2"]?.outcome == .unreadable)
        #expect(results["u2"]?.error?.contains("ktp") == true)
        #expect(results["u1"]?.outcome == .changed && results["u3"]?.outcome == .changed)
        #expect(try await store.claim(id: "u2")?.status == .complete)
        #expect(first.unreadable == 1 && !first.finished)

        var again: [String] = []
        let second = try await recheck.run { again.append($0.claim) }
        #expect(second.resumed && second.runID == first.runID)
        #expect(again == ["u2"])
    }

    @Test("Given a run stopped after its first claim, when run again, then it continues with the rest; a new configuration or --restart starts over")
    func interruptedRunResumes() async throws {
        let service = try await TestService.make()
        let ids = ["r1", "r2", "r3", "r4"]
        try await submitFakeClaims(ids, to: service)
        let store = service.store
        let recheck = Recheck(store: store, checker: StricterChecker(nowFailing: ["r2", "r4"]),
                              selection: RecheckSelection(), fingerprint: String(repeating: "d", count: 64), width: 1)

        let stop = RecheckStop()
        var first: [String] = []
        let stopped = try await recheck.run(stop: stop) { first.append($0.claim); stop.request() }
        #expect(first == ["r1"])
        #expect(stopped.interrupted && stopped.notStarted == 3 && !stopped.finished)

        var rest: [String] = []
        let resumed = try await recheck.run { rest.append($0.claim) }
        #expect(resumed.resumed && resumed.runID == stopped.runID && resumed.alreadyDone == 1)
        #expect(rest == ["r2", "r3", "r4"])
        #expect(resumed.finished)
        #expect(try await store.claim(id: "r2")?.status == .incomplete)
        #expect(try await store.claim(id: "r2")?.booking == nil)
        #expect(try await store.claim(id: "r3")?.status == .complete)

        // A finished run is not resumed: the same command checks everything again.
        var all: [String] = []
        let next = try await recheck.run { all.append($0.claim) }
        #expect(!next.resumed && next.runID != resumed.runID && all.count == 4)

        // An unfinished run under other models is not resumed either; --restart abandons one.
        var other = recheck
        other.fingerprint = String(repeating: "e", count: 64)
        let otherStop = RecheckStop()
        let partial = try await other.run(stop: otherStop) { _ in otherStop.request() }
        other.restart = true
        var restarted: [String] = []
        let fresh = try await other.run { restarted.append($0.claim) }
        #expect(!fresh.resumed && fresh.runID != partial.runID && restarted.count == 4)
        let states = Dictionary(uniqueKeysWithValues: try await recheckRuns(store).map { ($0.id, $0.state) })
        #expect(states[try #require(partial.runID)] == "abandoned")
        #expect(states[try #require(fresh.runID)] == "finished")
    }

    @Test("Given claims received on different days and in different states, then --status and --since select only the matching ones")
    func selectionByStatusAndDay() async throws {
        let service = try await TestService.make()
        let store = service.store
        let client = try #require(try await store.authenticate(token: service.token))
        let days = ["old": "2024-01-10", "new": "2024-03-05", "newer": "2024-03-06"]
        for (id, day) in days.sorted(by: { $0.key < $1.key }) {
            let received = try #require(RecheckSelection(since: CivilDate(day)).sinceInstant()).addingTimeInterval(3600)
            let form = try JSONDecoder().decode(ClaimForm.self, from: claimJSON(id: id))
            _ = try await store.submit(NewClaim(form: form, scans: [ScanUpload(slot: "ktp", data: fakeJPEG(id))]),
                                       client: client, idempotencyKey: nil, now: received)
            let status: ClaimStatus = id == "newer" ? .review : .incomplete
            let applied = try await store.applyVerdict(claimID: id, verdict: Verdict(claim: id, status: status, reasons: [], documents: [:]),
                                                       expectedRevision: 1, actor: "test", now: received)
            guard case .applied = applied else { Issue.record("verdict not applied to \(id)"); return }
        }
        #expect(try await store.recheckCandidates(RecheckSelection()) == ["old", "new", "newer"])
        #expect(try await store.recheckCandidates(RecheckSelection(since: CivilDate("2024-03-01"))) == ["new", "newer"])
        #expect(try await store.recheckCandidates(RecheckSelection(since: CivilDate("2024-03-06"))) == ["newer"])
        #expect(try await store.recheckCandidates(RecheckSelection(statuses: [.incomplete])) == ["old", "new"])
        #expect(try await store.recheckCandidates(RecheckSelection(statuses: [.complete])).isEmpty)
        #expect(try RecheckSelection.parseStatuses("review, incomplete") == [.review, .incomplete])
        #expect(throws: RecheckSelectionError.unknownStatus("pending")) { try RecheckSelection.parseStatuses("pending") }
        #expect(throws: RecheckSelectionError.unknownStatus("")) { try RecheckSelection.parseStatuses("complete,") }
        #expect(RecheckSelection(statuses: [.review, .complete, .review]).key
            == RecheckSelection(statuses: [.complete, .review]).key)
    }

    @Test("Given the built berkas, when recheck is interrupted with SIGINT after the first claim, then it exits 130, and the next run does only the rest and leaves the right state")
    func cliInterruptAndResume() async throws {
        let binary = berkasBinary()
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build berkas first: \(binary.path)")
        // Given: fixture claims stored through the API (the stand-in checker calls them all complete
        // but c0013, which lacks its KTP), and rules where a contract's end is followed by six months.
        let service = try await TestService.make()
        let ids = fixtureIDs
        _ = try await submitFixtureClaims(ids, to: service, checker: FormChecker())
        let models = try modelsWithWaitingPeriods(changedWaitingPeriods)
        let arguments = ["recheck", "--data", service.directory.path, "--models", models.path,
                         "--workers", "1", "--format", "json"]

        // When: the first run is interrupted once it has reported a claim.
        let first = try runBerkas(binary, arguments, interruptAfterLines: 1)
        #expect(first.status == 130, "\(first.stderr)")
        #expect(first.stderr.contains("interrupted"))
        let firstIDs = first.lines.compactMap { $0["claim"] as? String }
        #expect(!firstIDs.isEmpty && firstIDs.count < ids.count, "\(first.stderr)")

        // Then: the next run does only the rest.
        let second = try runBerkas(binary, arguments)
        #expect(second.status == 0, "\(second.stderr)")
        let secondIDs = second.lines.compactMap { $0["claim"] as? String }
        #expect(Set(firstIDs).isDisjoint(with: secondIDs))
        #expect(Set(firstIDs).union(secondIDs) == Set(ids))
        #expect(second.stderr.contains("continuing run"))
        for line in first.lines + second.lines {
            #expect(["changed", "unchanged"].contains(line["outcome"] as? String ?? ""), "\(line)")
            #expect(line.keys.contains("reasons_added") && line.keys.contains("old_status"))
        }

        // And the store holds the verdicts of the changed rules.
        let store = service.store
        let c0004 = try #require(try await store.claim(id: "c0004"))
        #expect(c0004.status == .incomplete)
        #expect(c0004.booking == nil)
        #expect(c0004.verdict?.reasons.map(\.code) == [.letterWaitingPeriod])
        #expect(try await store.auditTrail(claimID: "c0004").last?.actor.hasPrefix("recheck:") == true)
        for id in ["c0001", "c0002"] {
            let claim = try #require(try await store.claim(id: id))
            #expect(claim.status == .complete, "\(id)")
            #expect(claim.booking != nil, "\(id)")
        }
        #expect(try await store.claim(id: "c0013")?.status == .incomplete)
        #expect(try await recheckRuns(store).map(\.state) == ["finished"])
    }
}

// MARK: - Running the built executable

private func berkasBinary() -> URL {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("berkas")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return checkout.appendingPathComponent(".build/debug/berkas")
}

private struct BerkasRun {
    var status: Int32
    var lines: [[String: Any]]
    var stderr: String
}

/// Runs `berkas`; with `interruptAfterLines`, sends SIGINT once that many stdout lines arrived.
private func runBerkas(_ binary: URL, _ arguments: [String], interruptAfterLines: Int? = nil) throws -> BerkasRun {
    let p = Process()
    p.executableURL = binary
    p.arguments = arguments
    p.currentDirectoryURL = checkout
    var env = ProcessInfo.processInfo.environment
    env["OMP_THREAD_LIMIT"] = "1"
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // stderr is drained beside, so a full pipe never blocks the child.
    let errorText = ErrorCollector()
    let drain = Thread { errorText.set(err.fileHandleForReading.readDataToEndOfFile()) }
    drain.start()
    var buffer = Data()
    var interrupted = false
    let reader = out.fileHandleForReading
    while true {
        let chunk = reader.availableData
        if chunk.isEmpty { break }
        buffer.append(chunk)
        if let n = interruptAfterLines, !interrupted, buffer.filter({ $0 == 0x0A }).count >= n {
            kill(p.processIdentifier, SIGINT)
            interrupted = true
        }
    }
    p.waitUntilExit()
    let stderr = errorText.wait()
    let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
    return BerkasRun(status: p.terminationStatus, lines: lines, stderr: stderr)
}

/// stderr of a child, read on another thread.
private final class ErrorCollector: @unchecked Sendable {
    // Written once by the draining thread, read after the semaphore.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    func set(_ d: Data) { data = d; done.signal() }
    func wait() -> String { done.wait(); return String(decoding: data, as: UTF8.self) }
}
