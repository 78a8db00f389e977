import ArgumentParser

struct OfficerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "officer", abstract: "Officer accounts for the web pages.",
                                                    subcommands: [Add.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Creates an officer account (password from stdin).")
        @OptionGroup var data: DataOptions
        @Option(help: "Areas the officer may see, comma-separated (default: all).") var area: String?
        @Argument(help: "Username.") var username: String
        func run() async throws { throw NotAvailable(command: "officer add") }
    }
}

