import ArgumentParser
import Foundation
import HTTPServer
import PasserelleContent
import PasserelleStore

/// `--db FILE`, else PASSERELLE_DB, else a default file in the working directory.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "Fichier de base de données (sinon PASSERELLE_DB, sinon ./passerelle.sqlite).", valueName: "fichier"))
    var path: String?

    func resolvedPath(default fallback: String = "passerelle.sqlite") -> String {
        if let path, !path.isEmpty { return path }
        if let variable = ProcessInfo.processInfo.environment["PASSERELLE_DB"], !variable.isEmpty { return variable }
        return fallback
    }

    func open(default fallback: String = "passerelle.sqlite") throws -> Store {
        let path = resolvedPath(default: fallback)
        do {
            return try Store(path: path)
        } catch let error as StoreError {
            throw CommandFailure(error.localizedDescription)
        }
    }
}

/// `--root DIR`: the folder holding Curriculum/, Assessments/ and Web/.
struct RootOptions: ParsableArguments {
    @Option(name: .customLong("root"), help: ArgumentHelp(
        "Dossier du contenu (Curriculum/, Assessments/, Web/) ; sinon PASSERELLE_ROOT, "
            + "puis le dossier du programme, puis le dossier courant.", valueName: "dossier"))
    var path: String?

    func locate() throws -> ContentRoot {
        do {
            return try ContentRoot.locate(explicit: path)
        } catch let error as ContentRoot.Failure {
            throw CommandFailure(error.localizedDescription)
        }
    }

    /// The located root and its validated content.
    func load() throws -> (ContentRoot, ContentCatalog) {
        let root = try locate()
        do {
            return (root, try ContentLoader.load(root))
        } catch let error as ContentError {
            throw CommandFailure("le contenu de « \(root.url.path) » contient des erreurs :\n"
                + error.diagnostics.map(\.description).joined(separator: "\n")
                + "\nCorrigez-les (voir « passerelle content check »).")
        }
    }
}

/// `--host` and `--port`, loopback by default.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Adresse d'écoute. 127.0.0.1 (par défaut) n'accepte que cet ordinateur ; 0.0.0.0 ouvre au réseau local.",
        valueName: "adresse"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Port d'écoute ; 0 choisit un port libre.", valueName: "port"))
    var port: UInt16 = 8080

    @Option(help: ArgumentHelp("Nombre de fils de traitement (par défaut : le nombre de cœurs).", valueName: "n"))
    var threads: Int?

    @Flag(help: "Ne pas afficher une ligne par requête.")
    var quiet = false

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "Certificat (PEM) pour servir en HTTPS ; avec --tls-key. « passerelle tls self-signed » en crée un.", valueName: "fichier"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("Clé privée (PEM) du certificat.", valueName: "fichier"))
    var tlsKey: String?

    var usesTLS: Bool { tlsCertificate != nil && tlsKey != nil }

    /// The server's configuration; reads the key and certificate files when HTTPS is asked for.
    func configuration() throws -> HTTPServer.Configuration {
        var configuration = HTTPServer.Configuration()
        configuration.host = host
        configuration.port = port
        if let threads { configuration.threads = threads }
        if let tlsCertificate, let tlsKey {
            guard let certificate = try? String(contentsOfFile: tlsCertificate, encoding: .utf8) else {
                throw CommandFailure("certificat illisible : « \(tlsCertificate) »")
            }
            guard let key = try? String(contentsOfFile: tlsKey, encoding: .utf8) else {
                throw CommandFailure("clé illisible : « \(tlsKey) »")
            }
            configuration.tls = .init(keyPEM: key, certificatePEM: certificate)
        }
        return configuration
    }

    func validate() throws {
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads doit être compris entre 1 et 256.")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert et --tls-key vont ensemble : donnez les deux, ou aucun.")
        }
    }
}
