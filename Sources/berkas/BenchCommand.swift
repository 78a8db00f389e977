import ArgumentParser
import Foundation
import Verification

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Per-document speed and memory on a fixture set, beside `tesseract FILE stdout -l ind` on the same files.")

    @OptionGroup var pipeline: PipelineOptions

    @Flag(help: "Skip the tesseract CLI baseline.")
    var noBaseline = false

    @Argument(help: "Folders or files to read (default: fixtures/corpus).")
    var inputs: [String] = ["fixtures/corpus"]

    func run() async throws {
        let files = try Self.collect(inputs)
        guard !files.isEmpty else { throw InputUnreadable(description: "berkas bench: no scans under \(inputs.joined(separator: " "))") }
        writeError("berkas bench: \(files.count) files")

        // One worker: latency per document.
        var one = pipeline
        one.workers = 1
        let single = try one.precheck()
        _ = await single.reader.read(.file(files[0].url))  // load the engine before timing
        var latency: [String: [Double]] = [:]
        let start1 = Date()
        for f in files {
            let t0 = Date()
            _ = await single.reader.read(.file(f.url))
            latency[f.kind, default: []].append(Date().timeIntervalSince(t0) * 1000)
        }
        let oneRate = Double(files.count) / Date().timeIntervalSince(start1)
        let peakOne = Self.peakResidentMB()

        // All workers: throughput.
        let all = try pipeline.precheck()
        let startN = Date()
        try await OrderedParallel.run(files, width: all.reader.pool.size * 2) { f in
            await all.reader.read(.file(f.url)).kind
        } output: { _ in }
        let nRate = Double(files.count) / Date().timeIntervalSince(startN)
        let peakAll = Self.peakResidentMB()

        // Baseline: the tesseract CLI per file, as anyone would write it.
        var baseline: [String: [Double]] = [:]
        var baselineRate = 0.0
        var baselinePeak = 0.0
        if !noBaseline {
            let images = files.filter { $0.url.pathExtension.lowercased() != "pdf" }
            let startB = Date()
            for f in images {
                let t0 = Date()
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/tesseract")
                p.arguments = [f.url.path, "stdout", "-l", "ind"]
                p.environment = ["OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"]
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
                baseline[f.kind, default: []].append(Date().timeIntervalSince(t0) * 1000)
            }
            baselineRate = Double(images.count) / max(0.001, Date().timeIntervalSince(startB))
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
            baselinePeak = Double(usage.ru_maxrss) / 1024
        }

        print("kind              n   berkas p50   p95 ms   tesseract-cli p50   p95 ms")
        for kind in latency.keys.sorted() {
            let b = latency[kind]!.sorted(), t = (baseline[kind] ?? []).sorted()
            print(kind.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%4d   %8.0f %8.0f   %12@ %8@", b.count,
                  Self.percentile(b, 0.5), Self.percentile(b, 0.95),
                  t.isEmpty ? "-" : String(format: "%.0f", Self.percentile(t, 0.5)),
                  t.isEmpty ? "-" : String(format: "%.0f", Self.percentile(t, 0.95))))
        }
        print(String(format: "documents/s: berkas 1 worker %.2f, %d workers %.2f (x%.2f)", oneRate, all.reader.pool.size, nRate, nRate / oneRate))
        if !noBaseline {
            print(String(format: "documents/s: tesseract CLI (1 process at a time, OMP_THREAD_LIMIT=1) %.2f; berkas 1 worker / CLI = x%.2f",
                         baselineRate, oneRate / max(0.001, baselineRate)))
        }
        print(String(format: "peak resident memory: berkas with 1 engine %.0f MB, with %d engines %.0f MB; tesseract CLI %.0f MB",
                     peakOne, all.reader.pool.size, peakAll, baselinePeak))
    }

    struct Item: Sendable { var url: URL; var kind: String }

    static func collect(_ inputs: [String]) throws -> [Item] {
        let exts: Set<String> = ["png", "jpg", "jpeg", "tif", "tiff", "webp", "bmp", "pdf"]
        var out: [Item] = []
        for input in inputs {
            let url = URL(fileURLWithPath: input)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw InputUnreadable(description: "berkas bench: \(input): no such file or folder")
            }
            var urls: [URL] = []
            if isDir.boolValue, let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) {
                for case let u as URL in walker where exts.contains(u.pathExtension.lowercased()) { urls.append(u) }
            } else {
                urls.append(url)
            }
            for u in urls.sorted(by: { $0.path < $1.path }) { out.append(Item(url: u, kind: kind(of: u))) }
        }
        return out
    }

    /// The kind from the truth file beside the scan, else from its name.
    static func kind(of url: URL) -> String {
        let truth = url.deletingPathExtension().appendingPathExtension("json")
        if let data = FileManager.default.contents(atPath: truth.path),
           let t = try? JSONDecoder().decode(TruthFile.self, from: data) { return t.kind.rawValue }
        let name = url.lastPathComponent
        if name.hasPrefix("ktp") { return "ktp" }
        if name.hasPrefix("kk") { return "kk" }
        if name.hasPrefix("letter") || name.hasPrefix("surat") { return "employer_letter" }
        return "other"
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    /// VmHWM: the process's peak resident set.
    static func peakResidentMB() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
            return kb / 1024
        }
        return 0
    }
}
