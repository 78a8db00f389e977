import ArgumentParser
import Foundation
import OCR
import Store
import Verification

/// Output formats of SPEC section 2.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// How the OCR pipeline runs: engines, language data, models, limits.
struct PipelineOptions: ParsableArguments {
    @Option(help: "OCR engines to run in parallel (default: one per core).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Tesseract language data folder (default: TESSDATA_PREFIX or Debian's).")
    var tessdata: String?

    @Option(help: "Berkas models folder (default: BERKAS_MODELS, ./models, or beside the executable).")
    var models: String?

    @Option(help: "Largest file accepted, in megabytes.")
    var maxMegabytes: Int = 20

    @Option(help: "Largest image accepted, in megapixels.")
    var maxMegapixels: Int = 50

    @Option(help: "Most pages accepted in a PDF or TIFF.")
    var maxPages: Int = 20

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64") }
        guard maxMegabytes > 0, maxMegapixels > 0, maxPages > 0 else {
            throw ValidationError("limits must be positive")
        }
    }

    var limits: ScanLimits {
        ScanLimits(maxBytes: maxMegabytes * 1024 * 1024, maxPixels: maxMegapixels * 1_000_000, maxPages: maxPages)
    }

    func precheck() throws -> Precheck {
        do {
            return try Precheck.load(workers: workers, ocr: OCRConfiguration(dataPath: tessdata),
                                     modelDirectory: models.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                     limits: limits)
        } catch {
            throw ValidationError("cannot start the OCR pipeline: \(error)")
        }
    }

    /// The models folder in use: `--models`, else the one `Precheck` finds.
    func modelDirectory() throws -> URL {
        if let models { return URL(fileURLWithPath: models, isDirectory: true) }
        do { return try ModelDirectory.require() } catch { throw ValidationError("\(error)") }
    }

    /// The identity of the rules, models and language data a verdict depends on.
    func configFingerprint() throws -> String {
        let ocr = OCRConfiguration(dataPath: tessdata)
        let languageData = ocr.languages.split(separator: "+").map {
            URL(fileURLWithPath: ocr.dataPath).appendingPathComponent("\($0).traineddata")
        }
        do {
            return try ConfigFingerprint.compute(modelDirectory: try modelDirectory(), languageData: languageData)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("cannot read the models or language data: \(error)")
        }
    }
}

/// The data folder of `serve` and `recheck` (SPEC: `--data`, or `BERKAS_DATA`).
struct DataOptions: ParsableArguments {
    @Option(help: "Data folder: SQLite database and stored scans (default: BERKAS_DATA or ./data).")
    var data: String?

    var directory: URL {
        let path = data ?? ProcessInfo.processInfo.environment["BERKAS_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}

enum JSONLines {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func write<T: Encodable>(_ value: T) {
        guard var data = try? encoder.encode(value) else { return }
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}
