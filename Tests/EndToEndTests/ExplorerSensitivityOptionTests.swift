import Foundation
import Planning
import XCTest

/// `rankscope tui PATH --sensitivity PROFILE`: a profile that does not fit is one sentence naming
/// it, before the screen is taken: measured on another checkpoint, or measured data-aware while
/// the explorer has no statistics whose spectra its curves read.
final class ExplorerSensitivityOptionTests: XCTestCase {
    private func profile(_ truncation: SensitivityProfile.Truncation, matrix: String, rows: Int, columns: Int) -> SensitivityProfile {
        let settings = SensitivityProfile.Settings(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 64, tokens: 64,
                                                   statistics: truncation == .dataAware ? "s" : nil, truncation: truncation,
                                                   rankFractions: [0.5], bits: [16], key: "k")
        let probes = SensitivityProfile.MatrixProbes(name: matrix, rows: rows, columns: columns, points: [
            SensitivityProfile.Point(rank: rows / 2, factorBits: 16, tailEnergy: 0.1, loss: 3.2, lossIncrease: 0.2),
        ])
        return SensitivityProfile(metric: .nextTokenLoss, originalLoss: 3, seconds: 1, settings: settings, unused: [], matrices: [probes])
    }

    func testAProfileThatDoesNotFitIsOneSentence() throws {
        let folder = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let model = folder + "/model"
        try CompressFixture.writeCheckpoint(model)
        let cases: [(SensitivityProfile, String)] = [
            (profile(.svd, matrix: "model.layers.0.mlp.gate_proj.weight", rows: 96, columns: 48), "was measured on another checkpoint"),
            (profile(.svd, matrix: "model.layers.0.mlp.up_proj.weight", rows: 48, columns: 96), "its model.layers.0.mlp.up_proj.weight is 48×96"),
            (profile(.dataAware, matrix: "model.layers.0.mlp.up_proj.weight", rows: 96, columns: 48), "give --stats too"),
        ]
        for (index, (profile, mentions)) in cases.enumerated() {
            let path = folder + "/profile-\(index).json"
            try profile.encoded().write(to: URL(fileURLWithPath: path))
            let outcome = try Harness.rankscope(["tui", model, "--sensitivity", path], cacheHome: folder + "/cache")
            XCTAssertEqual(outcome.status, 1, outcome.stderr)
            XCTAssertEqual(outcome.stdout, "", "nothing drawn")
            XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(path) && outcome.stderr.contains(mentions), outcome.stderr)
        }
        // A profile that fits opens the explorer (checked here without a terminal: past the checks, curses refuses).
        let fits = folder + "/fits.json"
        try profile(.svd, matrix: "model.layers.0.mlp.up_proj.weight", rows: 96, columns: 48).encoded().write(to: URL(fileURLWithPath: fits))
        let outcome = try Harness.rankscope(["tui", model, "--sensitivity", fits], cacheHome: folder + "/cache")
        XCTAssertFalse(outcome.stderr.contains(fits), "the profile passed its checks: \(outcome.stderr)")
    }
}
