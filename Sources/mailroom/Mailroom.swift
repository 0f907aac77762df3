import ArgumentParser

@main
struct MailroomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mailroom")
}
