import Foundation
import Testing
import Verification

/// The bundled claim folders through the whole pre-check: real scans, real Tesseract, the rules.
@Suite("Claim fixtures")
struct ClaimFixtureTests {
    static let folders: [String] = CorpusEvaluation.claimFolders(in: fixtureURL("claims")).map(\.lastPathComponent)

    /// Clean claims the pipeline still sends back, and why (listed in the issue note as open work).
    static let knownCleanFailures: [String: Comment] = [:]

    func verdict(_ name: String) async throws -> (Verdict, ExpectedVerdict) {
        let dir = fixtureURL("claims/\(name)")
        let folder = try ClaimFolder.load(dir)
        let expected = try JSONDecoder().decode(ExpectedVerdict.self,
                                                from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let verdict = await sharedPrecheck.check(form: folder.form, documents: folder.documents, context: ClaimContext())
        return (verdict, expected)
    }

    @Test("There are clean and defective claim fixtures")
    func fixturesPresent() {
        #expect(Self.folders.count >= 20)
    }

    @Test("Given a claim folder, when checked, then a defective claim is never complete, a clean one never incomplete, and the expected reasons appear",
          arguments: folders)
    func claim(_ name: String) async throws {
        let (verdict, expected) = try await verdict(name)
        let codes = Set(verdict.reasons.map(\.code.rawValue))
        if expected.status == .complete {
            if let reason = Self.knownCleanFailures[name] {
                withKnownIssue(reason, isIntermittent: true) {
                    #expect(verdict.status != .incomplete, "\(name): clean claim sent back: \(verdict.reasons.map(\.code.rawValue))")
                }
            } else {
                #expect(verdict.status != .incomplete, "\(name): clean claim sent back: \(verdict.reasons.map(\.code.rawValue))")
            }
        } else {
            #expect(verdict.status != .complete, "\(name): defective claim passed (\(expected.note ?? ""))")
            for code in expected.codes {
                #expect(codes.contains(code), "\(name): expected \(code), got \(codes.sorted())")
            }
        }
        // Every reason a claimant sees says what to do, in Indonesian.
        for reason in verdict.reasons where reason.severity == .error {
            #expect(reason.message.count > 20)
        }
        #expect(verdict.claim == name || !verdict.claim.isEmpty)
    }
}
