import ArgumentParser
import Foundation

/// `passerelle tls self-signed`: a certificate for a classroom network, made with the system's openssl.
struct TLSGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls", abstract: "Prépare HTTPS pour un réseau local.", subcommands: [SelfSigned.self])

    struct SelfSigned: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "self-signed",
            abstract: "Crée une clé et un certificat auto-signé (openssl) pour servir en HTTPS sur un réseau local.",
            discussion: "Les navigateurs avertiront une première fois : le certificat n'est signé par personne. "
                + "Vérifiez son empreinte (affichée ici) puis acceptez-le. Voir docs/SECURITY.md.")
        @Option(name: .customLong("out"), help: ArgumentHelp("Dossier où écrire passerelle.key et passerelle.crt.", valueName: "dossier"))
        var folder: String = "."
        @Option(name: .customLong("name"), help: ArgumentHelp(
            "Nom ou adresse IP du serveur sur le réseau (plusieurs possibles).", valueName: "nom"))
        var names: [String] = ["localhost"]
        @Option(help: ArgumentHelp("Durée de validité en jours (1 à 825).", valueName: "jours")) var days: Int = 825

        func validate() throws {
            guard (1...825).contains(days) else { throw ValidationError("--days est un nombre de jours entre 1 et 825.") }
            for name in names where name.isEmpty || name.count > 253
                || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:".contains($0)) }) {
                throw ValidationError("« \(name) » n'est pas un nom d'hôte ni une adresse IP.")
            }
        }

        func run() throws {
            let key = (folder as NSString).appendingPathComponent("passerelle.key")
            let certificate = (folder as NSString).appendingPathComponent("passerelle.crt")
            for file in [key, certificate] where FileManager.default.fileExists(atPath: file) {
                throw CommandFailure("« \(file) » existe déjà : rien n'a été remplacé")
            }
            guard let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first(where: FileManager.default.isExecutableFile) else {
                throw CommandFailure("openssl est introuvable : installez-le (apt-get install openssl)")
            }
            let alternatives = names.map { name in
                name.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? "IP:\(name)" : "DNS:\(name)"
            }.joined(separator: ",")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                 "-keyout", key, "-out", certificate, "-days", String(days), "-subj", "/CN=\(names[0])",
                                 "-addext", "subjectAltName=\(alternatives)"]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            let previous = umask(0o077)
            try process.run()
            process.waitUntilExit()
            umask(previous)
            guard process.terminationStatus == 0 else {
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw CommandFailure("openssl a échoué : \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
            say("Clé : \(key) (lisible par vous seul)")
            say("Certificat : \(certificate), valable \(days) jours, pour \(names.joined(separator: ", "))")
            say("Lancez : passerelle serve --host 0.0.0.0 --tls-cert \(certificate) --tls-key \(key)")
        }
    }
}
