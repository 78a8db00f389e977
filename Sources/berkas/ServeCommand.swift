import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Server
import Store
import Verification

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "The HTTP API (and background checking and the video-call queue). Creates the data folder, key and database on first start.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Flag(help: "Mark the officers' session cookie Secure (set when the pages are served over HTTPS, e.g. behind a proxy).")
    var secureCookies = false

    @OptionGroup var data: DataOptions
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
    }

    func run() async throws {
        var logger = Logger(label: "berkas")
        logger.logLevel = .info
        let precheck = try pipeline.precheck()
        let configuration = ServerConfiguration(host: host, port: port, dataDirectory: data.directory,
                                                workers: pipeline.workers,
                                                maxScanBytes: pipeline.limits.maxBytes,
                                                secureCookies: secureCookies)
        let app = try await open(configuration, precheck, logger)
        try await app.runService()
    }
}

/// Builds the service, turning a data folder that cannot be opened into a usage error.
private func open(_ configuration: ServerConfiguration, _ checker: Precheck, _ logger: Logger) async throws -> some ApplicationProtocol {
    do {
        return try await buildApplication(configuration: configuration, checker: checker, logger: logger)
    } catch {
        throw ValidationError("cannot open the data folder \(configuration.dataDirectory.path): \(error)")
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Bearer tokens for intake services.",
                                                    subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create",
                                                        abstract: "Prints a new bearer token for an intake service (stored hashed).")
        @OptionGroup var data: DataOptions
        @Argument(help: "Name of the intake service.") var name: String

        func validate() throws {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 100 else { throw ValidationError("NAME must be 1 to 100 characters") }
        }

        func run() async throws {
            let store: AppDatabase
            do { store = try AppDatabase.open(dataDirectory: data.directory) } catch {
                throw ValidationError("cannot open the data folder \(data.directory.path): \(error)")
            }
            print(try await store.createToken(name: name))
        }
    }
}
