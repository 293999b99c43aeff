import ArgumentParser
import Foundation
import HTTPServer
import PasserelleCore
#if canImport(Glibc)
import Glibc
#endif

/// Exit statuses: 0 success, 1 failure, 2 usage error. Messages are in French, without stack traces.
@main
enum Main {
    static func main() {
        // Before any thread exists: the server commands wait for these signals with `sigwait`; the
        // others restore them at once.
        TerminationSignals.blockInProcess()
        do {
            var command = try PasserelleCommand.parseAsRoot()
            if !(command is WaitsForTermination) { TerminationSignals.unblock() }
            try command.run()
            exit(0)
        } catch let error as CommandFailure {
            printError(error.message)
            exit(1)
        } catch {
            let code = PasserelleCommand.exitCode(for: error)
            if code == .success {
                print(FrenchMessages.translate(PasserelleCommand.fullMessage(for: error)))
                exit(0)
            }
            if error is ExitCode || error is CleanExit {
                exit(code.rawValue == 0 ? 0 : 1)
            }
            if code == .validationFailure {
                printError(FrenchMessages.translate(PasserelleCommand.fullMessage(for: error)))
                exit(2)
            }
            printError((error as? LocalizedError)?.errorDescription ?? "\(error)")
            exit(1)
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("passerelle : \(message)\n".utf8))
    }
}

/// A command that runs until SIGINT or SIGTERM (it keeps them blocked and waits for them).
protocol WaitsForTermination {}

/// A failure to report to the user as it is, with exit status 1.
struct CommandFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

struct PasserelleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passerelle",
        abstract: "Passerelle : formation et positionnement en médiation sociale numérique.",
        version: Passerelle.version,
        subcommands: [Init.self, Serve.self, Demo.self, Content.self, Modules.self, Simulate.self, Calibrate.self, Export.self, CohortGroup.self, LearnerGroup.self, Report.self, TrainerGroup.self, Assign.self, Retention.self, Backup.self, Restore.self, TLSGroup.self, Bench.self]
    )
}

/// Writes a line to standard output at once (unbuffered), so that a supervisor or a test reading a
/// pipe sees it while the server runs.
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Writes a JSON value (pretty-printed, sorted keys) to standard output.
func sayJSON(_ object: Any) throws {
    say(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
}

/// Writes an encodable value as JSON (pretty-printed, sorted keys) to standard output.
func sayJSON<T: Encodable>(encoding value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    say(String(decoding: try encoder.encode(value), as: UTF8.self))
}
