import ArgumentParser
import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import PasserelleWeb

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Crée ou met à jour la base de données et vérifie le contenu.",
        discussion: "Avec --organisation et --admin, crée aussi une organisation et son compte administrateur, "
            + "dont le mot de passe provisoire est affiché une seule fois.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var root: RootOptions

    @Option(help: ArgumentHelp("Nom de l'organisation à créer.", valueName: "nom"))
    var organisation: String?

    @Option(help: ArgumentHelp("Identifiant du compte administrateur à créer.", valueName: "identifiant"))
    var admin: String?

    func validate() throws {
        if (organisation == nil) != (admin == nil) {
            throw ValidationError("--organisation et --admin vont ensemble.")
        }
    }

    func run() throws {
        let (contentRoot, catalog) = try root.load()
        let store = try database.open()
        say("Base de données prête : \(store.path) (\(try store.appliedMigrations().count) migration(s)).")
        say("Contenu valide : \(contentRoot.url.path) (\(catalog.frameworks.count) référentiel(s)).")
        if let organisation, let admin {
            let password = PasserelleWeb.Credentials.newPassword()
            do {
                let org = try store.createOrganisation(name: organisation)
                let user = try store.createUser(
                    organisationID: org.id, username: admin, displayName: admin, role: .admin,
                    passwordHash: try PasserelleWeb.Credentials.hashPassword(password))
                try store.audit(AuditEntry(action: "create-admin", targetType: "user", targetID: String(user.id)))
            } catch let error as StoreError {
                throw CommandFailure(error.localizedDescription)
            }
            say("Organisation « \(organisation) » créée.")
            say("Compte administrateur : \(admin)")
            say("Mot de passe provisoire : \(password)  (notez-le : il ne sera plus affiché)")
        }
    }
}

struct Serve: ParsableCommand, WaitsForTermination {
    static let configuration = CommandConfiguration(
        abstract: "Démarre le serveur web (127.0.0.1:8080 par défaut).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var root: RootOptions
    @OptionGroup var server: ServerOptions

    func run() throws {
        let (contentRoot, catalog) = try root.load()
        let store = try database.open()
        try serve(store: store, root: contentRoot, catalog: catalog, options: server)
    }
}

struct Demo: ParsableCommand, WaitsForTermination {
    static let configuration = CommandConfiguration(
        abstract: "Prépare une organisation de démonstration et démarre le serveur.",
        discussion: "Crée ou reprend ./passerelle-demo.sqlite (ou --db), avec une formatrice et une cohorte de "
            + "12 apprenants qui a déjà des résultats d'exemple. Le mot de passe et les codes d'accès sont affichés au "
            + "premier lancement, puis gardés : les fiches imprimées restent valables. --new-codes en crée de nouveaux.")

    @Option(name: .customLong("db"), help: ArgumentHelp(
        "Fichier de base de démonstration (par défaut ./passerelle-demo.sqlite).", valueName: "fichier"))
    var path: String = "passerelle-demo.sqlite"

    @Flag(name: .customLong("new-codes"), help: "Nouveau mot de passe et nouveaux codes pour tous (les anciens cessent de fonctionner).")
    var newCodes = false

    @Flag(name: .customLong("no-sample-results"), help: "Sans résultats d'exemple dans une nouvelle démonstration (pour les tests).")
    var noSampleResults = false

    @OptionGroup var root: RootOptions
    @OptionGroup var server: ServerOptions

    func run() throws {
        let (contentRoot, catalog) = try root.load()
        let store: Store
        do {
            store = try Store(path: path)
        } catch let error as StoreError {
            throw CommandFailure(error.localizedDescription)
        }
        let demo: DemoSeeder.Credentials
        do {
            demo = try DemoSeeder.seed(store, catalog: catalog, renewSecrets: newCodes, sampleResults: !noSampleResults)
        } catch let error as StoreError {
            throw CommandFailure("préparation de la démonstration impossible : \(error.localizedDescription)")
        }
        say(demo.created ? "Démonstration créée dans \(store.path)." : "Démonstration reprise dans \(store.path).")
        say()
        if demo.renewed {
            say("Formatrice : identifiant « \(demo.trainerUsername) », mot de passe « \(demo.trainerPassword) »")
            say("Cohorte « \(demo.cohort.name) », codes d'accès des apprenants :")
        } else {
            say("Formatrice : identifiant « \(demo.trainerUsername) », mot de passe inchangé.")
            say("Les codes d'accès des apprenants sont inchangés (ils ne sont gardés que chiffrés : ils ne peuvent pas "
                + "être réaffichés). Pour un nouveau mot de passe et de nouveaux codes : passerelle demo --new-codes "
                + "(ou make demo NEW_CODES=1).")
            if !demo.learners.isEmpty { say("Codes des nouveaux apprenants :") }
        }
        let width = demo.learners.map(\.name.count).max() ?? 0
        for (name, code) in demo.learners {
            say("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(code.display)")
        }
        say()
        try serve(store: store, root: contentRoot, catalog: catalog, options: server)
    }
}

/// Runs the web server until SIGINT or SIGTERM, then stops cleanly.
func serve(store: Store, root: ContentRoot, catalog: ContentCatalog, options: ServerOptions) throws {
    let printLine: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    let log = options.quiet ? nil : printLine
    let app: WebApp
    do {
        app = try WebApp(store: store, catalog: catalog, root: root, log: log, secureCookies: options.usesTLS)
    } catch {
        throw CommandFailure((error as? LocalizedError)?.errorDescription ?? "\(error)")
    }
    let signals = TerminationSignals()
    let server = HTTPServer(configuration: try options.configuration(), handler: app.handle)
    let port: UInt16
    do {
        port = try server.start()
    } catch let error as HTTPServerError {
        throw CommandFailure(error.localizedDescription)
    }
    let shownHost = options.host.contains(":") ? "[\(options.host)]" : options.host
    say("Passerelle \(Passerelle.version) écoute sur \(options.usesTLS ? "https" : "http")://\(shownHost):\(port)/")
    if !["127.0.0.1", "::1", "localhost"].contains(options.host) {
        say("Attention : le serveur est accessible depuis le réseau, pas seulement depuis cet ordinateur.")
        if !options.usesTLS {
            say("Attention : sans HTTPS, les codes d'accès et les réponses circulent en clair sur le réseau. "
                + "Créez un certificat avec « passerelle tls self-signed » et relancez avec --tls-cert et --tls-key.")
        }
    }
    say("Appuyez sur Ctrl+C pour arrêter.")
    let signal = signals.wait()
    say("Arrêt demandé (signal \(signal)) : fin des requêtes en cours…")
    server.stop()
    say("Serveur arrêté.")
}
