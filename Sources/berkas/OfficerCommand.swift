import ArgumentParser
import Foundation
import Server
import Store

struct OfficerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "officer", abstract: "Officer accounts for the web pages.",
                                                    subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Creates an officer account (password from stdin, one line).")
        @OptionGroup var data: DataOptions
        @Option(help: "Areas the officer may see, comma-separated (default: all).") var area: String?
        @Argument(help: "Username: 1 to 64 of a-z, 0-9, '.', '_', '-'.") var username: String

        var areas: [String] {
            (area ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        }

        func validate() throws {
            guard username.range(of: #"^[a-z0-9][a-z0-9._-]{0,63}$"#, options: .regularExpression) != nil else {
                throw ValidationError("USERNAME must be 1 to 64 of a-z, 0-9, '.', '_', '-' (starting with a letter or digit)")
            }
        }

        func run() async throws {
            // The areas are checked against the branch, so a typo does not make an officer who sees nothing.
            let branch: Branch
            do { branch = try Branch.locate() } catch { throw ValidationError("cannot load the branch (models/branch.json): \(error)") }
            let store: AppDatabase
            do { store = try AppDatabase.open(dataDirectory: data.directory, branch: branch) } catch {
                throw ValidationError("cannot open the data folder \(data.directory.path): \(error)")
            }
            // From stdin, never from the command line: arguments are visible to every user in `ps`.
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("give the password on stdin, e.g. `printf '%s\\n' \"$PASSWORD\" | berkas officer add \(username)`")
            }
            do {
                try await OfficerAccounts.add(username: username, password: line, areas: areas, to: store)
            } catch let error as OfficerError {
                throw ValidationError(error.description)
            } catch let error as OfficerAccountError {
                throw ValidationError(error.description)
            }
            writeError("officer \(username) created" + (areas.isEmpty ? " (all areas)" : " (areas: \(areas.joined(separator: ", ")))"))
        }
    }
}
