import CTesseract
import Dispatch
import Foundation

/// One Tesseract engine and the serial queue it lives on.
///
/// `@unchecked Sendable`: the engine is created, used and destroyed only on `queue`, so the
/// non-thread-safe TessBaseAPI is never touched from two threads.
final class EngineWorker: @unchecked Sendable {
    let queue: DispatchQueue
    private var engine: TesseractEngine?
    private let configuration: OCRConfiguration

    init(index: Int, configuration: OCRConfiguration) {
        queue = DispatchQueue(label: "berkas.ocr.engine.\(index)", qos: .userInitiated)
        self.configuration = configuration
    }

    /// Runs `body` on this worker's thread with its engine, loading the engine on first use.
    func run<T: Sendable>(_ body: @escaping @Sendable (TesseractEngine) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    // OpenMP threads inside Tesseract would fight the other workers (and spin on
                    // the cores between passes). The limit belongs to the calling thread, and a
                    // serial queue may run each job on a different one, so it is set every time.
                    omp_set_num_threads(1)
                    if self.engine == nil {
                        self.engine = try TesseractEngine(configuration: self.configuration)
                    }
                    let result = try body(self.engine!)
                    // A document's pages are tens of megabytes of images freed at its end;
                    // without a trim the arena keeps them and a long run's resident set grows.
                    malloc_trim(0)
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// A fixed set of engines, one per core by default, each loaded once and reused. Callers wait
/// for a free engine; recognition runs on the engines' own threads, never on Swift's
/// cooperative pool, so a long page cannot starve the HTTP server.
public actor EnginePool {
    private let workers: [EngineWorker]
    private var idle: [Int]
    private var waiters: [CheckedContinuation<Int, Never>] = []
    public nonisolated let size: Int
    public nonisolated let configuration: OCRConfiguration

    public init(size: Int = ProcessInfo.processInfo.activeProcessorCount,
                configuration: OCRConfiguration = OCRConfiguration()) throws {
        try configuration.validate()
        let n = max(1, size)
        self.size = n
        self.configuration = configuration
        workers = (0..<n).map { EngineWorker(index: $0, configuration: configuration) }
        idle = Array((0..<n).reversed())
    }

    private func acquire() async -> Int {
        if let i = idle.popLast() { return i }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ i: Int) {
        if waiters.isEmpty { idle.append(i) } else { waiters.removeFirst().resume(returning: i) }
    }

    /// Borrows an engine for `body`, which runs on the engine's thread.
    public func withEngine<T: Sendable>(_ body: @escaping @Sendable (TesseractEngine) throws -> T) async throws -> T {
        let i = await acquire()
        defer { release(i) }
        return try await workers[i].run(body)
    }

    /// Loads every engine now rather than on first use (a server warms up before taking work).
    public func warmUp() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in workers {
                group.addTask { _ = try await w.run { _ in 0 } }
            }
            try await group.waitForAll()
        }
    }
}
