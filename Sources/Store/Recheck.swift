import Crypto
import Foundation
import Verification

/// Re-runs the pre-check on stored claims after a rule, threshold or model change and stores
/// the new verdicts (booking or releasing calls as a check worker would), reporting per claim
/// what changed. Safe beside a running `berkas serve`: every write is one short transaction
/// guarded by the claim's revision, status and last update, so a claim that changed while it
/// was being checked is reported `stale` and left alone. See docs/RECHECK.md.
public struct Recheck<Store: RecheckStore>: Sendable {
    public var store: Store
    public var checker: any ClaimChecking
    public var selection: RecheckSelection
    /// Identifies the rules and models in use (`ConfigFingerprint`); a run resumes only under the same.
    public var fingerprint: String
    /// Claims checked at once.
    public var width: Int
    /// Compute and report, store nothing (not even the run).
    public var dryRun: Bool
    /// Abandon an unfinished run of the same selection and configuration instead of resuming it.
    public var restart: Bool

    public init(store: Store, checker: any ClaimChecking, selection: RecheckSelection, fingerprint: String,
                width: Int, dryRun: Bool = false, restart: Bool = false) {
        self.store = store; self.checker = checker; self.selection = selection
        self.fingerprint = fingerprint; self.width = max(1, width); self.dryRun = dryRun; self.restart = restart
    }

    /// What the run is about to do, known before the first claim is checked.
    public struct Plan: Sendable {
        /// Nil on a dry run.
        public var run: RecheckRun?
        /// Claims the selection names now.
        public var selected: Int
        /// Of those, already done by the run being resumed.
        public var alreadyDone: Int
        /// Claims this invocation will check.
        public var toCheck: Int
    }

    /// Checks every claim the selection names (less those a resumed run did), at most `width`
    /// at a time. `planned` is called once before the first claim, `report` once per claim in
    /// the order they finish; both on the caller's task, never concurrently. After `stop` is
    /// requested no new claim is started; claims in hand finish and are stored whole.
    public func run(stop: RecheckStop = RecheckStop(), now: @escaping @Sendable () -> Date = Date.init,
                    planned: (Plan) -> Void = { _ in },
                    report: (ClaimRecheck) -> Void) async throws -> RecheckSummary {
        let started = Date()
        var run: RecheckRun?
        var done: Set<String> = []
        if !dryRun {
            let opened = try await store.openRecheckRun(selection: selection, fingerprint: fingerprint,
                                                        restart: restart, now: now())
            done = try await store.recheckDone(runID: opened.id)
            run = opened
        }
        let selected = try await store.recheckCandidates(selection)
        let todo = selected.filter { !done.contains($0) }
        planned(Plan(run: run, selected: selected.count, alreadyDone: selected.count - todo.count, toCheck: todo.count))

        var summary = RecheckSummary(runID: run?.id, resumed: run?.resumed ?? false, dryRun: dryRun,
                                     selected: selected.count, alreadyDone: selected.count - todo.count)
        let actor = run.map { "recheck:\($0.id)" } ?? "recheck"
        let runID = run?.id
        await withTaskGroup(of: ClaimRecheck.self) { group in
            var next = 0
            func startNext() -> Bool {
                guard next < todo.count, !stop.isRequested else { return false }
                let id = todo[next]
                next += 1
                group.addTask { await checkOne(id, runID: runID, actor: actor, now: now) }
                return true
            }
            for _ in 0..<width where startNext() {}
            while let result = await group.next() {
                summary.add(result)
                report(result)
                _ = startNext()
            }
            summary.notStarted = todo.count - next
        }
        summary.seconds = Date().timeIntervalSince(started)
        summary.interrupted = summary.notStarted > 0
        if let run {
            // Finished only when every selected claim has its new verdict: skipped claims keep
            // the run open, so the next run with the same selection tries just those again.
            let finished = !summary.interrupted && summary.skipped == 0
            try await store.closeRecheckRun(runID: run.id, finished: finished, now: now())
            summary.finished = finished
        }
        return summary
    }

    /// One claim: read, check, compare, store. Never throws: a failure is the claim's outcome.
    func checkOne(_ id: String, runID: Int64?, actor: String, now: @Sendable () -> Date) async -> ClaimRecheck {
        let input: RecheckInput
        do {
            input = try await store.recheckInput(claimID: id)
        } catch {
            return ClaimRecheck(claim: id, outcome: .failed, dryRun: dryRun, error: "could not read the claim: \(error)")
        }
        let old = input.claim
        var result = ClaimRecheck(claim: id, outcome: .unchanged, oldStatus: old.status, oldQueue: old.booking,
                                  dryRun: dryRun)
        guard let check = input.check else {
            result.outcome = .unreadable
            result.queue = old.booking
            result.error = input.unreadable.map { "\($0.slot): \($0.error)" }.joined(separator: "; ")
            return result
        }
        let verdict = await checker.check(form: check.form, documents: check.scans, context: check.context)
        result.documents = verdict.documents.count
        var final = verdict
        if dryRun {
            // What a worker would store: a complete claim keeps its call or is booked then.
            final.queue = verdict.status == .complete ? old.booking : nil
        } else {
            do {
                switch try await store.applyRecheck(verdict, to: input, runID: runID, actor: actor, now: now()) {
                case .applied(let stored):
                    final = stored
                case .stale:
                    result.outcome = .stale
                    result.queue = old.booking
                    result.error = "the claim changed while it was checked; its new state was kept"
                    return result
                }
            } catch {
                result.outcome = .failed
                result.queue = old.booking
                result.error = "could not store the verdict: \(error)"
                return result
            }
        }
        result.newStatus = final.status
        result.reasons = final.reasons
        result.queue = final.queue
        let before = old.verdict?.reasons ?? []
        result.reasonsAdded = final.reasons.filter { r in !before.contains { $0.sameFinding(as: r) } }
        result.reasonsRemoved = before.filter { r in !final.reasons.contains { $0.sameFinding(as: r) } }
        let changed = final.status != old.status || !result.reasonsAdded.isEmpty || !result.reasonsRemoved.isEmpty
            || (!dryRun && final.queue != old.booking)
        result.outcome = changed ? .changed : .unchanged
        return result
    }
}

extension Issue {
    /// The same finding: code, severity and place (the message may be reworded).
    func sameFinding(as other: Issue) -> Bool {
        code == other.code && severity == other.severity && document == other.document && field == other.field
    }
}

/// Asks a running re-check to start no new claim (Ctrl-C). Safe from a signal handler's queue.
public final class RecheckStop: @unchecked Sendable {
    // One flag under a lock: set from the signal queue, read by the run loop.
    private let lock = NSLock()
    private var requested = false

    public init() {}

    public var isRequested: Bool { lock.withLock { requested } }

    public func request() { lock.withLock { requested = true } }
}

/// What happened to one claim (one JSON Lines object of `berkas recheck --format json`).
public struct ClaimRecheck: Sendable, Encodable {
    public enum Outcome: String, Sendable, Encodable {
        /// The status, the reasons or the booking differ from before.
        case changed
        /// The same status, reasons and booking (the stored verdict is refreshed all the same).
        case unchanged
        /// The claim changed while it was checked (new scan, worker, officer): nothing written.
        case stale
        /// A stored scan could not be read (missing from the vault, does not decrypt): not checked.
        case unreadable
        /// The store failed (e.g. busy beyond its timeout): nothing written.
        case failed
    }

    public var claim: String
    public var outcome: Outcome
    public var oldStatus: ClaimStatus?
    /// Nil when the claim was not checked or its verdict not stored.
    public var newStatus: ClaimStatus?
    public var reasonsAdded: [Issue] = []
    public var reasonsRemoved: [Issue] = []
    /// The new verdict's reasons.
    public var reasons: [Issue] = []
    public var oldQueue: QueueBooking?
    /// The booking after the re-check (on a dry run: the one a complete claim would keep).
    public var queue: QueueBooking?
    /// Scans read.
    public var documents: Int = 0
    public var dryRun: Bool
    public var error: String?

    public init(claim: String, outcome: Outcome, oldStatus: ClaimStatus? = nil, newStatus: ClaimStatus? = nil,
                oldQueue: QueueBooking? = nil, queue: QueueBooking? = nil, dryRun: Bool, error: String? = nil) {
        self.claim = claim; self.outcome = outcome; self.oldStatus = oldStatus; self.newStatus = newStatus
        self.oldQueue = oldQueue; self.queue = queue; self.dryRun = dryRun; self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case claim, outcome, reasons, queue, documents, error
        case oldStatus = "old_status", newStatus = "new_status"
        case reasonsAdded = "reasons_added", reasonsRemoved = "reasons_removed"
        case oldQueue = "old_queue", dryRun = "dry_run"
    }

    // Every key present, `null` when it does not apply, like the verdict object.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(claim, forKey: .claim)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(oldStatus, forKey: .oldStatus)
        try c.encode(newStatus, forKey: .newStatus)
        try c.encode(reasonsAdded, forKey: .reasonsAdded)
        try c.encode(reasonsRemoved, forKey: .reasonsRemoved)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(oldQueue, forKey: .oldQueue)
        try c.encode(queue, forKey: .queue)
        try c.encode(documents, forKey: .documents)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(error, forKey: .error)
    }

    /// `complete -> incomplete`, or `complete` when the status stayed.
    public var transition: String {
        guard let newStatus else { return outcome.rawValue }
        let from = oldStatus?.rawValue ?? "?"
        return newStatus == oldStatus ? "\(from) (same status)" : "\(from) -> \(newStatus.rawValue)"
    }
}

/// Totals of one invocation.
public struct RecheckSummary: Sendable {
    public var runID: Int64?
    public var resumed: Bool
    public var dryRun: Bool
    /// Claims the selection names.
    public var selected: Int
    /// Done by the run before this invocation (resumed).
    public var alreadyDone: Int
    /// Claims checked and stored (or, on a dry run, checked) by this invocation, by transition.
    public var transitions: [String: Int] = [:]
    public var changed = 0
    public var unchanged = 0
    public var stale = 0
    public var unreadable = 0
    public var failed = 0
    /// Claims left when stopped.
    public var notStarted = 0
    public var documents = 0
    public var seconds: TimeInterval = 0
    public var interrupted = false
    /// True when the run has a new verdict for every selected claim.
    public var finished = false

    public init(runID: Int64?, resumed: Bool, dryRun: Bool, selected: Int, alreadyDone: Int) {
        self.runID = runID; self.resumed = resumed; self.dryRun = dryRun
        self.selected = selected; self.alreadyDone = alreadyDone
    }

    /// Claims this invocation did not store a verdict for, other than those never started.
    public var skipped: Int { stale + unreadable + failed }
    public var processed: Int { changed + unchanged + skipped }
    public var documentsPerSecond: Double { Double(documents) / max(0.001, seconds) }

    mutating func add(_ r: ClaimRecheck) {
        documents += r.documents
        switch r.outcome {
        case .changed: changed += 1
        case .unchanged: unchanged += 1
        case .stale: stale += 1
        case .unreadable: unreadable += 1
        case .failed: failed += 1
        }
        if r.newStatus != nil { transitions[r.transition, default: 0] += 1 }
    }
}

/// The identity of the configuration a verdict depends on: every file of the models folder
/// (rules.json, branch.json, wilayah, NIK glyphs, ...) and the Tesseract language data used.
/// A re-check run resumes only under the same fingerprint.
public enum ConfigFingerprint {
    public static func compute(modelDirectory: URL, languageData: [URL]) throws -> String {
        var hasher = SHA256()
        let fm = FileManager.default
        let root = modelDirectory.standardizedFileURL.resolvingSymlinksInPath()
        var files: [(String, URL)] = []
        if let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                      options: [.skipsHiddenFiles]) {
            for case let url as URL in walker
            where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                let path = url.standardizedFileURL.resolvingSymlinksInPath().path
                files.append((String(path.dropFirst(root.path.count)), url))
            }
        }
        guard !files.isEmpty else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: root.path]) }
        for (relative, url) in files.sorted(by: { $0.0 < $1.0 }) {
            let data = try Data(contentsOf: url, options: .mappedIfSafe)
            hasher.update(data: Data("models\(relative) \(data.count)\n".utf8))
            hasher.update(data: data)
        }
        for url in languageData {
            let data = try Data(contentsOf: url, options: .mappedIfSafe)
            hasher.update(data: Data("tessdata/\(url.lastPathComponent) \(data.count)\n".utf8))
            hasher.update(data: data)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
