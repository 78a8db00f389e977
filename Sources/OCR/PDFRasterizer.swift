import CTesseract
import Foundation

/// Rasterises PDF pages with poppler's `pdfinfo` and `pdftoppm` in child processes bounded in
/// time and memory, then reads the (uncompressed PGM) pages back. Only the first
/// `ScanLimits.decodedPages` pages are rendered; the rest are counted.
struct PDFRasterizer {
    var limits: ScanLimits

    func rasterize(data: Data, existingFile: URL?) throws -> (pages: [Pix], pageCount: Int) {
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("berkas-pdf-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let pdf: URL
        if let existingFile {
            pdf = existingFile
        } else {
            pdf = work.appendingPathComponent("input.pdf")
            do { try data.write(to: pdf) } catch { throw ScanError.pdfFailed("could not write a temporary copy") }
        }
        let deadline = Date().addingTimeInterval(limits.pdfTimeout)

        let info = try BoundedProcess.run("pdfinfo", [pdf.path], workDirectory: work, until: deadline)
        let infoText = info.stdout + "\n" + info.stderr
        if infoText.contains("Incorrect password") || infoText.contains("Command Line Error: Incorrect password") {
            throw ScanError.encryptedPDF
        }
        guard info.status == 0 else {
            throw ScanError.pdfFailed(info.stderr.split(separator: "\n").first.map(String.init) ?? "pdfinfo failed")
        }
        var pageCount = 0
        var pageWidthPt = 595.0, pageHeightPt = 842.0
        for line in info.stdout.split(separator: "\n") {
            if line.hasPrefix("Pages:") {
                pageCount = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
            } else if line.hasPrefix("Page size:") {
                // "Page size:      595.276 x 841.89 pts (A4)"
                let parts = line.dropFirst(10).split(separator: " ")
                if parts.count >= 3, let w = Double(parts[0]), let h = Double(parts[2]) {
                    pageWidthPt = w; pageHeightPt = h
                }
            }
        }
        guard pageCount > 0 else { throw ScanError.pdfFailed("the PDF has no pages") }
        if pageCount > limits.maxPages { throw ScanError.tooManyPages(pages: pageCount, limit: limits.maxPages) }

        // A page declared enormous is rendered at a lower resolution rather than refused.
        var dpi = Double(limits.pdfDPI)
        let pixelsAtDPI = (pageWidthPt / 72 * dpi) * (pageHeightPt / 72 * dpi)
        if pixelsAtDPI > Double(limits.maxPixels) {
            dpi *= (Double(limits.maxPixels) / pixelsAtDPI).squareRoot() * 0.95
        }
        dpi = max(dpi, 10)

        let prefix = work.appendingPathComponent("page").path
        // Plain PGM, not PNG: compressing a photographed page costs pdftoppm seconds (7 s for a
        // phone photo of a KK at 200 dpi, against 0.1 s uncompressed); the file is read once.
        let render = try BoundedProcess.run(
            "pdftoppm",
            ["-r", String(Int(dpi)), "-gray", "-f", "1", "-l", String(min(pageCount, limits.decodedPages)), pdf.path, prefix],
            workDirectory: work, until: deadline)
        guard render.status == 0 else {
            if render.stderr.contains("Incorrect password") { throw ScanError.encryptedPDF }
            throw ScanError.pdfFailed(render.stderr.split(separator: "\n").first.map(String.init) ?? "pdftoppm failed")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []
        let pageFiles = files.filter { $0.hasPrefix("page") && $0.hasSuffix(".pgm") }.sorted()
        var pages: [Pix] = []
        for name in pageFiles {
            let path = work.appendingPathComponent(name).path
            guard let pix = Pix(owning: pixRead(path)) else { throw ScanError.pdfFailed("page \(name) unreadable") }
            if pix.width * pix.height > limits.maxPixels {
                throw ScanError.tooManyPixels(width: pix.width, height: pix.height, limit: limits.maxPixels)
            }
            pages.append(pix)
        }
        if pages.isEmpty { throw ScanError.pdfFailed("no page rendered") }
        return (pages, pageCount)
    }
}

/// Runs a tool in a child process, killing it at a deadline. stdout and stderr go to files,
/// so a chatty child can never block on a full pipe.
enum BoundedProcess {
    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Address-space cap for children, when `prlimit` is available.
    static let memoryLimitBytes = 2 * 1024 * 1024 * 1024

    static func run(_ tool: String, _ arguments: [String], workDirectory: URL, until deadline: Date) throws -> Output {
        guard let toolPath = which(tool) else {
            throw ScanError.pdfFailed("\(tool) is not installed (Debian package poppler-utils)")
        }
        let process = Process()
        if let prlimit = which("prlimit") {
            process.executableURL = URL(fileURLWithPath: prlimit)
            process.arguments = ["--as=\(memoryLimitBytes)", "--", toolPath] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: toolPath)
            process.arguments = arguments
        }
        let outURL = workDirectory.appendingPathComponent("\(tool)-\(UUID().uuidString).out")
        let errURL = workDirectory.appendingPathComponent("\(tool)-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw ScanError.pdfFailed("could not start \(tool)") }
        while process.isRunning {
            if Date() >= deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw ScanError.timedOut("\(tool) took longer than allowed")
            }
            usleep(5_000)
        }
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    static func which(_ tool: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in paths + ["/usr/bin", "/bin"] {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
