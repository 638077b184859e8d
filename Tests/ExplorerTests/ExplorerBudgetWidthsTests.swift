@testable import Explorer
import Foundation
import Planning
import SafeTensors
import TerminalUI
import XCTest

/// The budget panel's backbone and group-size fields reaching the allocated choices (bytes
/// recomputed here from the storage formula by hand), free dense-with-bits rows surviving a plan
/// round trip unlocked, and the uniform line naming output errors under data-aware spectra.
final class ExplorerBudgetWidthsTests: XCTestCase {
    private typealias F = ExplorerFigures

    private var cleanup: [String] = []

    override func tearDown() {
        for path in cleanup { try? FileManager.default.removeItem(atPath: path) }
    }

    private func runBudget(_ app: ExplorerApp, tabs: Int, _ value: String) {
        for _ in 0..<tabs { app.handle(.tab) }
        while !(app.state.budgetPanel?.text.isEmpty ?? true) { app.handle(.backspace) }
        ExplorerScreens.type(app, text: value)
        app.handle(.enter)
    }

    func testWidthKeysCycleAndWrap() {
        var panel = BudgetPanel()
        XCTAssertNil(panel.backboneBits)
        XCTAssertEqual(panel.groupSize, 128)
        var backbones: [Int?] = []
        for _ in 0..<4 {
            _ = panel.press(.pageDown)
            backbones.append(panel.backboneBits)
        }
        XCTAssertEqual(backbones, [4, 3, 2, nil])
        _ = panel.press(.pageUp)
        XCTAssertEqual(panel.backboneBits, 2, "PgUp goes back, wrapping from none to 2")
        var sizes: [Int] = []
        for _ in 0..<3 {
            _ = panel.press(.end)
            sizes.append(panel.groupSize)
        }
        XCTAssertEqual(sizes, [256, 32, 64])
        _ = panel.press(.home)
        _ = panel.press(.home)
        XCTAssertEqual(panel.groupSize, 256, "Home goes to smaller groups, wrapping from 32 to 256")
        XCTAssertEqual(panel.text, "", "the width keys type nothing")
        // Every size the panel offers is one a plan accepts.
        for size in BudgetPanel.groupSizes {
            XCTAssertNoThrow(try LayerChoice.lowRank(rank: 1, factorBits: 4, groupSize: size, backboneBits: 3)
                .validate(tensor: "w", rows: 4, columns: 4))
        }
    }

    func testTheLayoutWrapsAndGivesUpLinesInOrderWhenShort() {
        func fit(_ rows: Int) -> BudgetPanelLayout {
            BudgetPanelLayout.fit(value: "value  █", counts: ["free 2", "locked 1 (p)"],
                                  widths: ["factors 4-bit (↑↓)", "group 32 (Home/End)"],
                                  outcome: ["allocated at x", "a 1  b 2", "changed"], shown: "allocated at x", width: 20, rows: rows)
        }
        // "free 2 · locked 1 (p)" is 21 columns: every piece gets its own line at 20.
        let settings = ["free 2", "locked 1 (p)", "factors 4-bit (↑↓)", "group 32 (Home/End)"]
        XCTAssertEqual(fit(9), BudgetPanelLayout(form: ["value  █"] + settings, gap: true,
                                                 outcome: ["allocated at x", "a 1  b 2", "changed"]))
        XCTAssertEqual(fit(8), BudgetPanelLayout(form: ["value  █"] + settings, gap: false,
                                                 outcome: ["allocated at x", "a 1  b 2", "changed"]))
        XCTAssertEqual(fit(6).form, ["value  █", "factors 4-bit (↑↓)", "group 32 (Home/End)"], "counts go next")
        XCTAssertEqual(fit(5).outcome, ["allocated at x", "a 1  b 2"], "then the last outcome line")
        XCTAssertEqual(fit(4).outcome, ["a 1  b 2"], "then the line repeating the form's widths")
        let withNow = BudgetPanelLayout.fit(value: "value  █", now: "now  size 4.03KiB · predicted ppl 22.2", counts: [], widths: ["group 32"],
                                            outcome: [], width: 20, rows: 9)
        XCTAssertEqual(withNow.form, ["value  █", "now  size 4.03KiB", "predicted ppl 22.2", "group 32"], "the now line breaks between its figures")
        XCTAssertEqual(withNow.head, 3)
        XCTAssertEqual(BudgetPanelLayout.wrap("params 26.35M → 27.18M  size 50.3MiB → 19.1MiB", width: 36),
                       ["params 26.35M → 27.18M", "size 50.3MiB → 19.1MiB"], "figures stay whole")
        XCTAssertEqual(BudgetPanelLayout.wrap("uniform ranks 2.34%: err 14.25% 19MiB (×1.05 less error)", width: 36),
                       ["uniform ranks 2.34%: err 14.25%", "19MiB (×1.05 less error)"])
    }

    /// Bytes of an m×n F32 matrix's CALDERA choice, by hand: backbone ⌈(m·n·bQ + 32·m·⌈n/g⌉)/8⌉,
    /// factors ⌈(m·k·b + 32·k·⌈m/g⌉)/8⌉ + ⌈(k·n·b + 32·k·⌈n/g⌉)/8⌉.
    private func calderaBytes(_ m: Int, _ n: Int, rank k: Int, bits b: Int, backbone q: Int, group g: Int) -> Int {
        func up(_ x: Int, _ d: Int) -> Int { (x + d - 1) / d }
        return up(m * n * q + 32 * m * up(n, g), 8) + up(m * k * b + 32 * k * up(m, g), 8) + up(k * n * b + 32 * k * up(n, g), 8)
    }

    func testBackboneAndGroupSizeReachTheAllocatedChoices() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 120, height: 30)
        defer { app.finish() }
        app.handle(.character("a"))
        XCTAssertTrue(app.state.statusText.contains("PgUp/PgDn backbone, Home/End group,"), app.state.statusText)
        // 16 → 8 → 4-bit factors, no backbone → 4 → 3-bit, groups 128 → 64 → 32.
        ExplorerScreens.type(app, [.down, .down, .pageDown, .pageDown, .home, .home])
        var screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("factors 4-bit (↑↓)"), screen)
        XCTAssertTrue(screen.contains("backbone 3-bit (PgUp/PgDn) · group 32 (Home/End)"), screen)
        // Stored: embedding 8×12 and norm 12 in F32 (432 bytes) and the four F32 matrices (4992).
        // The cheapest CALDERA plan (rank 0 everywhere) takes 2·340 + 2·102 bytes; at 1450 in all
        // no matrix can stay dense (a 12×12 one kept at 16 bits, the allocator's dense candidate for
        // an F32 matrix, would need 432 + 288 + 2·340 + 102 = 1502).
        runBudget(app, tabs: 1, "1.45KB")
        let panel = try XCTUnwrap(app.state.budgetPanel)
        XCTAssertFalse(panel.failed, panel.outcome.joined(separator: "\n"))
        var bytes = 432
        var parameters = 108
        var calderaRows = 0
        for (setting, (m, n)) in zip(app.state.settings, F.shapes) {
            if case let .dense(bits?, groupSize) = setting.choice {
                // The matrix quantized dense at the factors' 4 bits is a candidate of its own (a 12×12
                // at 4 bits, 120 bytes, beats CALDERA's 3-bit backbone alone, 102, on error).
                XCTAssertEqual(bits, 4)
                XCTAssertEqual(groupSize, 32)
                bytes += (m * n * 4 + 32 * m * ((n + 31) / 32)) / 8
                parameters += m * n
                continue
            }
            guard case let .lowRank(k, factorBits, groupSize, backboneBits, _) = setting.choice else {
                return XCTFail("every matrix gets factors and a backbone, or 4-bit dense: \(setting.choice)")
            }
            calderaRows += 1
            XCTAssertEqual(factorBits, 4)
            XCTAssertEqual(groupSize, 32)
            XCTAssertEqual(backboneBits, 3)
            bytes += calderaBytes(m, n, rank: k, bits: 4, backbone: 3, group: 32)
            parameters += m * n + k * (m + n)
        }
        XCTAssertGreaterThan(calderaRows, 0, "the backbone reaches the allocated choices")
        XCTAssertEqual(calderaBytes(40, 12, rank: 0, bits: 4, backbone: 3, group: 32), 340, "the figure the comment uses")
        XCTAssertEqual(calderaBytes(12, 12, rank: 1, bits: 4, backbone: 3, group: 32), 122, "102 + 10 + 10")
        XCTAssertLessThanOrEqual(bytes, 1450)
        XCTAssertEqual(app.state.totals.model.bytesAfter, bytes)
        XCTAssertEqual(app.state.totals.model.parametersAfter, parameters)
        screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("allocated at factors 4-bit · backbone 3-bit · group 32"), screen)
        XCTAssertTrue(screen.contains("size \(ExplorerFormat.bytes(5424)) → \(ExplorerFormat.bytes(bytes))"), screen)
        XCTAssertTrue(screen.contains("uniform ranks"), screen)
        XCTAssertTrue(screen.contains(": err "), "weight spectra: the uniform line says err\n" + screen)
    }

    func testAFreeDenseRowWithBitsComesBackFreeAndTheAllocatorMayChangeIt() throws {
        let (app, _) = try ExplorerFixture.readyApp(width: 80, height: 24)
        defer { app.finish() }
        // Row 0 dense 8-bit and free; row 1 dense 8-bit and locked.
        ExplorerScreens.type(app, [.character("d"), .character("b"), .character("j"), .character("d"), .character("b"),
                                   .character("p")])
        let dense8 = LayerChoice.dense(bits: 8, groupSize: 128)
        XCTAssertEqual(app.state.settings[0], LayerSetting(choice: dense8, mark: .free))
        XCTAssertEqual(app.state.settings[1], LayerSetting(choice: dense8, mark: .locked))
        let path = NSTemporaryDirectory() + "rankscope-plan-\(UUID().uuidString).json"
        cleanup.append(path)
        try app.state.planDocument(file: path).write(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text.components(separatedBy: "\"keep_dense\": true").count - 1, 2, text)
        XCTAssertEqual(text.components(separatedBy: "\"lock\": false").count - 1, 1, "only the free row says so\n" + text)

        let reopened = ExplorerApp(catalog: LayerCatalog(checkpoint: try Checkpoint(path: app.state.title)),
                                   backend: InMemoryBackend(width: 80, height: 24), cache: nil, workers: 1)
        defer { reopened.finish() }
        XCTAssertTrue(reopened.waitForSpectra())
        reopened.handle(.character("o"))
        while !(reopened.state.prompt?.text.isEmpty ?? true) { reopened.handle(.backspace) }
        ExplorerScreens.type(reopened, text: path)
        reopened.handle(.enter)
        XCTAssertEqual(reopened.state.settings[0], LayerSetting(choice: dense8, mark: .free), "not locked by the round trip")
        XCTAssertEqual(reopened.state.settings[1], LayerSetting(choice: dense8, mark: .locked))
        XCTAssertFalse(reopened.state.hasUnsavedChanges)

        // 1000 parameters: 108 stored, 144 in the locked 12×12, 748 for the rest — row 0 dense (480)
        // would leave 268 for a 40×12 and a 12×12 (52 and 24 per rank): the allocator factors it.
        reopened.handle(.character("a"))
        runBudget(reopened, tabs: 0, "1k")
        XCTAssertFalse(reopened.state.budgetPanel?.failed ?? true, reopened.state.budgetPanel?.outcome.joined(separator: "\n") ?? "")
        let ranks = reopened.state.ranks
        XCTAssertNotNil(ranks[0], "the free dense row was re-chosen")
        XCTAssertEqual(reopened.state.settings[1], LayerSetting(choice: dense8, mark: .locked), "the locked one stays")
        XCTAssertLessThanOrEqual(F.parametersAfter(ranks), 1000)
        XCTAssertEqual(reopened.state.totals.model.parametersAfter, F.parametersAfter(ranks))
    }

    func testKeepDenseBindsTheAllocatorUnlessItSaysLockFalse() throws {
        let catalog = try ExplorerFixture.catalog()
        let tensors = catalog.entries.map { PlannedTensor(entry: $0, spectrum: nil) }
        let name = try XCTUnwrap(catalog.compressibleEntries.first?.info.name)
        func constraint(lock: Bool?) throws -> LayerConstraint? {
            let settings = PlanSettings(action: .keepDense, denseBits: 4, lock: lock)
            let document = PlanDocument(overrides: [PlanOverride(tensor: name, settings: settings)], file: "p.json")
            return try document.resolve(tensors: tensors).constraints[name]
        }
        let dense4 = LayerChoice.dense(bits: 4, groupSize: 128)
        XCTAssertEqual(try constraint(lock: nil), .locked(dense4))
        XCTAssertEqual(try constraint(lock: true), .locked(dense4))
        XCTAssertEqual(try constraint(lock: false), .free(floor: 0))
    }

    func testTheUniformLineSaysOutErrUnderDataAwareSpectra() throws {
        let catalog = try ExplorerFixture.catalog()
        let (statistics, expectedByName) = try DataAwareFixture.statistics(for: catalog)
        cleanup.append(statistics.path)
        let expected = try catalog.compressibleEntries.map { try XCTUnwrap(expectedByName[$0.info.name]) }
        let backend = InMemoryBackend(width: 100, height: 30)
        let app = ExplorerApp(catalog: catalog, backend: backend, cache: nil, workers: 2, statistics: statistics)
        defer { app.finish() }
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        app.handle(.character("D"))
        app.handle(.character("a"))
        runBudget(app, tabs: 3, "30%")
        XCTAssertFalse(app.state.budgetPanel?.failed ?? true, app.state.budgetPanel?.outcome.joined(separator: "\n") ?? "")
        // The uniform plan: the least rank k on every matrix (full rank 12 each) whose output error
        // √(Σ tailᵢ(k) / Σ Eᵢ) is within 30%; a rank whose 16-bit factors k·(m + n) reach the m·n
        // of the dense matrix is past break-even, and the matrix stays dense at 16 bits (error 0).
        func tail(_ values: [Double], _ k: Int) -> Double { values.dropFirst(k).reduce(0) { $0 + $1 * $1 } }
        func outputError(_ k: Int) -> Double {
            let tails = zip(expected, F.shapes).map { values, shape in k * (shape.0 + shape.1) >= shape.0 * shape.1 ? 0 : tail(values, k) }
            return (tails.reduce(0, +) / expected.map { tail($0, 0) }.reduce(0, +)).squareRoot()
        }
        let k = try XCTUnwrap((0...12).first { outputError($0) <= 0.30 })
        let line = try XCTUnwrap(backend.lines().first { $0.contains("uniform ranks") }, backend.lines().joined(separator: "\n"))
        XCTAssertTrue(line.contains(": out-err " + F.percent(outputError(k)) + " "), "k = \(k): " + line)
    }
}
