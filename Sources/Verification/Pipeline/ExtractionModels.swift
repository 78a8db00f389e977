import Foundation
import OCR

/// What extraction loads once from `models/` and shares across documents.
public struct ExtractionModels: Sendable {
    public var limits: ScanLimits
    public let wilayah: Wilayah
    public let nikGlyphs: GlyphTemplates
    public var rules: RulesConfig
    /// The day NIK birth dates are judged against (a holder is 0-99 years old on it).
    public var referenceDate: CalendarDate

    public init(limits: ScanLimits, wilayah: Wilayah, nikGlyphs: GlyphTemplates, rules: RulesConfig,
                referenceDate: CalendarDate = .today()) {
        self.limits = limits; self.wilayah = wilayah; self.nikGlyphs = nikGlyphs
        self.rules = rules; self.referenceDate = referenceDate
    }

    /// Loads everything from the models folder.
    public static func load(directory: URL, limits: ScanLimits = .default) throws -> ExtractionModels {
        ExtractionModels(limits: limits,
                         wilayah: try Wilayah(modelDirectory: directory),
                         nikGlyphs: try GlyphTemplates(directory: directory.appendingPathComponent("nik-glyphs")),
                         rules: try RulesConfig.load(from: directory.appendingPathComponent("rules.json")))
    }

    /// The per-document checks of a read document (NIK structure, mandatory fields, ...).
    func documentChecks(_ result: DocumentResult, _ slot: String?) -> [Issue] {
        DocumentChecks.issues(for: result, config: rules, wilayah: wilayah, referenceDate: referenceDate).map {
            var issue = $0
            // In a claim, the issue names the slot the scan was uploaded in.
            if let slot { issue.document = slot }
            return issue
        }
    }
}
