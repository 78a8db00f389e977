import ArgumentParser
import Foundation
import Verification

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Field-level accuracy on a labelled corpus (truth JSON beside each scan; claim folders with expected.json).")

    @OptionGroup var pipeline: PipelineOptions

    @Argument(help: "Corpus folder, e.g. fixtures.")
    var corpus: String

    @Flag(help: "Also list every field not read exactly: the truth, what was read and its confidence.")
    var misses = false

    func run() async throws {
        let dir = URL(fileURLWithPath: corpus, isDirectory: true)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw InputUnreadable(description: "berkas eval: \(corpus) is not a folder")
        }
        let precheck = try pipeline.precheck()
        let documents = try CorpusEvaluation.truthFiles(in: dir)
        let claims = CorpusEvaluation.claimFolders(in: dir)
        if documents.isEmpty && claims.isEmpty {
            throw InputUnreadable(description: "berkas eval: no truth files or claim folders under \(corpus)")
        }
        let start = Date()
        var scores: [DocumentScore] = []
        let progress = Progress(total: documents.count + claims.count, label: "items")
        try await OrderedParallel.run(documents, width: precheck.reader.pool.size) { item in
            (await precheck.reader.read(.file(item.0)), item.1)
        } output: { pair in
            progress.advance()
            scores.append(CorpusEvaluation.score(pair.0, truth: pair.1))
        }
        var claimScores: [ClaimScore] = []
        try await OrderedParallel.run(claims, width: precheck.reader.pool.size) { url -> ClaimScore? in
            guard let folder = try? ClaimFolder.load(url),
                  let data = FileManager.default.contents(atPath: url.appendingPathComponent("expected.json").path),
                  let expected = try? JSONDecoder().decode(ExpectedVerdict.self, from: data) else { return nil }
            let verdict = await precheck.check(form: folder.form, documents: folder.documents, context: ClaimContext())
            return ClaimScore(claim: url.lastPathComponent, expected: expected, verdict: verdict)
        } output: { s in
            progress.advance()
            if let s { claimScores.append(s) }
        }
        progress.finish()
        if !scores.isEmpty { print(CorpusEvaluation.report(scores)) }
        if misses, !scores.isEmpty { print(""); print(CorpusEvaluation.missesReport(scores)) }
        if !claimScores.isEmpty { print(""); print(ClaimScore.report(claimScores)) }
        print(String(format: "\n%d documents, %d claims in %.1f s with %d workers", scores.count, claimScores.count,
                     Date().timeIntervalSince(start), precheck.reader.pool.size))
    }
}
