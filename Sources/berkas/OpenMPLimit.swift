import Foundation

/// Tesseract's LSTM asks OpenMP for several threads per call with an explicit `num_threads`,
/// which only `OMP_THREAD_LIMIT` caps, and libgomp reads it once, when it is loaded. Without it
/// every engine's passes spin extra threads that fight the other engines for the cores (a
/// profile showed more time in libgomp and the scheduler than in Tesseract). So when the
/// variable is unset, the process starts itself again with `OMP_THREAD_LIMIT=1`; a value the
/// user set is kept.
enum OpenMPLimit {
    static func ensure() {
        guard getenv("OMP_THREAD_LIMIT") == nil else { return }
        setenv("OMP_THREAD_LIMIT", "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: run on, slower, rather than not at all.
    }
}
