import Foundation
import OCR

/// The pre-check as one service: engines and models loaded once, every scan of a claim read
/// in parallel, then the claim rules. The CLI, the HTTP workers and re-checks all use it.
public struct Precheck: ClaimChecking {
    public let reader: DocumentReader

    public init(reader: DocumentReader) {
        self.reader = reader
    }

    /// Loads models from `modelDirectory` (or finds `models/`) and starts `workers` engines.
    public static func load(workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                            ocr: OCRConfiguration = OCRConfiguration(),
                            modelDirectory: URL? = nil, limits: ScanLimits = .default) throws -> Precheck {
        let dir = try modelDirectory ?? ModelDirectory.require()
        let models = try ExtractionModels.load(directory: dir, limits: limits)
        let pool = try EnginePool(size: workers, configuration: ocr)
        return Precheck(reader: DocumentReader(pool: pool, models: models))
    }

    public var models: ExtractionModels { reader.models }

    public func check(form: ClaimForm, documents: [String: ScanSource], context: ClaimContext) async -> Verdict {
        let reader = self.reader
        var results: [String: DocumentResult] = [:]
        await withTaskGroup(of: (String, DocumentResult).self) { group in
            for (slot, source) in documents {
                group.addTask { (slot, await reader.read(source, slot: slot)) }
            }
            for await (slot, result) in group { results[slot] = result }
        }
        return decide(form: form, documents: results, context: context)
    }

    /// The rules over documents already read.
    public func decide(form: ClaimForm, documents: [String: DocumentResult], context: ClaimContext) -> Verdict {
        let decision = ClaimPrecheck.decide(form: form, documents: documents, context: context,
                                            config: models.rules, wilayah: models.wilayah)
        return Verdict(claim: form.id, status: decision.status, reasons: decision.reasons, documents: documents)
    }
}
