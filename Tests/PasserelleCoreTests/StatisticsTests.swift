import Testing
@testable import PasserelleCore

@Suite struct StatisticsTests {
    @Test func studentQuantilesMatchTheTables() {
        // Two-sided 95 % critical values from printed t tables.
        #expect(abs(Statistics.studentQuantile(0.975, degreesOfFreedom: 1) - 12.7062) < 1e-3)
        #expect(abs(Statistics.studentQuantile(0.975, degreesOfFreedom: 3) - 3.1824) < 1e-3)
        #expect(abs(Statistics.studentQuantile(0.975, degreesOfFreedom: 10) - 2.2281) < 1e-3)
        #expect(abs(Statistics.studentQuantile(0.975, degreesOfFreedom: 1000) - 1.9623) < 1e-3)
    }

    @Test func meanGainConfidenceIntervalAndEffectSizeByHand() {
        // Differences 2, 4, 6, 8: mean 5; SD = sqrt(20 / 3) = 2.581989; SE = 1.290994;
        // t(0.975, 3) = 3.182446, so the interval is 5 ± 4.108520; d_z = 5 / 2.581989 = 1.936492.
        let summary = Statistics.summary([2, 4, 6, 8])
        #expect(summary.n == 4)
        #expect(summary.mean == 5)
        #expect(abs(summary.standardDeviation - 2.581989) < 1e-6)
        #expect(abs(summary.lower! - 0.891480) < 1e-5)
        #expect(abs(summary.upper! - 9.108520) < 1e-5)
        #expect(abs(Statistics.cohenDz([2, 4, 6, 8])! - 1.936492) < 1e-6)
        #expect(Statistics.cohenDz([3, 3, 3]) == nil)
        #expect(Statistics.summary([7]).lower == nil)
    }

    @Test func cohortGainsCountLearnersWithOneMeasure() {
        let before: [Int64: Gains.Measure] = [1: ["4.1": (8, 1)], 2: ["4.1": (10, 1)], 3: ["4.1": (16, 2)], 4: ["4.1": (5, 0)]]
        let after: [Int64: Gains.Measure] = [1: ["4.1": (16, 2)], 2: ["4.1": (12, 1)], 3: ["4.1": (24, 3)], 5: ["4.1": (9, 1)]]
        let gain = Gains.cohort(before: before, after: after, competences: ["4.1"])[0]
        #expect(gain.pairs == 3)
        #expect(gain.singleMeasure == 2)  // learner 4 (before only) and 5 (after only)
        // Pix differences 8, 2, 8: mean 6; levels 1, 0, 1: 2 of 3 gained a level.
        #expect(gain.pixGain.mean == 6)
        #expect(abs(gain.shareGainedALevel - 2.0 / 3) < 1e-12)
        // SD of (8, 2, 8) = sqrt(12) = 3.464102; d_z = 6 / 3.464102 = 1.732051.
        #expect(abs(gain.cohenDz! - 1.732051) < 1e-6)
    }

    @Test func questionnaireStatementByHand() {
        // Scale 1-8, midpoint 4.5: 5, 6 and 8 agree; 2 does not. Mean 5.25; SD = sqrt(18.75 / 3) = 2.5.
        let summary = StatementSummary(values: [2, 5, 6, 8], scaleMin: 1, scaleMax: 8)
        #expect(summary.n == 4)
        #expect(summary.mean == 5.25)
        #expect(abs(summary.standardDeviation - 2.5) < 1e-12)
        #expect(summary.shareAgreeing == 0.75)
    }

    @Test func groupsOfFewerThanFiveAreNeverShown() {
        #expect(SmallGroups.minimum == 5)
        #expect((0...4).allSatisfy { !SmallGroups.isShown($0) })
        #expect(SmallGroups.isShown(5) && SmallGroups.isShown(40))
        #expect(SmallGroups.notice == "moins de 5 réponses")
    }
}
