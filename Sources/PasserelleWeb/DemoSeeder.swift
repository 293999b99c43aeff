import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Creates, or takes up again, the demo organisation: one trainer and a cohort of twelve learners.
///
/// Secrets are stored hashed, so they cannot be read back. With `renewSecrets` (the first start, or
/// `passerelle demo --new-codes`) the trainer gets a new password and every learner a new access code, returned
/// to be printed; otherwise everyone keeps theirs and only a learner without a code gets one. Work already
/// recorded in the demo (attempts, assessments) is kept. With `sampleResults`, a new demo cohort also gets
/// results to look at (`DemoSamples`).
public enum DemoSeeder {
    public static let trainerUsername = "formatrice"
    public static let cohortName = "Cohorte de démonstration"
    /// The framework of the demo's initial positioning.
    public static let demoFramework = "numerique"

    public struct Credentials: Sendable {
        public var organisation: Organisation
        public var cohort: Cohort
        public var trainerUsername: String
        public var trainerPassword: String
        /// The codes given by this run: every learner's when secrets were renewed, else only new learners'.
        public var learners: [(name: String, code: AccessCode)]
        public var created: Bool
        /// False when the trainer's password and the learners' codes were kept (`trainerPassword` is then empty).
        public var renewed: Bool = true
    }

    /// Fictional learners of the demo cohort, with the attributes trainers group them by.
    static let people: [(first: String, last: String, structure: String)] = [
        ("Amina", "Benali", "CCAS"), ("Bruno", "Carpentier", "Maison France Services"),
        ("Chloé", "Dumas", "Centre social"), ("David", "Essaid", "CCAS"),
        ("Émilie", "Fabre", "Médiathèque"), ("Farid", "Garnier", "Centre social"),
        ("Gaëlle", "Hoarau", "Maison France Services"), ("Hugo", "Imbert", "CCAS"),
        ("Inès", "Joly", "Médiathèque"), ("Jonathan", "Klein", "Centre social"),
        ("Karima", "Lambert", "Maison France Services"), ("Lucas", "Moreau", "CCAS"),
    ]

    /// The programme the demo cohort follows: its modules are assigned like a real organisation would.
    static let demoProgramme = "me-msn"

    public static func seed(_ store: Store, catalog: ContentCatalog? = nil, renewSecrets: Bool = true,
                            sampleResults: Bool = false) throws -> Credentials {
        var created = false
        let organisation: Organisation
        if let existing = try store.demoOrganisation() {
            organisation = existing
        } else {
            organisation = try store.createOrganisation(name: "Organisation de démonstration", isDemo: true)
            created = true
        }

        let renew = renewSecrets || created
        var password = PasserelleWeb.Credentials.newPassword()
        let hash = try PasserelleWeb.Credentials.hashPassword(password)
        let trainer: StaffUser
        if let existing = try store.staffCredentials(username: trainerUsername) {
            guard existing.user.organisationID == organisation.id else {
                throw StoreError.invalid(
                    "le compte « \(trainerUsername) » appartient à une autre organisation que celle de démonstration")
            }
            trainer = existing.user
            if renew { try store.setPasswordHash(userID: trainer.id, hash: hash) } else { password = "" }
        } else {
            trainer = try store.createUser(organisationID: organisation.id, username: trainerUsername,
                                           displayName: "Claire Martin", role: .trainer, passwordHash: hash)
        }

        let cohort = try store.cohort(named: cohortName, organisationID: organisation.id)
            ?? store.createCohort(organisationID: organisation.id, name: cohortName,
                                  year: Calendar(identifier: .gregorian).component(.year, from: Date()),
                                  description: "Cohorte fictive pour découvrir Passerelle.", ownerID: trainer.id)

        let newCohort = try store.assignments(cohortID: cohort.id, kind: .assessment).isEmpty
        if newCohort {
            // With sample results, a positioning of a few competences, as a trainer would open for a public not
            // at ease (a shorter test); without, every competence.
            let chosen = AssessmentAssignment(settings: AssessmentSettings(
                frameworkID: demoFramework, profile: sampleResults ? catalog.flatMap { DemoSamples.profile($0) } : nil), purpose: .initial)
            try store.createAssignment(
                cohortID: cohort.id, kind: .assessment, contentID: demoFramework,
                settings: String(decoding: try JSONEncoder.sorted.encode(chosen), as: UTF8.self), createdBy: trainer.id)
        }

        // Real assignments: the ME-MSN programme, module by module, a fortnight apart from today.
        if let catalog, let programme = catalog.programme(id: demoProgramme) ?? catalog.programmes.first,
           try store.assignments(cohortID: cohort.id, kind: .module).isEmpty {
            let calendar = Calendar(identifier: .gregorian)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "Europe/Paris")
            formatter.dateFormat = "yyyy-MM-dd"
            for (index, moduleID) in programme.modules.enumerated() where catalog.module(id: moduleID) != nil {
                let due = calendar.date(byAdding: .day, value: 14 * (index + 1), to: Date()).map(formatter.string)
                try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: moduleID, dueDate: due,
                                           createdBy: trainer.id)
            }
        }

        var existing = try store.learners(cohortID: cohort.id)
        for person in people where !existing.contains(where: { $0.firstName == person.first && $0.lastName == person.last }) {
            existing.append(try store.createLearner(
                cohortID: cohort.id, firstName: person.first, lastName: person.last,
                attributes: ["structure": person.structure], codeSelector: nil, codeHash: nil))
        }
        var learners: [(name: String, code: AccessCode)] = []
        let withoutCode = try store.learnerIDsWithoutCode(cohortID: cohort.id)
        for learner in try store.learners(cohortID: cohort.id) where renew || withoutCode.contains(learner.id) {
            learners.append((learner.displayName, try giveNewCode(to: learner, in: store)))
        }
        if sampleResults, newCohort, let catalog {
            try DemoSamples(store: store, catalog: catalog, cohort: cohort, trainer: trainer).add()
        }
        return Credentials(organisation: organisation, cohort: cohort, trainerUsername: trainer.username,
                           trainerPassword: password, learners: learners, created: created, renewed: renew)
    }

    /// Draws a new access code for a learner, drawing again on the rare clash of selectors.
    public static func giveNewCode(to learner: Learner, in store: Store) throws -> AccessCode {
        for _ in 0..<20 {
            let code = PasserelleWeb.Credentials.newAccessCode()
            let hash = try PasserelleWeb.Credentials.hashPassword(code.secret)
            do {
                try store.setAccessCode(learnerID: learner.id, selector: code.selector, hash: hash)
                return code
            } catch StoreError.duplicate {
                continue
            }
        }
        throw StoreError.invalid("impossible de tirer un code d'accès libre ; réessayez")
    }
}
