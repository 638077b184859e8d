import Planning
import XCTest

final class LayerChoiceTests: XCTestCase {
    private let spectrum = Spectrum(tensorName: "w", rows: 4, columns: 6, singularValues: [4, 2, 1, 0])

    func testExactRankRule() throws {
        XCTAssertEqual(try RankRule.exact(3).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil), 3)
        XCTAssertEqual(try RankRule.exact(0).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil), 0)
        XCTAssertThrowsError(try RankRule.exact(5).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil)) { error in
            XCTAssertEqual(error as? PlanError, .rankAboveFullRank(tensor: "w", rank: 5, fullRank: 4))
        }
        XCTAssertThrowsError(try RankRule.exact(-1).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil)) { error in
            XCTAssertEqual(error as? PlanError, .negativeRank(tensor: "w", rank: -1))
        }
    }

    func testFractionRankRuleRoundsUp() throws {
        // s = 4: 0.5·4 = 2 exactly; 0.3·4 = 1.2 → 2; 0.01·4 → 1; 0 → 0; 1 → 4; 0.75·4 = 3 (floating error ignored).
        let cases: [(Double, Int)] = [(0.5, 2), (0.3, 2), (0.01, 1), (0, 0), (1, 4), (0.75, 3), (0.7, 3)]
        for (fraction, expected) in cases {
            XCTAssertEqual(try RankRule.fraction(fraction).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil), expected, "\(fraction)")
        }
        // 0.1·30 = 3.0000000000000004 in floating point: still 3.
        XCTAssertEqual(try RankRule.fraction(0.1).rank(tensor: "w", rows: 30, columns: 30, spectrum: nil), 3)
        XCTAssertThrowsError(try RankRule.fraction(1.5).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil)) { error in
            XCTAssertEqual(error as? PlanError, .fractionOutOfRange(tensor: "w", fraction: 1.5))
        }
        XCTAssertThrowsError(try RankRule.fraction(.nan).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil))
    }

    func testEnergyRankRule() throws {
        // Energies 16, 4, 1, 0 of 21: 16/21 = 0.762, 20/21 = 0.952, 21/21 = 1.
        XCTAssertEqual(try RankRule.energy(0.7).rank(tensor: "w", rows: 4, columns: 6, spectrum: spectrum), 1)
        XCTAssertEqual(try RankRule.energy(0.9).rank(tensor: "w", rows: 4, columns: 6, spectrum: spectrum), 2)
        XCTAssertEqual(try RankRule.energy(0.99).rank(tensor: "w", rows: 4, columns: 6, spectrum: spectrum), 3)
        XCTAssertEqual(try RankRule.energy(0).rank(tensor: "w", rows: 4, columns: 6, spectrum: spectrum), 0)
        XCTAssertThrowsError(try RankRule.energy(0.9).rank(tensor: "w", rows: 4, columns: 6, spectrum: nil)) { error in
            XCTAssertEqual(error as? PlanError, .spectrumMissing(tensor: "w"))
        }
    }

    func testValidation() {
        func problem(_ choice: LayerChoice, rows: Int? = 4, columns: Int? = 6) -> PlanError? {
            do {
                try choice.validate(tensor: "w", rows: rows, columns: columns)
                return nil
            } catch {
                return error as? PlanError
            }
        }
        XCTAssertNil(problem(.keep))
        XCTAssertNil(problem(.keep, rows: nil, columns: nil))
        XCTAssertNil(problem(.dense(bits: 4)))
        XCTAssertNil(problem(.lowRank(rank: 4, factorBits: 2, groupSize: 1, backboneBits: 2)))
        XCTAssertEqual(problem(.lowRank(rank: 5)), .rankAboveFullRank(tensor: "w", rank: 5, fullRank: 4))
        XCTAssertEqual(problem(.lowRank(rank: -2)), .negativeRank(tensor: "w", rank: -2))
        XCTAssertEqual(problem(.lowRank(rank: 2, factorBits: 5)), .unsupportedFactorBits(tensor: "w", bits: 5))
        XCTAssertEqual(problem(.lowRank(rank: 2, factorBits: 32)), .unsupportedFactorBits(tensor: "w", bits: 32))
        XCTAssertEqual(problem(.lowRank(rank: 2, backboneBits: 8)), .unsupportedBackboneBits(tensor: "w", bits: 8))
        XCTAssertEqual(problem(.lowRank(rank: 2, factorBits: 4, groupSize: 0)), .invalidGroupSize(tensor: "w", groupSize: 0))
        XCTAssertNil(problem(.lowRank(rank: 2, factorBits: 16, groupSize: 0)), "16-bit factors have no groups")
        XCTAssertEqual(problem(.dense(bits: 6)), .unsupportedDenseBits(tensor: "w", bits: 6))
        XCTAssertEqual(problem(.dense(bits: 4), rows: nil, columns: nil), .notAMatrix(tensor: "w"))
        XCTAssertEqual(problem(.lowRank(rank: 1), rows: nil, columns: nil), .notAMatrix(tensor: "w"))
    }

    func testMessagesAreOneSentence() {
        let errors: [PlanError] = [
            .rankAboveFullRank(tensor: "model.layers.0.mlp.up_proj.weight", rank: 5000, fullRank: 4096),
            .negativeRank(tensor: "w", rank: -1), .unsupportedFactorBits(tensor: "w", bits: 5),
            .unsupportedBackboneBits(tensor: "w", bits: 8), .unsupportedDenseBits(tensor: "w", bits: 6),
            .invalidGroupSize(tensor: "w", groupSize: 0), .fractionOutOfRange(tensor: "w", fraction: 2),
            .notAMatrix(tensor: "w"), .spectrumMissing(tensor: "w"),
            .targetUnreachable(target: "100 bytes", bestAchievable: "200 bytes"), .invalidTarget("a byte count cannot be negative"),
        ]
        for error in errors {
            let text = error.description
            XCTAssertTrue(text.hasSuffix("."), text)
            XCTAssertFalse(text.dropLast().contains(". "), "one sentence: \(text)")
            XCTAssertFalse(text.contains("\n"), text)
        }
        XCTAssertEqual(PlanError.rankAboveFullRank(tensor: "model.layers.0.mlp.up_proj.weight", rank: 5000, fullRank: 4096).description,
                       "model.layers.0.mlp.up_proj.weight: rank 5000 is above the full rank 4096 of the matrix; choose a rank from 0 to 4096.")
    }
}
