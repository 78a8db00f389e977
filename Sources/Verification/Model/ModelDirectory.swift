import Foundation

/// Finds `models/`, the folder of what OCR and extraction load at run time.
///
/// Order: `BERKAS_MODELS`; `./models`; a `models` folder beside or above the executable
/// (a build under `.build/` finds the checkout's copy).
public enum ModelDirectory {
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let fm = FileManager.default
        if let env = environment["BERKAS_MODELS"], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("models", isDirectory: true)
        if isModels(cwd) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("models", isDirectory: true)
            if isModels(candidate) { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return nil
    }

    /// The models folder, or an error that says how to point at one.
    public static func require() throws -> URL {
        guard let url = locate() else { throw ModelDirectoryError.notFound }
        return url
    }

    private static func isModels(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("wilayah").path)
    }
}

public enum ModelDirectoryError: Error, CustomStringConvertible {
    case notFound
    public var description: String {
        "models/ not found: run from the Berkas checkout or set BERKAS_MODELS to its models folder"
    }
}
