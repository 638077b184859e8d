import Explorer
import Foundation
import Planning
import TerminalUI
import XCTest

/// The predicted quality on screen (`--sensitivity`): the top line and the budget panel, updated
/// as ranks change, and the heatmap's loss kinds. The fixture's spectra are known exactly, and a
/// plan at a probed rank reads the probe's measured increase exactly, so the figures here are
/// worked out by hand: ppl = exp(original loss + Σ increases).
final class ExplorerQualityTests: XCTestCase {
    /// Measured increases at rank 6 and rank 3 (16-bit factors) of the fixture's four matrices.
    static let atSix = ["0.mlp.up_proj": 0.1, "0.self_attn.q_proj": 0.05, "1.mlp.up_proj": 0.02, "1.self_attn.q_proj": 0.3]
    static let atThree = ["0.mlp.up_proj": 0.4, "0.self_attn.q_proj": 0.08, "1.mlp.up_proj": 0.2, "1.self_attn.q_proj": 0.9]

    /// A profile (next-token loss: original loss 3; embedding: 0) of the fixture's matrices with probes at
    /// ranks 6 and 3 (tail energies from the fixture's σᵢ = 2^(−i/2)).
    static func profile(metric: SensitivityProfile.Metric = .nextTokenLoss, standardError: Double? = nil) -> SensitivityProfile {
        let settings = SensitivityProfile.Settings(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 64, tokens: 64, statistics: nil,
                                                   truncation: .svd, rankFractions: [0.5, 0.25], bits: [16], key: "k")
        let original = metric == .nextTokenLoss ? 3.0 : 0.0
        let matrices = atSix.keys.sorted().map { short -> SensitivityProfile.MatrixProbes in
            let (block, role) = (short.prefix(1), short.dropFirst(2))
            let rows = role.hasPrefix("mlp") ? 40 : 12
            let tail = { (k: Int) in ExplorerFigures.tail(k) / ExplorerFigures.energy }
            return SensitivityProfile.MatrixProbes(name: "model.layers.\(block).\(role).weight", rows: rows, columns: 12, points: [
                SensitivityProfile.Point(rank: 6, factorBits: 16, tailEnergy: tail(6), loss: original + atSix[short]!, lossIncrease: atSix[short]!,
                                         lossIncreaseStandardError: standardError),
                SensitivityProfile.Point(rank: 3, factorBits: 16, tailEnergy: tail(3), loss: original + atThree[short]!, lossIncrease: atThree[short]!,
                                         lossIncreaseStandardError: standardError),
            ])
        }
        return SensitivityProfile(metric: metric, originalLoss: original, seconds: 1, settings: settings, unused: [], matrices: matrices)
    }

    private func app(_ profile: SensitivityProfile?, width: Int = 100, height: Int = 30) throws -> (ExplorerApp, InMemoryBackend) {
        let backend = InMemoryBackend(width: width, height: height)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 2, sensitivity: profile)
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        return (app, backend)
    }

    private func setRank(_ app: ExplorerApp, _ rank: Int) {
        ExplorerScreens.type(app, [.character("=")])
        ExplorerScreens.type(app, text: "\(rank)")
        app.handle(.enter)
    }

    func testTopLineAndBudgetPanelShowThePredictedPerplexityLive() throws {
        let (app, backend) = try app(ExplorerQualityTests.profile())
        defer { app.finish() }
        XCTAssertTrue(backend.lines()[1].contains("ppl 20.1"), "as stored: exp(3) = 20.09\n" + backend.lines()[1])
        setRank(app, 6)  // 0 mlp.up_proj
        XCTAssertTrue(backend.lines()[1].contains("4.03KiB  ppl 22.2  "), "exp(3.1) = 22.20, next to the size\n" + backend.lines()[1])
        ExplorerScreens.type(app, [.character("j")])
        setRank(app, 3)  // 0 attn.q_proj
        XCTAssertEqual(try XCTUnwrap(app.state.predictedQuality?.perplexity), exp(3 + 0.1 + 0.08), accuracy: 1e-9)
        XCTAssertTrue(backend.lines()[1].contains("ppl 24.0"), "exp(3.18) = 24.05\n" + backend.lines()[1])
        app.handle(.character("a"))
        let panel = backend.lines().first { $0.contains("now  size") } ?? ""
        XCTAssertTrue(panel.contains("predicted ppl 24.0"), backend.lines().joined(separator: "\n"))
        // A rank between probes has a figure too (interpolated), a choice at unprobed bits has none.
        app.handle(.escape)
        app.handle(.character("b"))
        XCTAssertTrue(backend.lines()[1].contains("ppl 22.2+?"), "8-bit factors were not probed\n" + backend.lines()[1])
        // Undone, the prediction follows.
        ExplorerScreens.type(app, [.character("u"), .character("u"), .character("u")])
        XCTAssertTrue(backend.lines()[1].contains("ppl 20.1"), backend.lines()[1])
    }

    /// With standard errors the figure carries the range of ±2 of them, and a matrix cut below its
    /// smallest probe (rank 3) is counted as extrapolated: in the top line and the budget panel.
    func testTheFigureCarriesItsNoiseRangeAndExtrapolatedMatrices() throws {
        let profile = ExplorerQualityTests.profile(standardError: 0.05)
        let (app, backend) = try app(profile)
        defer { app.finish() }
        setRank(app, 6)  // 0 mlp.up_proj, at its probe: the shrunk increase ± 2 × 0.05
        let increase = ProbeShrinkage.increases(of: profile)["model.layers.0.mlp.up_proj.weight"]![0]
        var quality = try XCTUnwrap(app.state.predictedQuality)
        XCTAssertEqual(quality.lossIncrease, increase, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(quality.increaseStandardError), 0.05, accuracy: 1e-12)
        XCTAssertEqual(quality.extrapolated, [])
        let figure = String(format: "ppl %.1f (%.1f–%.1f)", exp(3 + increase), exp(3 + max(0, increase - 0.1)), exp(3 + increase + 0.1))
        XCTAssertTrue(backend.lines()[1].contains(figure), figure + "\n" + backend.lines().joined(separator: "\n"))
        ExplorerScreens.type(app, [.character("j")])
        setRank(app, 2)  // 0 attn.q_proj below its rank-3 probe
        quality = try XCTUnwrap(app.state.predictedQuality)
        XCTAssertEqual(quality.extrapolated, ["model.layers.0.self_attn.q_proj.weight"])
        let range = try XCTUnwrap(quality.figureRange())
        XCTAssertEqual(range.upperBound, exp(3 + quality.lossIncrease + 2 * quality.increaseStandardError!), accuracy: 1e-9)
        XCTAssertTrue(backend.lines()[1].contains(String(format: "(%.1f–%.1f, 1 extrap)", range.lowerBound, range.upperBound)), backend.lines()[1])

        // Narrower: the prediction keeps the size beside it (its short form) before the error.
        let pieces = backend.lines()[1].trimmingCharacters(in: .whitespaces).components(separatedBy: "  ")
        let params = try XCTUnwrap(pieces.first { $0.hasPrefix("params ") }), predicted = try XCTUnwrap(pieces.first { $0.hasPrefix("ppl ") })
        let size = "size " + (try XCTUnwrap(pieces.first { $0.hasPrefix("size ") }?.dropFirst(5).components(separatedBy: " → ").last))
        XCTAssertTrue(pieces.contains { $0.hasPrefix("err ") }, "at 100 columns everything fits: \(pieces)")
        backend.resize(width: params.count + predicted.count + size.count + 5, height: 30)
        app.handle(.resize)
        XCTAssertEqual(backend.lines()[1].trimmingCharacters(in: .whitespaces).components(separatedBy: "  ").sorted(),
                       [params, predicted, size].sorted(), backend.lines()[1])
        // At 40 columns the prediction sheds its range and extrapolated count before it goes.
        backend.resize(width: 40, height: 30)
        app.handle(.resize)
        let figure40 = String(format: "ppl %.1f", quality.perplexity!)
        XCTAssertTrue(backend.lines()[1].contains(figure40 + " ") || backend.lines()[1].hasSuffix(figure40), backend.lines()[1])
        XCTAssertFalse(backend.lines()[1].contains("extrap"), backend.lines()[1])
        backend.resize(width: 100, height: 30)
        app.handle(.resize)
        app.handle(.character("a"))
        let screen = backend.lines().joined(separator: "\n")
        // The now line wraps between its figures in the 72-column panel.
        XCTAssertTrue(screen.contains(String(format: "· predicted ppl %.1f · ±2 SE %.1f–%.1f", quality.perplexity!, range.lowerBound, range.upperBound)), screen)
        XCTAssertTrue(backend.lines().contains { $0.contains("│ 1 extrapolated") }, screen)
    }

    func testEncodersShowTheEmbeddingCosineAndTinyScreensStillDraw() throws {
        let (app, backend) = try app(ExplorerQualityTests.profile(metric: .oneMinusEmbeddingCosine), width: 40, height: 16)
        defer { app.finish() }
        setRank(app, 6)
        XCTAssertEqual(try XCTUnwrap(app.state.predictedQuality?.embeddingCosine), 1 - 0.1, accuracy: 1e-12)
        XCTAssertTrue(backend.lines()[1].contains("cos 0.900"), backend.lines().joined(separator: "\n"))
        backend.resize(width: 40, height: 12)
        app.handle(.resize)
        XCTAssertTrue(backend.lines()[0].hasPrefix("rankscope"), "one header line, figures that fit")
        XCTAssertTrue(backend.lines()[0].contains("cos 0.900"), "the prediction stays in the one header line\n" + backend.lines()[0])
    }

    /// At 40 columns the panel's now line is wider than the box: it wraps between its figures, each whole.
    func testTheNowLineWrapsInANarrowPanel() throws {
        let (app, backend) = try app(ExplorerQualityTests.profile(), width: 40, height: 24)
        defer { app.finish() }
        setRank(app, 6)  // 0 mlp.up_proj: exp(3.1) = 22.20
        app.handle(.character("a"))
        let screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(backend.lines().contains { $0.contains("now  size ") && !$0.contains("predicted") }, screen)
        XCTAssertTrue(backend.lines().contains { $0.contains("predicted ppl 22.2") }, screen)
    }

    func testWithoutAProfileNothingIsPredicted() throws {
        let (app, backend) = try app(nil)
        defer { app.finish() }
        setRank(app, 6)
        XCTAssertNil(app.state.predictedQuality)
        XCTAssertFalse(backend.lines()[1].contains("ppl"), backend.lines()[1])
        ExplorerScreens.type(app, [.character("A"), .character("A")])
        XCTAssertEqual(app.state.heatmapContent, .rank, "without a profile A only toggles rank and alpha")
    }

    func testHeatmapShowsTheLossIncreasePerBlockAndRole() throws {
        let (app, backend) = try app(ExplorerQualityTests.profile(), width: 120, height: 30)
        defer { app.finish() }
        setRank(app, 6)  // 0 mlp.up_proj
        ExplorerScreens.type(app, [.character("A"), .character("A")])
        XCTAssertEqual(app.state.heatmapContent, .lossAtPlan)
        let atPlan = app.state.heatmapLossCells(.lossAtPlan).map { "\($0.block) \($0.role) \($0.loss ?? -1)" }
        XCTAssertEqual(atPlan, ["0 mlp.up_proj 0.1", "0 attn.q_proj 0.0", "1 mlp.up_proj 0.0", "1 attn.q_proj 0.0"])
        var text = backend.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("Sensitivity at the plan"), text)
        XCTAssertTrue(text.contains("Δ next-token log-loss at the plan's choices"), text)
        XCTAssertTrue(text.contains("mlp.up_proj █.10 ░.00"), text)
        app.handle(.character("A"))
        XCTAssertEqual(app.state.heatmapContent, .lossAtProbe)
        let atProbe = app.state.heatmapLossCells(.lossAtProbe).map { $0.loss ?? -1 }
        XCTAssertEqual(atProbe, [0.4, 0.08, 0.2, 0.9], "the rank-3 probes, the lowest")
        text = backend.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("at rank 25% of full"), text)
        XCTAssertTrue(text.contains("attn.q_proj ▓.08 █.90"), text)
        XCTAssertTrue(text.contains("Probe Δ, shrunk (A: next)"), text)
        app.handle(.character("A"))
        XCTAssertEqual(app.state.heatmapContent, .measuredLossAtProbe)
        XCTAssertEqual(app.state.heatmapLossCells(.measuredLossAtProbe).map { $0.loss ?? -1 }, atProbe, "without standard errors nothing is shrunk")
        text = backend.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("Probe Δ, as measured (A: next)"), text)
        app.handle(.character("A"))
        XCTAssertEqual(app.state.heatmapContent, .rank)
    }

    /// With standard errors, the lowest probes are shown shrunk toward their role (what the prediction
    /// reads), then as measured: two matrices per role, each pulled toward the other.
    func testHeatmapShowsTheShrunkProbesThenTheMeasuredOnes() throws {
        let profile = ExplorerQualityTests.profile(standardError: 0.1)
        let (app, _) = try app(profile, width: 120, height: 30)
        defer { app.finish() }
        let shrunk = ProbeShrinkage.increases(of: profile)
        let expected = ["model.layers.0.mlp.up_proj.weight", "model.layers.0.self_attn.q_proj.weight",
                        "model.layers.1.mlp.up_proj.weight", "model.layers.1.self_attn.q_proj.weight"].map { shrunk[$0]![1] }
        let atProbe = app.state.heatmapLossCells(.lossAtProbe).map { $0.loss ?? -1 }
        let measured = app.state.heatmapLossCells(.measuredLossAtProbe).map { $0.loss ?? -1 }
        XCTAssertEqual(measured, [0.4, 0.08, 0.2, 0.9])
        XCTAssertEqual(atProbe, expected)
        XCTAssertNotEqual(atProbe, measured, "noisy probes are pulled toward their role")
        XCTAssertLessThan(atProbe[3], measured[3], "q_proj of block 1 (0.9) is pulled toward block 0's (0.08)")
        XCTAssertGreaterThan(atProbe[1], measured[1])
    }

    func testLossTextFitsThreeColumns() {
        XCTAssertEqual([0.0004, 0.0123, 0.5, 0.999, 1.234, 12.34, 123.4, 1e6].map(HeatmapPane.lossText),
                       [".00", ".01", ".50", "1.0", "1.2", "12", "123", "1k+"])
    }
}
