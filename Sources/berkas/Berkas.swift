import ArgumentParser
import Foundation

@main
struct Berkas: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berkas",
        abstract: "Pre-checks JHT claim documents (KTP, KK, employer letter) before a claim takes a video-call slot.",
        subcommands: [
            VerifyCommand.self, CheckCommand.self, ServeCommand.self, RecheckCommand.self,
            EvalCommand.self, TokenCommand.self, OfficerCommand.self, BenchCommand.self,
        ]
    )

    /// SPEC exit statuses: 0 ran, 1 bad usage, 2 an input could not be read at all.
    static func main() async {
        OpenMPLimit.ensure()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            Foundation.exit(error is InputUnreadable ? 2 : 1)
        }
    }
}

/// One or more inputs could not be read at all (exit status 2).
struct InputUnreadable: Error, CustomStringConvertible {
    var description: String
}

func writeError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
