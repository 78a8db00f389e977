import Foundation

/// The truth file beside a fixture scan (fixtures/README.md).
public struct TruthFile: Codable, Sendable {
    public var file: String
    public var kind: DocumentKind
    public var level: String?
    public var fields: [String: String?]
    public var members: [[String: String?]]?
}

/// What `expected.json` in a claim fixture says the verdict must be.
public struct ExpectedVerdict: Codable, Sendable {
    public var status: ClaimStatus
    public var codes: [String]
    public var note: String?
}

/// One field read wrongly or not at all.
public struct FieldMiss: Sendable, Hashable {
    public var field: String
    public var expected: String?
    public var read: String?
    public var confidence: Double
}

/// One document compared with its truth.
public struct DocumentScore: Sendable {
    public var file: String
    public var kind: DocumentKind
    public var level: String
    public var predictedKind: DocumentKind
    /// Field name -> read exactly.
    public var fields: [String: Bool]
    /// Wrong values reported with confidence >= 0.8: the worst outcome.
    public var confidentlyWrong: [String]
    /// Every truth field not read exactly: what the truth says, what was read (nil: nothing).
    public var misses: [FieldMiss] = []
    public var memberNIKsTotal: Int
    public var memberNIKsFound: Int
    public var milliseconds: Double

    public var allExact: Bool { predictedKind == kind && fields.values.allSatisfy { $0 } }
}

/// Field-level accuracy on a labelled corpus: compares what Berkas reads with the truth files.
public enum CorpusEvaluation {
    /// Values compare without case and with single spaces (letters keep their printed case).
    public static func same(_ a: String?, _ b: String?) -> Bool {
        func n(_ s: String?) -> String? {
            s.map { $0.uppercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        }
        return n(a) == n(b)
    }

    /// Truth files under `directory`, recursively, with their scans.
    public static func truthFiles(in directory: URL) throws -> [(URL, TruthFile)] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var out: [(URL, TruthFile)] = []
        for case let url as URL in walker where url.pathExtension == "json" {
            let name = url.lastPathComponent
            if name == "claim.json" || name == "expected.json" { continue }
            guard let data = fm.contents(atPath: url.path),
                  let truth = try? JSONDecoder().decode(TruthFile.self, from: data) else { continue }
            let scan = url.deletingLastPathComponent().appendingPathComponent(truth.file)
            if fm.fileExists(atPath: scan.path) { out.append((scan, truth)) }
        }
        return out.sorted { $0.0.path < $1.0.path }
    }

    /// Claim folders (holding claim.json and expected.json) under `directory`.
    public static func claimFolders(in directory: URL) -> [URL] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var out: [URL] = []
        for case let url as URL in walker where url.lastPathComponent == "expected.json" {
            let dir = url.deletingLastPathComponent()
            if fm.fileExists(atPath: dir.appendingPathComponent("claim.json").path) { out.append(dir) }
        }
        return out.sorted { $0.path < $1.path }
    }

    public static func score(_ result: DocumentResult, truth: TruthFile) -> DocumentScore {
        var fields: [String: Bool] = [:]
        var wrong: [String] = []
        var misses: [FieldMiss] = []
        if truth.kind != .unknown {
            for (name, value) in truth.fields {
                guard let expected = value else {
                    // Truth says the document lacks it: a value read there is wrong.
                    if let got = result.fields[name]?.value, !got.isEmpty {
                        fields[name] = false
                        misses.append(FieldMiss(field: name, expected: nil, read: got, confidence: result.fields[name]?.confidence ?? 0))
                        if (result.fields[name]?.confidence ?? 0) >= 0.8 { wrong.append(name) }
                    }
                    continue
                }
                let got = result.fields[name]
                let ok = same(got?.value, expected)
                fields[name] = ok
                if !ok, got?.value != nil, (got?.confidence ?? 0) >= 0.8 { wrong.append(name) }
                if !ok { misses.append(FieldMiss(field: name, expected: expected, read: got?.value, confidence: got?.confidence ?? 0)) }
            }
        }
        var total = 0, found = 0
        if truth.kind == .kk {
            let read = Set((result.members ?? []).compactMap { $0["nik"]?.value })
            for m in truth.members ?? [] {
                guard let nik = m["nik"] ?? nil else { continue }
                total += 1
                if read.contains(nik) { found += 1 }
            }
        }
        return DocumentScore(file: truth.file, kind: truth.kind, level: truth.level ?? "-", predictedKind: result.kind,
                             fields: fields, confidentlyWrong: wrong, misses: misses.sorted { $0.field < $1.field },
                             memberNIKsTotal: total, memberNIKsFound: found, milliseconds: result.timingMs["total"] ?? 0)
    }

    /// Every field read wrongly or not at all, document by document (`berkas eval --misses`):
    /// `level/file  field  expected -> read (confidence)`, and documents given the wrong kind.
    public static func missesReport(_ scores: [DocumentScore]) -> String {
        var out = ["Fields not read exactly (truth -> read, confidence):"]
        func shown(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "nothing" }
        for s in scores.sorted(by: { ($0.level, $0.file) < ($1.level, $1.file) }) {
            if s.predictedKind != s.kind {
                out.append("  \(s.level)/\(s.file)  kind  \(s.kind.rawValue) -> \(s.predictedKind.rawValue)")
            }
            for m in s.misses {
                out.append("  \(s.level)/\(s.file)  \(m.field)  \(shown(m.expected)) -> \(shown(m.read))"
                    + (m.read == nil ? "" : String(format: " (%.2f)", m.confidence)))
            }
            if s.memberNIKsFound < s.memberNIKsTotal {
                out.append("  \(s.level)/\(s.file)  members  \(s.memberNIKsFound) of \(s.memberNIKsTotal) NIKs found")
            }
        }
        if out.count == 1 { out.append("  none") }
        return out.joined(separator: "\n")
    }

    /// The report `berkas eval` prints: per kind and level, then per field.
    public static func report(_ scores: [DocumentScore]) -> String {
        let levels = ["clean", "office", "phone", "poor"]
        func pct(_ a: Int, _ b: Int) -> String { b == 0 ? "     -" : String(format: "%5.1f%%", 100 * Double(a) / Double(b)) }
        var out: [String] = []
        out.append("Documents by kind and level (fields: share of truth fields read exactly; docs: documents with every field exact)")
        out.append("kind             level   docs  class.  fields  docs-exact  NIK-exact  members-NIK  conf-wrong")
        let kinds: [DocumentKind] = [.ktp, .kk, .employerLetter, .unknown]
        for kind in kinds {
            let lv = Set(scores.filter { $0.kind == kind }.map(\.level))
            for level in levels.filter({ lv.contains($0) }) + lv.subtracting(levels).sorted() + ["all"] {
                let s = scores.filter { $0.kind == kind && (level == "all" || $0.level == level) }
                guard !s.isEmpty else { continue }
                let cls = s.filter { $0.predictedKind == $0.kind }.count
                let f = s.flatMap(\.fields.values)
                let nik = s.compactMap { $0.fields["nik"] }
                let mt = s.map(\.memberNIKsTotal).reduce(0, +), mf = s.map(\.memberNIKsFound).reduce(0, +)
                let wrong = s.map(\.confidentlyWrong.count).reduce(0, +)
                out.append("\(kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(level.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                    + String(format: "%4d", s.count) + "  " + pct(cls, s.count) + "  " + pct(f.filter { $0 }.count, f.count)
                    + "      " + pct(s.filter(\.allExact).count, s.count)
                    + "     " + pct(nik.filter { $0 }.count, nik.count)
                    + "       " + pct(mf, mt) + "       " + String(format: "%4d", wrong))
            }
        }
        out.append("")
        out.append("Fields (all levels; clean+office / phone / poor)")
        for kind in [DocumentKind.ktp, .kk, .employerLetter] {
            let s = scores.filter { $0.kind == kind }
            let names = Set(s.flatMap(\.fields.keys)).sorted()
            guard !names.isEmpty else { continue }
            out.append("\(kind.rawValue):")
            for n in names {
                func rate(_ ls: Set<String>?) -> String {
                    let v = s.filter { ls == nil || ls!.contains($0.level) }.compactMap { $0.fields[n] }
                    return pct(v.filter { $0 }.count, v.count)
                }
                out.append("  \(n.padding(toLength: 20, withPad: " ", startingAt: 0)) \(rate(nil))   "
                    + "\(rate(["clean", "office"])) / \(rate(["phone"])) / \(rate(["poor"]))")
            }
        }
        let wrong = scores.filter { !$0.confidentlyWrong.isEmpty }
        if !wrong.isEmpty {
            out.append("")
            out.append("Confidently wrong (confidence >= 0.8):")
            for w in wrong { out.append("  \(w.level)/\(w.file): \(w.confidentlyWrong.joined(separator: ", "))") }
        }
        return out.joined(separator: "\n")
    }
}

/// Claim verdicts compared with `expected.json`.
public struct ClaimScore: Sendable {
    public var claim: String
    public var expected: ExpectedVerdict
    public var status: ClaimStatus
    public var codes: [String]

    public var defective: Bool { expected.status != .complete }
    public var statusMatches: Bool { status == expected.status }
    public var codesFound: Bool { Set(expected.codes).isSubset(of: Set(codes)) }

    public init(claim: String, expected: ExpectedVerdict, verdict: Verdict) {
        self.claim = claim
        self.expected = expected
        self.status = verdict.status
        self.codes = verdict.reasons.map(\.code.rawValue)
    }

    public static func report(_ scores: [ClaimScore]) -> String {
        func pct(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.1f%%", 100 * Double(a) / Double(b)) }
        let clean = scores.filter { !$0.defective }
        let bad = scores.filter(\.defective)
        var out = ["Claims: \(scores.count) (\(clean.count) clean, \(bad.count) defective)"]
        out.append("  clean: complete \(clean.filter { $0.status == .complete }.count), review \(clean.filter { $0.status == .review }.count), incomplete \(clean.filter { $0.status == .incomplete }.count)  (complete \(pct(clean.filter { $0.status == .complete }.count, clean.count)))")
        out.append("  defective marked complete: \(bad.filter { $0.status == .complete }.count)  (must be 0)")
        out.append("  defective with the expected reason codes: \(bad.filter(\.codesFound).count)/\(bad.count) (\(pct(bad.filter(\.codesFound).count, bad.count)))")
        out.append("  status as expected: \(scores.filter(\.statusMatches).count)/\(scores.count)")
        for s in scores where !s.statusMatches || !s.codesFound {
            out.append("  \(s.claim): expected \(s.expected.status.rawValue) \(s.expected.codes), got \(s.status.rawValue) \(s.codes)")
        }
        return out.joined(separator: "\n")
    }
}
