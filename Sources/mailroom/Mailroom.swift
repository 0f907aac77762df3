import ArgumentParser

struct MailroomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailroom",
        abstract: "Turns account-closure events into emails, stores them durably and delivers them over SMTP.",
        version: "0.1.0",
        subcommands: [SendCommand.self, PreviewCommand.self, ReplayCommand.self, OutboxCommand.self, TemplatesCommand.self,
                      DKIMCommand.self, ServeCommand.self])
}

@main
enum Main {
    static func main() async {
        ProcessSetup.apply()
        await MailroomCommand.main()
    }
}
