import Foundation
import Testing
@testable import PasserelleCore

@Suite struct CalibrationTests {
    /// Simulated answers of `persons` persons with theta ~ N(0,1) to every item, under the 2PL model.
    static func simulate(
        persons: Int, items: [String: ItemParameters], seed: UInt64, personPrefix: String = "p"
    ) -> [CalibrationResponse] {
        simulateWithAbilities(persons: persons, items: items, seed: seed, personPrefix: personPrefix).responses
    }

    /// The same, also returning the simulated abilities by person id.
    static func simulateWithAbilities(
        persons: Int, items: [String: ItemParameters], seed: UInt64, personPrefix: String = "p"
    ) -> (responses: [CalibrationResponse], thetas: [String: Double]) {
        var generator = SeededRandom(seed: seed)
        let itemIDs = items.keys.sorted()
        var responses: [CalibrationResponse] = []
        var thetas: [String: Double] = [:]
        for person in 0..<persons {
            let theta = generator.nextGaussian()
            let personID = "\(personPrefix)-\(person)"
            thetas[personID] = theta
            for itemID in itemIDs {
                let correct = generator.nextUnit() < IRT.probability(theta: theta, items[itemID]!)
                responses.append(CalibrationResponse(personID: personID, itemID: itemID, correct: correct))
            }
        }
        return (responses, thetas)
    }

    /// The noise floor: each item fitted by logistic regression (Newton) on the true abilities.
    static func knownAbilityFit(_ responses: [CalibrationResponse], thetas: [String: Double]) -> [CalibratedItem] {
        var byItem: [String: [(Double, Double)]] = [:]
        for response in responses {
            byItem[response.itemID, default: []].append((thetas[response.personID]!, response.correct ? 1 : 0))
        }
        return byItem.map { itemID, data in
            var a = 1.0
            var c = 0.0
            for _ in 0..<50 {
                var gA = 0.0, gC = 0.0, hAA = 0.0, hAC = 0.0, hCC = 0.0
                for (theta, y) in data {
                    let p = 1 / (1 + exp(-(a * theta + c)))
                    let w = p * (1 - p)
                    gA += (y - p) * theta
                    gC += y - p
                    hAA += w * theta * theta
                    hAC += w * theta
                    hCC += w
                }
                let determinant = hAA * hCC - hAC * hAC
                a += (hCC * gA - hAC * gC) / determinant
                c += (hAA * gC - hAC * gA) / determinant
            }
            return CalibratedItem(
                itemID: itemID, parameters: ItemParameters(difficulty: -c / a, discrimination: a),
                count: data.count, model: .twoPL, fit: nil)
        }
    }

    /// 40 items with b spread over -2...2 and a over 0.7...1.8 (in an order unrelated to b).
    static let trueItems: [String: ItemParameters] = {
        var items: [String: ItemParameters] = [:]
        for index in 0..<40 {
            let b = -2 + 4 * Double(index) / 39
            let a = 0.7 + 1.1 * Double((index * 17) % 40) / 39
            items[String(format: "item-%02d", index)] = ItemParameters(difficulty: b, discrimination: a)
        }
        return items
    }()

    static func rmse(_ results: [CalibratedItem], _ truth: [String: ItemParameters], _ value: (ItemParameters) -> Double) -> Double {
        let errors = results.compactMap { item in truth[item.itemID].map { value(item.parameters) - value($0) } }
        return (errors.map { $0 * $0 }.reduce(0, +) / Double(errors.count)).squareRoot()
    }

    static func expectWithinBounds(_ results: [CalibratedItem]) {
        for item in results {
            #expect(item.parameters.difficulty.isFinite && item.parameters.discrimination.isFinite)
            #expect(Calibration.difficultyRange.contains(item.parameters.difficulty), "\(item.itemID)")
            #expect(Calibration.discriminationRange.contains(item.parameters.discrimination), "\(item.itemID)")
        }
    }

    /// 500 persons x 40 items. With this design the sampling error alone is about 0.15 on b: even a logistic
    /// regression on the true abilities gets a difficulty RMSE of 0.13 to 0.20 depending on the seed. So the
    /// estimate is required to be close to that floor, and within 0.25 in absolute terms; the 0.15 bound is
    /// checked on 2000 persons below.
    @Test func recoversKnownTwoPLParameters() {
        let (responses, thetas) = Self.simulateWithAbilities(persons: 500, items: Self.trueItems, seed: 2024)
        let started = ContinuousClock.now
        let results = Calibration.calibrate(responses, defaults: [:])
        let elapsed = ContinuousClock.now - started
        #expect(results.count == 40)
        #expect(results.allSatisfy { $0.model == .twoPL }, "500 answers per item: 2PL is chosen")
        #expect(results.allSatisfy { $0.count == 500 })
        Self.expectWithinBounds(results)

        let rmseDifficulty = Self.rmse(results, Self.trueItems) { $0.difficulty }
        let rmseDiscrimination = Self.rmse(results, Self.trueItems) { $0.discrimination }
        let floor = Self.knownAbilityFit(responses, thetas: thetas)
        let floorDifficulty = Self.rmse(floor, Self.trueItems) { $0.difficulty }
        let floorDiscrimination = Self.rmse(floor, Self.trueItems) { $0.discrimination }
        let fits = results.compactMap(\.fit)
        let meanFit = fits.reduce(0, +) / Double(fits.count)
        print("2PL calibration, 500 persons x 40 items: RMSE difficulty = \(rmseDifficulty), RMSE discrimination = \(rmseDiscrimination) (known-ability fit: \(floorDifficulty), \(floorDiscrimination)), mean outfit = \(meanFit), time = \(elapsed)")
        #expect(rmseDifficulty <= 0.25)
        #expect(rmseDifficulty <= floorDifficulty + 0.06, "close to the fit with the true abilities")
        #expect(rmseDiscrimination <= 0.3)
        #expect(fits.count == 40)
        #expect(meanFit > 0.8 && meanFit < 1.2, "data simulated from the model fit it")
    }

    /// The target, 500 persons x 40 items with a difficulty RMSE of at most 0.15, on a bank aimed at
    /// its population: b over -1.5...1.5 and a over 1...2 (items far from the learners, or weakly
    /// discriminating, carry more sampling error: see the test above). Checked on three seeds.
    @Test(arguments: [UInt64(7), 2024, 31337])
    func recoversATargetedBankWithin015(seed: UInt64) {
        var truth: [String: ItemParameters] = [:]
        for index in 0..<40 {
            truth[String(format: "item-%02d", index)] = ItemParameters(
                difficulty: -1.5 + 3 * Double(index) / 39, discrimination: 1 + Double((index * 17) % 40) / 39)
        }
        let responses = Self.simulate(persons: 500, items: truth, seed: seed)
        let results = Calibration.calibrate(responses, defaults: [:], model: .twoPL)
        let rmseDifficulty = Self.rmse(results, truth) { $0.difficulty }
        let rmseDiscrimination = Self.rmse(results, truth) { $0.discrimination }
        print("2PL calibration, targeted bank, 500 persons x 40 items, seed \(seed): RMSE difficulty = \(rmseDifficulty), RMSE discrimination = \(rmseDiscrimination)")
        #expect(rmseDifficulty <= 0.15)
        #expect(rmseDiscrimination <= 0.3)
    }

    @Test func recoversKnownTwoPLParametersWithMorePersons() {
        let (responses, thetas) = Self.simulateWithAbilities(persons: 2000, items: Self.trueItems, seed: 2024)
        let results = Calibration.calibrate(responses, defaults: [:])
        #expect(results.allSatisfy { $0.model == .twoPL && $0.count == 2000 })
        let rmseDifficulty = Self.rmse(results, Self.trueItems) { $0.difficulty }
        let rmseDiscrimination = Self.rmse(results, Self.trueItems) { $0.discrimination }
        let floor = Self.knownAbilityFit(responses, thetas: thetas)
        let floorDifficulty = Self.rmse(floor, Self.trueItems) { $0.difficulty }
        print("2PL calibration, 2000 persons x 40 items: RMSE difficulty = \(rmseDifficulty), RMSE discrimination = \(rmseDiscrimination) (known-ability fit difficulty: \(floorDifficulty))")
        #expect(rmseDifficulty <= 0.15)
        #expect(rmseDiscrimination <= 0.15)
    }

    @Test func raschModelGivesUnitDiscrimination() {
        var truth: [String: ItemParameters] = [:]
        for index in 0..<20 {
            truth["r-\(index)"] = ItemParameters(difficulty: -1.8 + 3.6 * Double(index) / 19, discrimination: 1)
        }
        var responses = Self.simulate(persons: 400, items: truth, seed: 7)
        // A reversed item (the able fail it) must show misfit under the Rasch model.
        var generator = SeededRandom(seed: 70)
        var scores: [String: Int] = [:]
        for response in responses {
            scores[response.personID, default: 0] += response.correct ? 1 : 0
        }
        for (person, score) in scores.sorted(by: { $0.key < $1.key }) {
            // Ability proxy: the person's raw score, standardised roughly.
            let theta = (Double(score) - 10) / 3
            let correct = generator.nextUnit() < IRT.probability(theta: -theta, ItemParameters(difficulty: 0, discrimination: 1.5))
            responses.append(CalibrationResponse(personID: person, itemID: "reversed", correct: correct))
        }

        let results = Calibration.calibrate(responses, defaults: [:], model: .rasch)
        #expect(results.allSatisfy { $0.model == .rasch })
        #expect(results.allSatisfy { $0.parameters.discrimination == 1 })
        Self.expectWithinBounds(results)
        let rmseDifficulty = Self.rmse(results, truth) { $0.difficulty }
        let reversed = results.first { $0.itemID == "reversed" }!
        let others = results.filter { $0.itemID != "reversed" }.compactMap(\.fit)
        print("Rasch calibration, 400 persons x 20 items: RMSE difficulty = \(rmseDifficulty), outfit of the reversed item = \(reversed.fit ?? .nan), max outfit of the others = \(others.max() ?? .nan)")
        #expect(rmseDifficulty <= 0.2)
        #expect((reversed.fit ?? 0) > 1.5)
        #expect(others.allSatisfy { $0 < 1.3 })
    }

    @Test func chosenModelDependsOnTheNumberOfAnswers() {
        let few = Self.simulate(persons: 120, items: Self.trueItems.filter { $0.key < "item-10" }, seed: 3)
        let fewResults = Calibration.calibrate(few, defaults: [:])
        #expect(fewResults.count == 10)
        #expect(fewResults.allSatisfy { $0.model == .rasch && $0.parameters.discrimination == 1 })

        let many = Self.simulate(persons: 250, items: Self.trueItems.filter { $0.key < "item-10" }, seed: 3)
        let manyResults = Calibration.calibrate(many, defaults: [:])
        #expect(manyResults.allSatisfy { $0.model == .twoPL })
        #expect(manyResults.contains { $0.parameters.discrimination != 1 })

        // An explicit model wins over the automatic choice.
        let forced = Calibration.calibrate(few, defaults: [:], model: .twoPL)
        #expect(forced.allSatisfy { $0.model == .twoPL })
    }

    @Test func itemsUnderMinimumCountKeepTheirDefaults() {
        let main = Self.trueItems.filter { $0.key < "item-15" }
        var responses = Self.simulate(persons: 300, items: main, seed: 12)
        // "rare" is answered 12 times, "unknown" (no default) 5 times, "unused" never.
        responses += Self.simulate(persons: 12, items: ["rare": ItemParameters(difficulty: 3, discrimination: 2)], seed: 13)
        for index in 0..<5 {
            responses.append(CalibrationResponse(personID: "p-\(index)", itemID: "unknown", correct: index % 2 == 0))
        }
        let defaults = [
            "rare": ItemParameters(difficulty: 1.35, discrimination: 1),
            "unused": ItemParameters(difficulty: -0.45, discrimination: 1),
            "item-00": ItemParameters(difficulty: 4, discrimination: 1),
        ]
        let results = Calibration.calibrate(responses, defaults: defaults, minimumCount: 30)
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.itemID, $0) })
        #expect(results.count == 18)
        #expect(results.map(\.itemID) == results.map(\.itemID).sorted())

        #expect(byID["rare"] == CalibratedItem(itemID: "rare", parameters: defaults["rare"]!, count: 12, model: nil, fit: nil))
        #expect(byID["unused"] == CalibratedItem(itemID: "unused", parameters: defaults["unused"]!, count: 0, model: nil, fit: nil))
        #expect(byID["unknown"] == CalibratedItem(itemID: "unknown", parameters: ItemParameters(difficulty: 0, discrimination: 1), count: 5, model: nil, fit: nil))
        // A default is only a fallback: an item with enough answers is calibrated.
        let first = byID["item-00"]!
        #expect(first.model != nil && first.count == 300 && first.fit != nil)
        #expect(first.parameters != defaults["item-00"])
        #expect(first.parameters.difficulty < -1, "an easy item (true b = -2)")

        // A higher minimum keeps every default.
        let strict = Calibration.calibrate(responses, defaults: defaults, minimumCount: 1000)
        #expect(strict.allSatisfy { $0.model == nil && $0.fit == nil })
        #expect(strict.first { $0.itemID == "item-00" }?.parameters == defaults["item-00"])
    }

    @Test func itemsEveryoneGotRightOrWrongStayFinite() {
        var items = Self.trueItems.filter { $0.key < "item-12" }
        items["trivial"] = ItemParameters(difficulty: -30, discrimination: 1)
        items["impossible"] = ItemParameters(difficulty: 30, discrimination: 1)
        // 40 persons: the half-answer correction gives a finite difficulty well inside the bounds.
        let responses = Self.simulate(persons: 40, items: items, seed: 21)
        #expect(responses.filter { $0.itemID == "trivial" }.allSatisfy { $0.correct })
        #expect(responses.filter { $0.itemID == "impossible" }.allSatisfy { !$0.correct })

        for model in [CalibrationModel.twoPL, .rasch] {
            let results = Calibration.calibrate(responses, defaults: [:], model: model)
            Self.expectWithinBounds(results)
            let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.itemID, $0) })
            let trivial = byID["trivial"]!.parameters
            let impossible = byID["impossible"]!.parameters
            print("\(model): all right -> \(trivial), all wrong -> \(impossible)")
            #expect(trivial.difficulty < -3 && trivial.difficulty > -5.9)
            #expect(impossible.difficulty > 3 && impossible.difficulty < 5.9)
            #expect(trivial.discrimination == 1 && impossible.discrimination == 1)
            #expect(byID["trivial"]!.fit!.isFinite)
        }
    }

    /// The 2PL/Rasch choice is made per item on its own answer count: an item with 40 answers among items with
    /// 600 gets Rasch (a = 1), not a free slope because the others have many answers.
    @Test func modelIsChosenPerItemByItsOwnCount() {
        let main = Self.trueItems.filter { $0.key < "item-20" }
        var (responses, thetas) = Self.simulateWithAbilities(persons: 600, items: main, seed: 41)
        let rare = ItemParameters(difficulty: 0.3, discrimination: 1.6)
        // The rare item is answered by the first 40 persons.
        var generator = SeededRandom(seed: 42)
        for person in 0..<40 {
            let id = "p-\(person)"
            let correct = generator.nextUnit() < IRT.probability(theta: thetas[id]!, rare)
            responses.append(CalibrationResponse(personID: id, itemID: "rare", correct: correct))
        }
        let results = Calibration.calibrate(responses, defaults: [:])
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.itemID, $0) })
        #expect(byID["rare"]?.model == .rasch)
        #expect(byID["rare"]?.parameters.discrimination == 1)
        #expect(main.keys.allSatisfy { byID[$0]?.model == .twoPL })
    }

    /// A lognormal prior on a keeps slopes plausible on small samples: 2PL forced on 60 persons used to send
    /// several slopes to the 4 bound.
    @Test func priorOnDiscriminationKeepsSmallSamplesPlausible() {
        let responses = Self.simulate(persons: 60, items: Self.trueItems, seed: 5)
        let results = Calibration.calibrate(responses, defaults: [:], model: .twoPL)
        let largest = results.map(\.parameters.discrimination).max() ?? 0
        let rmseA = Self.rmse(results, Self.trueItems) { $0.discrimination }
        print("2PL on 60 persons x 40 items: largest a = \(largest), RMSE a = \(rmseA)")
        #expect(largest < 3)
        #expect(rmseA < 0.5)
    }

    /// Standard errors match the errors actually made: over 40 items, the squared standardised errors average
    /// about 1 (they would be far above 1 if the SEs ignored the uncertainty about the abilities).
    @Test func standardErrorsMatchTheErrors() {
        let responses = Self.simulate(persons: 500, items: Self.trueItems, seed: 77)
        let results = Calibration.calibrate(responses, defaults: [:], model: .twoPL)
        var zB: [Double] = [], zA: [Double] = []
        for item in results {
            guard let truth = Self.trueItems[item.itemID], let errors = item.standardErrors,
                  let errorA = errors.discrimination else { continue }
            zB.append((item.parameters.difficulty - truth.difficulty) / errors.difficulty)
            zA.append((item.parameters.discrimination - truth.discrimination) / errorA)
        }
        let meanSquareB = zB.map { $0 * $0 }.reduce(0, +) / Double(max(1, zB.count))
        let meanSquareA = zA.map { $0 * $0 }.reduce(0, +) / Double(max(1, zA.count))
        let meanSE = results.compactMap { $0.standardErrors?.difficulty }.reduce(0, +) / Double(results.count)
        print("Standard errors, 500 persons x 40 items: mean squared z of b = \(meanSquareB), of a = \(meanSquareA), mean SE of b = \(meanSE)")
        #expect(zB.count == 40 && zA.count == 40)
        #expect(meanSquareB > 0.5 && meanSquareB < 1.8)
        #expect(meanSquareA > 0.5 && meanSquareA < 1.8)
        // Rasch: an SE for the difficulty, none for the fixed slope.
        let rasch = Calibration.calibrate(responses, defaults: [:], model: .rasch)
        #expect(rasch.allSatisfy { ($0.standardErrors?.difficulty ?? 0) > 0 && $0.standardErrors?.discrimination == nil })
    }

    /// A population more able than the last (mean 1, SD 1.2): calibration alone puts the items on this
    /// population's N(0, 1) scale, so every difficulty moves and cut scores would lose their meaning. Linked by
    /// mean-sigma on 10 anchor items with known parameters, the other 30 come back on the old scale.
    @Test func linkingKeepsThePreviousScale() {
        var generator = SeededRandom(seed: 99)
        var responses: [CalibrationResponse] = []
        let itemIDs = Self.trueItems.keys.sorted()
        for person in 0..<1000 {
            let theta = 1 + 1.2 * generator.nextGaussian()
            for itemID in itemIDs {
                let correct = generator.nextUnit() < IRT.probability(theta: theta, Self.trueItems[itemID]!)
                responses.append(CalibrationResponse(personID: "p\(person)", itemID: itemID, correct: correct))
            }
        }
        let results = Calibration.calibrate(responses, defaults: [:], model: .twoPL)
        let anchors = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().filter { $0.offset % 4 == 0 }
            .map { ($0.element, Self.trueItems[$0.element]!) })
        let (linked, link) = Calibration.link(results, to: anchors)
        let others = Self.trueItems.filter { anchors[$0.key] == nil }
        let before = Self.rmse(results, others) { $0.difficulty }
        let after = Self.rmse(linked, others) { $0.difficulty }
        let afterA = Self.rmse(linked, others) { $0.discrimination }
        print("Linking, population N(1, 1.2^2): RMSE b of the 30 other items \(before) before, \(after) after (a: \(afterA)); link \(String(describing: link))")
        #expect(link?.anchors == 10 && link?.method == "mean-sigma")
        #expect(abs((link?.slope ?? 0) - 1.2) < 0.15)
        #expect(abs((link?.intercept ?? 0) - 1) < 0.15)
        #expect(before > 0.5)
        #expect(after < 0.2)
        #expect(afterA < 0.25)
        // Too few anchors: nothing changes.
        let none = Calibration.link(results, to: anchors.filter { $0.key < "item-10" })
        #expect(none.link == nil && none.items == results)
    }

    /// Infit and outfit flag an item whose answers go against the others (the able fail it): it is listed for
    /// review, the items that follow the model are not.
    @Test func misfittingItemsAreListedForReview() {
        var (responses, thetas) = Self.simulateWithAbilities(persons: 600, items: Self.trueItems.filter { $0.key < "item-20" }, seed: 8)
        var generator = SeededRandom(seed: 80)
        for person in 0..<600 {
            let id = "p-\(person)"
            let correct = generator.nextUnit() < IRT.probability(theta: -thetas[id]!, ItemParameters(difficulty: 0, discrimination: 1.5))
            responses.append(CalibrationResponse(personID: id, itemID: "reversed", correct: correct))
        }
        let results = Calibration.calibrate(responses, defaults: [:])
        let reversed = results.first { $0.itemID == "reversed" }
        print("Reversed item: \(String(describing: reversed)), reasons \(reversed?.reviewReasons ?? [])")
        // Under 2PL its slope falls to the bound (the model cannot reverse it): flagged as not discriminating.
        #expect(reversed?.reviewReasons.contains(.weakDiscrimination) == true)
        // Under Rasch (slope fixed at 1) its answers are the unexpected ones: flagged by infit and outfit.
        let rasch = Calibration.calibrate(responses, defaults: [:], model: .rasch).first { $0.itemID == "reversed" }
        print("Reversed item under Rasch: outfit \(rasch?.fit ?? 0), infit \(rasch?.infit ?? 0)")
        #expect(rasch?.reviewReasons.contains(.underfit) == true)
        let flagged = results.filter { $0.itemID != "reversed" && !$0.reviewReasons.isEmpty }
        #expect(flagged.isEmpty, "\(flagged.map { ($0.itemID, $0.reviewReasons, $0.fit ?? 0, $0.infit ?? 0) })")
        #expect(results.allSatisfy { ($0.infit ?? 0) > 0 })
    }

    @Test func emptyInputGivesDefaults() {
        let defaults = ["a": ItemParameters(difficulty: 0.45, discrimination: 1)]
        #expect(Calibration.calibrate([], defaults: defaults) == [CalibratedItem(itemID: "a", parameters: defaults["a"]!, count: 0, model: nil, fit: nil)])
        #expect(Calibration.calibrate([], defaults: [:]).isEmpty)
    }
}
