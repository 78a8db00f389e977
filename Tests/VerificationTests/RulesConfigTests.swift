import Foundation
import Testing
@testable import Verification

@Suite("Rules configuration")
struct RulesConfigTests {
    @Test("the shipped rules.json equals the built-in defaults")
    func shippedEqualsDefaults() throws {
        let config = try RulesConfig.load(modelDirectory: try ModelDirectory.require())
        #expect(config == RulesConfig.default)
        #expect(config.waitingPeriodMonths(for: .resign) == 1)
        #expect(config.waitingPeriodMonths(for: .termination) == 1)
        #expect(config.waitingPeriodMonths(for: .contractEnd) == 0)
        #expect(config.waitingPeriodMonths(for: .retirement) == 0)
        #expect(config.requiredSlots(for: .retirement) == [.ktp, .kk])
        #expect(config.requiredSlots(for: .resign) == [.ktp, .kk, .employerLetter])
    }

    @Test("a branch file may override one entry and keep the other defaults")
    func partialOverride() throws {
        let json = #"{"waiting_period_months": {"resign": 2}, "confidence": {"field_min": 0.7}}"#
        let config = try JSONDecoder().decode(RulesConfig.self, from: Data(json.utf8))
        #expect(config.waitingPeriodMonths(for: .resign) == 2)
        #expect(config.waitingPeriodMonths(for: .termination) == 1)
        #expect(config.confidence.fieldMin == 0.7)
        #expect(config.confidence.nikMin == RulesConfig.default.confidence.nikMin)
        #expect(config.nameMatch == RulesConfig.default.nameMatch)
    }

    @Test("typos and impossible values are rejected", arguments: [
        #"{"waiting_period_months": {"resigned": 1}}"#,
        #"{"waiting_period_months": {"resign": -1}}"#,
        #"{"required_documents": {"resign": ["ktp", "passport"]}}"#,
        #"{"confidence": {"field_min": 6}}"#,
        #"{"confidence": {"field_min": "high"}}"#,
    ])
    func rejects(json: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RulesConfig.self, from: Data(json.utf8))
        }
    }

    @Test("a folder without rules.json gives the defaults")
    func absentFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        #expect(try RulesConfig.load(modelDirectory: dir) == .default)
    }
}
