import Explorer
import Foundation
import Planning
import TerminalUI
import XCTest

/// Partial estimates in the explorer: rows read `≈` (upper bounds) and the gauge `≈ exact N/M`
/// until each exact spectrum lands and replaces its estimate. Figures by hand from the fixture's
/// σᵢ = 2^(−i/2) (``ExplorerFigures``) and an estimate whose 4 leading values are 0.99·σᵢ.
final class ExplorerEstimateTests: XCTestCase {
    private typealias F = ExplorerFigures

    /// The 4 leading values at 0.99·σᵢ, the rest the flat completion of the exact energy.
    private static let leadingShare = 0.99

    /// E − Σ_{i<r} (0.99σᵢ)²: the estimate's tail energy at a rank r ≤ 4.
    private static func estimatedTail(_ rank: Int) -> Double {
        F.energy - (0..<rank).reduce(0) { $0 + leadingShare * leadingShare * pow(2.0, -Double($1)) }
    }

    private static func events(_ state: ExplorerState) -> (estimates: [SpectrumEngine.Event], exact: [SpectrumEngine.Event]) {
        let exactValues = (0..<12).map { pow(2.0, -Double($0) / 2) }
        var estimates: [SpectrumEngine.Event] = [], exact: [SpectrumEngine.Event] = []
        for entry in state.entries {
            let shape = entry.matrixShape!
            let leading = exactValues.prefix(4).map { leadingShare * $0 }
            let completed = SpectrumEstimate.completedValues(leading: Array(leading), frobeniusNormSquared: F.energy, fullCount: 12)
            estimates.append(.estimated(Spectrum(tensorName: entry.info.name, rows: shape.rows, columns: shape.columns,
                                                 singularValues: completed, exactness: .estimate(leading: 4))))
            exact.append(.finished(Spectrum(tensorName: entry.info.name, rows: shape.rows, columns: shape.columns,
                                            singularValues: exactValues), fromCache: false))
        }
        return (estimates, exact)
    }

    private static func screen(_ state: ExplorerState, width: Int, height: Int) -> [String] {
        var frame = state
        return ExplorerView.frame(&frame, width: width, height: height).lines()
    }

    /// The 80×24 screen's table pane (its first 44 columns) and the whole screen.
    private static func table80(_ state: ExplorerState) -> (pane: [String], lines: [String]) {
        let lines = screen(state, width: 80, height: 24)
        return (lines.map { String($0.prefix(44)) }, lines)
    }

    func testEstimatesShowMarkedThenTheExactSpectraReplaceThem() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        let (estimates, exact) = Self.events(state)
        for event in estimates { state.receive(event, completed: 0, total: 4) }
        XCTAssertEqual(state.progress.completed, 0, "estimates are not counted as done")
        XCTAssertEqual(state.statusText, "≈ marks estimates (upper bounds) until exact ones land.")
        // Rank 3 on block 0's up_proj (the first row).
        state.reduce(.typeRank)
        for character in "3" { state.press(.character(character)) }
        state.press(.enter)
        let estimatedError = (Self.estimatedTail(3) / F.energy).squareRoot()
        XCTAssertGreaterThan(estimatedError, F.error(rank: 3), "an upper bound")
        let estimatedText = "≈" + String(format: "%.1f%%", estimatedError * 100)   // ≈37.7%: ≥ 10%, one decimal
        var (pane, lines) = Self.table80(state)
        XCTAssertEqual(pane[4], F.line80("▾", "block 0 (2)", "", "\(2 * 3 * 52 + 576)B",
                                          "≈" + String(format: "%.1f%%", (Self.estimatedTail(3) / (2 * F.energy)).squareRoot() * 100)),
                       lines.joined(separator: "\n"))
        XCTAssertEqual(pane[5], F.line80(" *", "  0 mlp.up_proj", "3", "\(2 * 3 * 52)B", estimatedText))
        XCTAssertEqual(pane[6], F.line80("", "  0 attn.q_proj", "dense", "576B", "0.00%"), "a dense row's error is exact")
        XCTAssertTrue(lines[1].contains("err ≈"), lines[1])
        XCTAssertTrue(lines[23].hasSuffix("≈ exact 0/4"), lines[23])
        // The wide table marks the estimated r99 too: the flat completion keeps 99% only at rank 12.
        let wide = Self.screen(state, width: 160, height: 40)
        XCTAssertTrue(wide[5].contains(" ≈12 "), wide[5])
        // Tiny screens draw the marks too, and nothing traps.
        let tiny = Self.screen(state, width: 40, height: 12)
        XCTAssertTrue(tiny.contains { $0.contains("0 mlp.up_proj") && $0.contains("≈37") }, tiny.joined(separator: "\n"))
        for (w, h) in [(0, 0), (1, 1), (2, 2), (40, 10)] { _ = Self.screen(state, width: w, height: h) }

        // The exact spectrum of the first row lands: its figures replace the estimate's.
        state.receive(exact[0], completed: 1, total: 4)
        (pane, lines) = Self.table80(state)
        XCTAssertEqual(pane[5], F.line80(" *", "  0 mlp.up_proj", "3", "\(2 * 3 * 52)B", F.percent(F.error(rank: 3))))
        XCTAssertEqual(pane[4], F.line80("▾", "block 0 (2)", "", "\(2 * 3 * 52 + 576)B",
                                          F.percent((F.tail(3) / (2 * F.energy)).squareRoot())))
        XCTAssertTrue(lines[1].contains("err ") && !lines[1].contains("≈"), lines[1])
        XCTAssertTrue(lines[23].hasSuffix("≈ exact 1/4"), "other rows still estimated: \(lines[23])")
        // The budget waits for the exact spectra of the rows still estimated.
        var budget = state
        budget.reduce(.budget)
        for character in "1K" { budget.press(.character(character)) }
        budget.press(.enter)
        XCTAssertEqual(budget.budgetPanel?.outcome, ["3 spectra are still computing; try again when the gauge is full."])
        // A late estimate never replaces an exact spectrum.
        state.receive(estimates[0], completed: 1, total: 4)
        XCTAssertFalse(state.statuses[0].isEstimate)
        for (i, event) in exact.enumerated().dropFirst() { state.receive(event, completed: i + 1, total: 4) }
        lines = Self.screen(state, width: 80, height: 24)
        XCTAssertFalse(lines.joined().contains("≈"), lines.joined(separator: "\n"))
        XCTAssertEqual(lines[23], "All 4 spectra ready. (? for help)")
    }

    func testTheSpectrumPaneSaysAnEstimateIsShownAndMetricsWaitForTheExactSpectrum() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        let (estimates, _) = Self.events(state)
        for event in estimates { state.receive(event, completed: 0, total: 4) }
        XCTAssertNil(state.statuses[0].spectrum, "an estimate is never taken for the exact spectrum")
        XCTAssertNotNil(state.statuses[0].bestSpectrum)
        XCTAssertNil(state.metrics(0))
        let lines = Self.screen(state, width: 120, height: 30)
        XCTAssertTrue(lines.contains { $0.contains("≈ estimated: top 4 of 12 values") }, lines.joined(separator: "\n"))
        // Beneath it, a chart of the 4 leading values alone (ranks 1…4), not of the flat completion.
        let pane = lines.map { String($0.dropFirst(60)) }
        let title = try XCTUnwrap(pane.firstIndex { $0.contains("rank (≈ top 4 of 12)") }, pane.joined(separator: "\n"))
        let chartRows = pane[..<title].filter { row in row.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } }
        XCTAssertGreaterThanOrEqual(chartRows.count, 4, pane.joined(separator: "\n"))
        XCTAssertTrue(pane[title].contains(" 1 ") && pane[title].hasSuffix("4│"), "x axis 1…4:\n" + pane.joined(separator: "\n"))
        XCTAssertTrue(pane[title + 1].contains("‖W‖F ") && pane[title + 1].contains(" (exact)") && pane[title + 1].contains("σ₁ ≥ 0.99"),
                      pane.joined(separator: "\n"))
    }
}
