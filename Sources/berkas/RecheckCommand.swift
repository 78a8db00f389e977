import ArgumentParser
import Dispatch
import Foundation
import Store
import Verification

struct RecheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recheck",
        abstract: "Re-runs the pre-check on stored claims (after a rule or model update) and reports what changed.",
        discussion: """
            Safe while `berkas serve` runs on the same data. An interrupted run (Ctrl-C) continues \
            where it stopped when run again with the same selection and models; see docs/RECHECK.md.
            """)

    @OptionGroup var data: DataOptions

    @Option(help: "Statuses to re-check, comma-separated: complete, incomplete, review (default: all three).")
    var status: String?

    @Option(help: "Only claims received on or after this day (YYYY-MM-DD, local time).")
    var since: String?

    @Flag(help: "Report what would change without writing anything.")
    var dryRun = false

    @Flag(help: "Start a new run instead of continuing an unfinished one with the same selection and models.")
    var restart = false

    @Option(help: "Output: text for people, json for JSON Lines (one object per claim; the summary goes to stderr).")
    var format: OutputFormat = .text

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        _ = try selection()
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw ValidationError("no Berkas data in \(data.directory.path) (no berkas.sqlite): give --data or BERKAS_DATA")
        }
    }

    private var database: URL { data.directory.appendingPathComponent("berkas.sqlite") }

    private func selection() throws -> RecheckSelection {
        var statuses = RecheckSelection.defaultStatuses
        if let status {
            do { statuses = try RecheckSelection.parseStatuses(status) } catch {
                throw ValidationError("\(error)")
            }
        }
        var day: CivilDate?
        if let since {
            guard let parsed = CivilDate(since) else {
                throw ValidationError("--since: '\(since)' is not a date (YYYY-MM-DD)")
            }
            day = parsed
        }
        return RecheckSelection(statuses: statuses, since: day)
    }

    func run() async throws {
        let store = try openStore()
        let precheck = try pipeline.precheck()
        let recheck = Recheck(store: store, checker: precheck, selection: try selection(),
                              fingerprint: try pipeline.configFingerprint(), width: precheck.reader.pool.size,
                              dryRun: dryRun, restart: restart)

        let stop = RecheckStop()
        let interrupts = Self.onInterrupt(stop)
        defer { interrupts.cancel() }

        let format = self.format
        var progress: Progress?
        let summary = try await recheck.run(stop: stop, planned: { plan in
            writeError(RecheckReport.plan(plan, dryRun: recheck.dryRun))
            progress = Progress(total: plan.toCheck, label: "claims")
        }, report: { result in
            progress?.clearLine()
            switch format {
            case .json: JSONLines.write(result)
            case .text: print(RecheckReport.claim(result))
            }
            progress?.advance()
        })
        progress?.finish()

        let text = RecheckReport.summary(summary)
        switch format {
        case .json: writeError(text)
        case .text: print(text)
        }
        if summary.interrupted {
            writeError("berkas recheck: interrupted with \(summary.notStarted) claim(s) not checked; "
                       + (dryRun ? "nothing was written" : "run the same command again to continue (--restart to start over)"))
            throw ExitCode(130)
        }
        if summary.unreadable + summary.failed > 0 {
            throw InputUnreadable(description: "berkas recheck: \(summary.unreadable + summary.failed) claim(s) could not be read or stored")
        }
    }

    /// The store of `berkas serve`; never creates a database or a key (a new key could not read the scans).
    private func openStore() throws -> AppDatabase {
        let branch: Branch
        do {
            let beside = try pipeline.modelDirectory().appendingPathComponent("branch.json")
            branch = FileManager.default.fileExists(atPath: beside.path) ? try Branch.load(from: beside) : try Branch.locate()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
        let keyFile = ProcessInfo.processInfo.environment["BERKAS_KEY_FILE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? data.directory.appendingPathComponent("berkas.key")
        guard FileManager.default.fileExists(atPath: keyFile.path) else {
            throw ValidationError("no scan key at \(keyFile.path): the stored scans cannot be read (set BERKAS_KEY_FILE)")
        }
        do {
            return try AppDatabase.open(dataDirectory: data.directory, keyFile: keyFile, branch: branch)
        } catch {
            throw ValidationError("cannot open the data folder \(data.directory.path): \(error)")
        }
    }

    /// First Ctrl-C: start no new claim, finish those in hand, report. Second: quit at once
    /// (every write is one transaction, so nothing is left half written).
    private static func onInterrupt(_ stop: RecheckStop) -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        // The handler runs on this serial queue only, so `first` is never touched concurrently.
        let queue = DispatchQueue(label: "berkas.recheck.sigint")
        nonisolated(unsafe) var first: Date?
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
        source.setEventHandler {
            if let first {
                // A signal sent to the process and to its group (timeout, some supervisors)
                // arrives twice at once: only a second Ctrl-C a moment later quits.
                if Date().timeIntervalSince(first) > 1 { Foundation.exit(130) }
                return
            }
            first = Date()
            stop.request()
            writeError("\nberkas recheck: stopping: finishing the claims in hand (Ctrl-C again to quit at once)")
        }
        source.resume()
        return source
    }
}

/// The text `berkas recheck` prints.
enum RecheckReport {
    static func plan(_ plan: Recheck<AppDatabase>.Plan, dryRun: Bool) -> String {
        var line = "berkas recheck: \(plan.selected) claim(s) selected"
        if let run = plan.run {
            line += run.resumed ? "; continuing run \(run.id) (\(plan.alreadyDone) done before)" : "; run \(run.id)"
        } else if dryRun {
            line += "; dry run, nothing will be written"
        }
        return line + "; checking \(plan.toCheck)"
    }

    static func claim(_ r: ClaimRecheck) -> String {
        let would = r.dryRun ? "would be " : ""
        var head = "\(r.claim)  "
        switch r.outcome {
        case .changed, .unchanged:
            let from = r.oldStatus?.rawValue ?? "?", to = r.newStatus?.rawValue ?? "?"
            head += from == to ? "\(to) (\(r.outcome == .changed ? "\(would)changed" : "unchanged"))" : "\(from) -> \(would)\(to)"
            if let call = booking(r) { head += "  " + call }
        case .stale, .unreadable, .failed:
            head += "\(r.outcome.rawValue), not written: \(r.error ?? "")"
        }
        var lines = [head]
        for issue in r.reasonsAdded { lines.append("  + \(TextReport.issueLine(issue))") }
        for issue in r.reasonsRemoved { lines.append("  - \(TextReport.issueLine(issue))") }
        return lines.joined(separator: "\n")
    }

    private static func booking(_ r: ClaimRecheck) -> String? {
        func call(_ b: QueueBooking) -> String { "\(b.area) \(b.date) #\(b.position)" }
        switch (r.oldQueue, r.queue) {
        case (nil, nil):
            return r.dryRun && r.newStatus == .complete ? "would be booked" : nil
        case (nil, let new?): return "booked \(call(new))"
        case (let old?, nil): return (r.dryRun ? "would release " : "released ") + call(old)
        case (let old?, let new?): return old == new ? "keeps \(call(new))" : "moved \(call(old)) -> \(call(new))"
        }
    }

    static func summary(_ s: RecheckSummary) -> String {
        var head = s.dryRun ? "dry run" : "run \(s.runID.map(String.init) ?? "?")"
        if s.resumed { head += " (continued; \(s.alreadyDone) claim(s) done before)" }
        var lines = [head + String(format: ": %d claim(s) in %.1f s, %d documents, %.2f documents/s",
                                   s.processed, s.seconds, s.documents, s.documentsPerSecond)]
        for (transition, n) in s.transitions.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + transition.padding(toLength: 32, withPad: " ", startingAt: 0) + " \(n)")
        }
        lines.append("  changed \(s.changed), unchanged \(s.unchanged), stale \(s.stale), unreadable \(s.unreadable), failed \(s.failed)"
                     + (s.interrupted ? ", not started \(s.notStarted)" : ""))
        if !s.dryRun {
            lines.append(s.finished ? "  run finished: every selected claim has its new verdict"
                         : "  run not finished: the same command continues it")
        }
        return lines.joined(separator: "\n")
    }
}
