import Foundation
import Verification

/// The package root, found from this file's path (tests read ../fixtures and ../models).
let pipelineRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fixtureURL(_ path: String) -> URL { pipelineRoot.appendingPathComponent("fixtures").appendingPathComponent(path) }

/// The real pipeline (Tesseract engines, models/), loaded once for the whole test run.
let sharedPrecheck: Precheck = {
    // `berkas` sets the limit for itself (Sources/berkas/OpenMPLimit.swift); a test process
    // cannot, since libgomp reads it when loaded. Without it the engines' OpenMP threads fight
    // for the cores and photos' extra passes run out of budget: phone KK tests fail.
    if getenv("OMP_THREAD_LIMIT") == nil {
        FileHandle.standardError.write(Data("""
            WARNING: OMP_THREAD_LIMIT is not set; photo readings will differ from berkas's and \
            some photo tests fail. Run scripts/test.sh, or OMP_THREAD_LIMIT=1 swift test.

            """.utf8))
    }
    do {
        return try Precheck.load(workers: 2, modelDirectory: pipelineRoot.appendingPathComponent("models"))
    } catch {
        fatalError("The OCR pipeline cannot start: \(error). Run the README's test command, which installs Tesseract and its language data.")
    }
}()

/// The truth file of a fixture scan.
func truth(of path: String) throws -> TruthFile {
    let scan = fixtureURL(path)
    let json = scan.deletingPathExtension().appendingPathExtension("json")
    return try JSONDecoder().decode(TruthFile.self, from: Data(contentsOf: json))
}
