import Foundation

/// Progress on stderr: a bar on a terminal, plain periodic lines otherwise.
final class Progress: @unchecked Sendable {
    // Mutated only from the command's output callback, which runs serially.
    private var done = 0
    private let total: Int
    private let label: String
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let isTTY = isatty(STDERR_FILENO) == 1
    private var barShown = false

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func advance() {
        done += 1
        let now = Date()
        // A bar cleared for a result is drawn again at once; otherwise at most 5 a second.
        guard total > 1, (isTTY && !barShown) || now.timeIntervalSince(lastPrint) >= (isTTY ? 0.2 : 5) || done == total
        else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(done) / max(0.001, elapsed)
        let left = rate > 0 ? Double(total - done) / rate : 0
        if isTTY {
            let width = 30
            let filled = Int(Double(width) * Double(done) / Double(max(1, total)))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d %@  %.1f/s  %.0fs left ", bar, done, total, label, rate, left).utf8))
            barShown = true
        } else {
            writeError(String(format: "%d/%d %@, %.1f/s, %.0fs left", done, total, label, rate, left))
        }
    }

    /// Clears the bar before a result is printed, so results and the bar do not share a line.
    func clearLine() {
        guard isTTY, barShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        barShown = false
    }

    func finish() {
        if isTTY && barShown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
