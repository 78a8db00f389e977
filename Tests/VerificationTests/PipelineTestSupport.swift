import Foundation
import Verification

/// The package root, found from this file's path (tests read ../fixtures and ../models).
let pipelineRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fixtureURL(_ path: String) -> URL { pipelineRoot.appendingPathComponent("fixtures").appendingPathComponent(path) }

/// The real pipeline (Tesseract engines, models/), loaded once for the whole test run.
let sharedPrecheck: Precheck = {
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
