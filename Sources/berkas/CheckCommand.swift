import ArgumentParser
import Foundation
import Verification

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The whole pre-check of claims on disk (folders holding claim.json and its scans).")

    @Option(help: "Output: text for people, json for JSON Lines (one verdict per claim).")
    var format: OutputFormat = .text

    @OptionGroup var pipeline: PipelineOptions

    @Argument(help: "Claim folders, each holding claim.json and the scans it names.")
    var claims: [String]

    func validate() throws {
        if claims.isEmpty { throw ValidationError("give at least one CLAIM_DIR") }
    }

    func run() async throws {
        let precheck = try pipeline.precheck()
        var loaded: [ClaimFolder] = []
        var unreadable = 0
        for path in claims {
            do { loaded.append(try ClaimFolder.load(URL(fileURLWithPath: path, isDirectory: true))) } catch {
                writeError("berkas check: \(path): \(error)")
                unreadable += 1
            }
        }
        let format = self.format
        let progress = Progress(total: loaded.count, label: "claims")
        try await OrderedParallel.run(loaded, width: max(1, precheck.reader.pool.size)) { folder in
            await precheck.check(form: folder.form, documents: folder.documents, context: ClaimContext())
        } output: { verdict in
            progress.advance()
            switch format {
            case .json: JSONLines.write(verdict)
            case .text: print(TextReport.verdict(verdict))
            }
        }
        progress.finish()
        if unreadable > 0 { throw InputUnreadable(description: "berkas check: \(unreadable) claim folder(s) could not be read") }
    }
}

/// Progress on stderr: a bar on a terminal, plain periodic lines otherwise.
final class Progress: @unchecked Sendable {
    // Mutated only from the command's output callback, which runs serially.
    private var done = 0
    private let total: Int
    private let label: String
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let isTTY = isatty(STDERR_FILENO) == 1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func advance() {
        done += 1
        let now = Date()
        guard total > 1, now.timeIntervalSince(lastPrint) >= (isTTY ? 0.2 : 5) || done == total else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(done) / max(0.001, elapsed)
        let left = rate > 0 ? Double(total - done) / rate : 0
        if isTTY {
            let width = 30
            let filled = Int(Double(width) * Double(done) / Double(max(1, total)))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d %@  %.1f/s  %.0fs left ", bar, done, total, label, rate, left).utf8))
        } else {
            writeError(String(format: "%d/%d %@, %.1f/s, %.0fs left", done, total, label, rate, left))
        }
    }

    func finish() {
        if isTTY && total > 1 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
