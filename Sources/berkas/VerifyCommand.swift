import ArgumentParser
import Foundation
import Verification

enum KindOption: String, ExpressibleByArgument, CaseIterable {
    case auto, ktp, kk
    case employerLetter = "employer_letter"

    var kind: DocumentKind? {
        switch self {
        case .auto: nil
        case .ktp: .ktp
        case .kk: .kk
        case .employerLetter: .employerLetter
        }
    }
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "OCR, field extraction and per-document checks of loose files.")

    @Option(help: "Document kind, or auto to classify.")
    var kind: KindOption = .auto

    @Option(help: "Output: text for people, json for JSON Lines (one object per file).")
    var format: OutputFormat = .text

    @OptionGroup var pipeline: PipelineOptions

    @Argument(help: "Scans: PNG, JPEG, TIFF, WebP, BMP or PDF.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one FILE") }
    }

    func run() async throws {
        let precheck = try pipeline.precheck()
        var unreadable: [String] = []
        var readable: [(Int, String)] = []
        for (i, f) in files.enumerated() {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: f, isDirectory: &isDir) || isDir.boolValue {
                writeError("berkas verify: \(f): \(isDir.boolValue ? "is a directory" : "no such file")")
                unreadable.append(f)
            } else if !FileManager.default.isReadableFile(atPath: f) {
                writeError("berkas verify: \(f): permission denied")
                unreadable.append(f)
            } else {
                readable.append((i, f))
            }
        }
        let kind = self.kind.kind
        let format = self.format
        try await OrderedParallel.run(readable, width: precheck.reader.pool.size * 2) { item in
            await precheck.reader.read(.file(URL(fileURLWithPath: item.1)), expected: kind)
        } output: { result in
            var r = result
            r.file = readable.first { URL(fileURLWithPath: $0.1).path == result.file }?.1 ?? result.file
            switch format {
            case .json: JSONLines.write(r)
            case .text: print(TextReport.document(r))
            }
        }
        if !unreadable.isEmpty {
            throw InputUnreadable(description: "berkas verify: \(unreadable.count) input(s) could not be read")
        }
    }
}

/// Runs work items concurrently, at most `width` at once, and hands results out in input order.
enum OrderedParallel {
    static func run<Item: Sendable, Result: Sendable>(
        _ items: [Item], width: Int,
        work: @escaping @Sendable (Item) async -> Result,
        output: (Result) throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            var pending: [Int: Result] = [:]
            var emit = 0
            for _ in 0..<min(width, items.count) {
                let i = next; next += 1
                group.addTask { (i, await work(items[i])) }
            }
            while let (i, r) = try await group.next() {
                pending[i] = r
                while let ready = pending.removeValue(forKey: emit) {
                    try output(ready)
                    emit += 1
                }
                if next < items.count {
                    let j = next; next += 1
                    group.addTask { (j, await work(items[j])) }
                }
            }
        }
    }
}

/// Human-readable reports for the terminal.
enum TextReport {
    static func document(_ r: DocumentResult, indent: String = "") -> String {
        var lines: [String] = []
        let q = r.quality
        lines.append("\(indent)\(r.file): \(r.kind.rawValue) (\(String(format: "%.2f", r.kindConfidence)))"
            + "  \(q.width)x\(q.height), \(q.pages) page(s), OCR confidence \(String(format: "%.2f", q.ocrConfidence))"
            + (q.readable ? "" : ", UNREADABLE"))
        for name in r.fields.keys.sorted() {
            let f = r.fields[name]!
            lines.append("\(indent)  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) "
                + "\((f.value ?? "-").padding(toLength: 36, withPad: " ", startingAt: 0)) \(String(format: "%.2f", f.confidence))")
        }
        for (i, m) in (r.members ?? []).enumerated() {
            let nama = m["nama"]?.value ?? "?"
            let nik = m["nik"]?.value ?? "?"
            let rel = m["hubungan"]?.value ?? ""
            lines.append("\(indent)  member \(i + 1): \(nama) \(nik) \(rel)")
        }
        for issue in r.issues { lines.append("\(indent)  ! \(issueLine(issue))") }
        return lines.joined(separator: "\n")
    }

    static func issueLine(_ i: Issue) -> String {
        var where_ = [i.document, i.field].compactMap { $0 }.joined(separator: ".")
        if !where_.isEmpty { where_ = " [\(where_)]" }
        return "\(i.code.rawValue) (\(i.severity.rawValue))\(where_): \(i.message)"
    }

    static func verdict(_ v: Verdict) -> String {
        var lines = ["\(v.claim): \(v.status.rawValue)"
            + (v.queue.map { "  booked \($0.area) \($0.date) #\($0.position)" } ?? "")]
        for r in v.reasons { lines.append("  - \(issueLine(r))") }
        for slot in v.documents.keys.sorted() {
            let d = v.documents[slot]!
            lines.append("  \(slot): \(d.kind.rawValue) (\(String(format: "%.2f", d.kindConfidence))) \(d.file)")
        }
        return lines.joined(separator: "\n")
    }
}
