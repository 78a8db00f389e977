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
            progress.clearLine()
            switch format {
            case .json: JSONLines.write(verdict)
            case .text: print(TextReport.verdict(verdict))
            }
            progress.advance()
        }
        progress.finish()
        if unreadable > 0 { throw InputUnreadable(description: "berkas check: \(unreadable) claim folder(s) could not be read") }
    }
}
