import Foundation
@testable import OCR

/// The package root, found from this file's path (tests read ../fixtures).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let fixtures = packageRoot.appendingPathComponent("fixtures")

func fixture(_ path: String) -> URL { fixtures.appendingPathComponent(path) }

/// One engine for the whole test run: loading Tesseract once is the point of the pool.
let sharedPool: EnginePool = {
    do { return try EnginePool(size: 2) } catch {
        fatalError("Tesseract is not installed or its language data is missing: \(error). Run the README's test command, which installs it.")
    }
}()
