import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore

/// The sandbox's appointment service, reached through the state's sign-in portal in the manner of the
/// real one: choose an identity provider, sign in there, read what data will be shared and accept, book,
/// then sign out of the service and of the portal (`/bac-a-sable/{attempt}/rendez-vous/…`).
extension WebApp {
    func appointmentPage(_ s: SandboxContext, page: String, status: Int = 200, _ extra: [String: Any] = [:]) -> HTTPResponse {
        var context: [String: Any] = ["page_" + page: true, "signedIn": s.state.appointmentSignedIn]
        for (key, value) in extra { context[key] = value }
        let titles = ["accueil": "Prendre rendez-vous", "portail": "Connexion État", "fournisseur": "Se connecter",
                      "consentement": "Partage des données", "reserver": "Choisir un rendez-vous", "confirme": "Rendez-vous confirmé",
                      "deconnexion": "Se déconnecter"]
        let site = ["portail", "fournisseur", "consentement"].contains(page) ? "Connexion État de démonstration" : "Rendez-vous en préfecture de démonstration"
        context["portalSite"] = site.hasPrefix("Connexion")
        context["address"] = page == "fournisseur" ? "https://identite-demo.example" : site.hasPrefix("Connexion") ? "https://connexion-etat-demo.example"
            : "https://rendez-vous-prefecture-demo.example"
        return .html(templates.render("bac-a-sable-rendez-vous",
                                      sandboxFrame(s, title: (titles[page] ?? "Rendez-vous") + " — " + site, context)), status: status)
    }

    /// `GET …/rendez-vous`: the service's home, the booking form once signed in, or the appointment booked.
    func appointmentHome(_ s: SandboxContext) -> HTTPResponse {
        if s.state.appointmentSignedIn {
            if let booked = s.state.booked {
                return appointmentPage(s, page: "confirme", ["reason": Appointments.reason(booked.reason) ?? "",
                                                             "slot": Appointments.slot(booked.slot) ?? "", "number": "RDV-\(s.attempt.id)-\(booked.slot)"])
            }
            return appointmentPage(s, page: "reserver", [
                "reasons": Appointments.reasons.map { ["id": $0.id, "label": $0.label] },
                "slots": Appointments.slots.map { ["id": $0.id, "label": $0.label] },
            ])
        }
        if s.state.portalSignedIn { return .redirect(to: s.base + "/rendez-vous/consentement") }
        return appointmentPage(s, page: "accueil")
    }

    /// `GET …/rendez-vous/portail`: the choice of an identity provider.
    func portalPage(_ s: SandboxContext) -> HTTPResponse {
        if s.state.portalSignedIn { return .redirect(to: s.base + "/rendez-vous/consentement") }
        return appointmentPage(s, page: "portail", ["providers": IdentityProvider.allCases.map { ["id": $0.rawValue, "title": $0.title] }])
    }

    /// `GET|POST …/rendez-vous/portail/{provider}`: the provider's sign-in form, and signing in there.
    func providerSignIn(_ s: SandboxContext, _ id: String, post: Bool) throws -> HTTPResponse {
        guard let provider = IdentityProvider(rawValue: id) else { throw SandboxRefusal.notFound }
        if s.state.portalSignedIn { return .redirect(to: s.base + "/rendez-vous/consentement") }
        guard post else {
            return appointmentPage(s, page: "fournisseur", ["provider": provider.title, "providerID": provider.rawValue])
        }
        if s.field("etape") == "choix" {
            try log(s, .portail, "Choix du fournisseur", .providerChosen, .ok, ["fournisseur": provider.title])
            return .redirect(to: s.base + "/rendez-vous/portail/\(provider.rawValue)")
        }
        if let warning = try sensitiveWarning(s, page: "Connexion État", service: .portail) {
            return appointmentPage(s, page: "fournisseur", status: 400, ["provider": provider.title, "providerID": provider.rawValue, "error": warning])
        }
        let identifier = s.field("identifiant"), password = String((s.fields.first { $0.name == "mot_de_passe" }?.value ?? "").prefix(200))
        let persona = s.mission.persona
        let right = persona.provider == provider && identifier.caseInsensitiveCompare(persona.identifier ?? "") == .orderedSame
            && !password.isEmpty && password == persona.password
        guard right else {
            try log(s, .portail, "Connexion État", .portalSignIn, .refused, ["fournisseur": provider.title, "motDePasse": "tapé"])
            return appointmentPage(s, page: "fournisseur", status: 400, [
                "provider": provider.title, "providerID": provider.rawValue,
                "error": "Identifiant ou mot de passe incorrect chez « \(provider.title) ». La personne a peut-être son compte chez un autre fournisseur : revenez au choix.",
            ])
        }
        try log(s, .portail, "Connexion État", .portalSignIn, .ok, ["fournisseur": provider.title, "motDePasse": "tapé"])
        return .redirect(to: s.base + "/rendez-vous/consentement")
    }

    /// `GET|POST …/rendez-vous/consentement`: what the provider will share with the service.
    func consentPage(_ s: SandboxContext, post: Bool) throws -> HTTPResponse {
        guard s.state.portalSignedIn else { return .redirect(to: s.base + "/rendez-vous") }
        if s.state.appointmentSignedIn { return .redirect(to: s.base + "/rendez-vous") }
        guard post else {
            return appointmentPage(s, page: "consentement", ["data": ["Nom et prénom", "Date de naissance", "Adresse de courriel"]])
        }
        let accepted = s.field("choix") == "continuer"
        try log(s, .portail, "Partage des données", .consent, accepted ? .ok : .refused)
        if !accepted {
            try log(s, .portail, "Partage des données", .signOut)
            return .redirect(to: s.base + "/rendez-vous?refuse=1")
        }
        return .redirect(to: s.base + "/rendez-vous")
    }

    /// `POST …/rendez-vous/reserver`: the reason and the slot.
    func bookAppointment(_ s: SandboxContext) throws -> HTTPResponse {
        guard s.state.appointmentSignedIn else { return .redirect(to: s.base + "/rendez-vous") }
        guard s.state.booked == nil else { return .redirect(to: s.base + "/rendez-vous") }
        let reason = s.field("motif"), slot = s.field("creneau")
        guard Appointments.reason(reason) != nil, Appointments.slot(slot) != nil else {
            try log(s, .rendezVous, "Choix du rendez-vous", .appointmentBooked, .refused, ["raison": "motif ou créneau manquant"])
            return appointmentPage(s, page: "reserver", status: 400, [
                "reasons": Appointments.reasons.map { ["id": $0.id, "label": $0.label, "checked": $0.id == reason] },
                "slots": Appointments.slots.map { ["id": $0.id, "label": $0.label, "checked": $0.id == slot] },
                "error": "Choisissez un motif et un créneau.",
            ])
        }
        try log(s, .rendezVous, "Choix du rendez-vous", .appointmentBooked, .ok, ["motif": reason, "creneau": slot])
        return .redirect(to: s.base + "/rendez-vous")
    }

    /// `GET|POST …/rendez-vous/deconnexion`: signing out of the service, and of the portal or not.
    func appointmentSignOut(_ s: SandboxContext, post: Bool) throws -> HTTPResponse {
        guard s.state.appointmentSignedIn || s.state.portalSignedIn else { return .redirect(to: s.base + "/rendez-vous") }
        guard post else { return appointmentPage(s, page: "deconnexion") }
        let everywhere = s.field("portail") == "oui"
        try log(s, .rendezVous, "Déconnexion", .signOut, .ok, ["portail": everywhere ? "oui" : "non"])
        return .redirect(to: s.base + "/rendez-vous")
    }
}
