import Explorer
import Foundation
import Planning
import SafeTensors
import TerminalUI
import XCTest

/// The budget panel and plan opening go through Planning's one resolution (``PlanResolution``):
/// the panel honours `--allow-bits` (Ctrl-E) and a loaded plan's defaults and `allow_bits`, and a
/// plan made in the panel and saved is byte for byte what `rankscope plan --out` writes at the
/// same settings. Expected allocations come from a ``BudgetAllocator`` configured by hand.
final class ExplorerResolutionTests: XCTestCase {
    private func openPanel(_ app: ExplorerApp, tabs: Int, value: String, keys: [KeyEvent] = []) {
        app.handle(.character("a"))
        for _ in 0..<tabs { app.handle(.tab) }
        ExplorerScreens.type(app, keys)
        ExplorerScreens.type(app, text: value)
    }

    /// Every tensor of the checkpoint in model order, as `rankscope plan` sees it, with the
    /// spectra the explorer computed.
    private func planTensors(_ app: ExplorerApp) throws -> [PlannedTensor] {
        let spectra = Dictionary(uniqueKeysWithValues: app.state.plannedTensors.compactMap { tensor in tensor.spectrum.map { (tensor.name, $0) } })
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: app.state.title))
        return catalog.groups.flatMap(\.entries).map { PlannedTensor(entry: $0, spectrum: spectra[$0.info.name]) }
    }

    /// The bits of a low-rank layer's factors or of a quantized dense layer, nil when stored as is.
    private func bits(_ choice: LayerChoice) -> Int? {
        switch choice {
        case let .lowRank(_, bits, _, _, _): return bits
        case let .dense(bits, _): return bits
        }
    }

    func testTheBudgetPanelHonoursAllowBits() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 120, height: 30)
        openPanel(app, tabs: 1, value: "900", keys: [.ctrl("e"), .ctrl("e")])
        XCTAssertEqual(app.state.budgetPanel?.allowedBits, [16, 8, 4], "none → 16,8 → 16,8,4")
        XCTAssertTrue(backend.lines().joined().contains("also 16,8,4-bit (^E)"), backend.lines().joined(separator: "\n"))
        app.handle(.enter)
        XCTAssertFalse(app.state.budgetPanel?.failed ?? true, app.state.budgetPanel?.outcome.joined(separator: "\n") ?? "")
        let names = app.state.entries.map(\.info.name)
        var allocator = BudgetAllocator()
        allocator.allowedFactorBits = Dictionary(uniqueKeysWithValues: names.map { ($0, Set([16, 8, 4])) })
        let expected = try allocator.allocate(tensors: app.state.plannedTensors, target: .bytes(900))
        XCTAssertEqual(app.state.settings.map(\.choice), names.map { expected.choices[$0] ?? .keep })
        XCTAssertTrue(app.state.settings.contains { (bits($0.choice) ?? 16) < 16 }, "some layer took narrower factors")
        XCTAssertTrue(app.state.budgetPanel?.outcome.first?.hasSuffix("· also 16,8,4-bit") ?? false, "the outcome repeats the widths")

        // Without them (Ctrl-E wraps back to none) every factor is 16-bit, and the error is larger.
        let narrow = app.state.totals.model.relativeError
        ExplorerScreens.type(app, [.ctrl("e"), .ctrl("e"), .ctrl("e"), .enter])
        XCTAssertEqual(app.state.budgetPanel?.allowedBits, [])
        XCTAssertTrue(app.state.settings.allSatisfy { (bits($0.choice) ?? 16) == 16 })
        XCTAssertGreaterThan(app.state.totals.model.relativeError, narrow)
        app.finish()
    }

    func testAPlanMadeInThePanelAndSavedIsWhatPlanWrites() throws {
        let (app, _) = try ExplorerFixture.readyApp()
        // Lock one row at rank 5 and exclude another, as a plan file's overrides would.
        ExplorerScreens.type(app, [.character("j"), .character("=")])
        ExplorerScreens.type(app, text: "5")
        ExplorerScreens.type(app, [.enter, .character("p"), .end, .character("x"), .home])
        // Factor bits 8, groups of 32, also 16 and 8 bits; 2 kB.
        openPanel(app, tabs: 1, value: "2KB", keys: [.down, .home, .home, .ctrl("e")])
        app.handle(.enter)
        XCTAssertFalse(app.state.budgetPanel?.failed ?? true, app.state.budgetPanel?.outcome.joined(separator: "\n") ?? "")
        let saved = app.state.planDocument(file: "panel.json")

        // `rankscope plan PATH --plan locks.json --factor-bits 8 --group-size 32 --allow-bits 16,8 --target-bytes 2KB --out plan.json`,
        // locks.json stating the lock and the exclusion.
        let tensors = try planTensors(app)
        let locks = try PlanDocument(parsing: Array("""
        {"format": "rankscope-plan", "version": 1, "overrides": {
          "\(app.state.entries[1].info.name)": {"rank": 5, "bits": 16, "group_size": 128, "lock": true},
          "\(app.state.entries[3].info.name)": {"exclude": true}}}
        """.utf8), file: "locks.json")
        var defaults = locks.defaults
        defaults.factorBits = 8
        defaults.groupSize = 32
        let settings = PlanRunSettings(defaults: defaults, target: .bytes(2000), allowedBits: [16, 8])
        let plan = try locks.resolved(for: tensors, settings: settings).resolution(of: tensors, settings: settings)
        let written = plan.document(checkpoint: PlanCheckpointReference(path: app.state.title, tensors: tensors))
        XCTAssertEqual(saved.text, written.text)
        XCTAssertEqual(saved.defaults.factorBits, 8)
        XCTAssertTrue(saved.text.contains("\"lock\": true") && saved.text.contains("\"exclude\": true"), saved.text)
        app.finish()
    }

    /// A plan with E8P backbones opens with them: each layer's estimate (and so the table's bytes and
    /// the totals' bits per weight) is Planning's E8P estimate, which `compress` writes to the byte
    /// (`E8PBytesPredictCompressTests`), and the bits column says `4+E3` (3-bit E8P: E8P + a sign residual).
    func testOpeningAPlanWithE8PBackbonesShowsTheirBytes() throws {
        let backend = InMemoryBackend(width: 120, height: 30)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(hidden: 16), backend: backend, cache: nil, workers: 2)
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        let text = """
        {"format": "rankscope-plan", "version": 1,
         "defaults": {"factor_bits": 4, "group_size": 8, "backbone_bits": 3, "backbone_codebook": "e8p"},
         "rules": [{"match": "proj", "rank": 2}]}
        """
        let path = NSTemporaryDirectory() + "rankscope-e8p-plan-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        app.handle(.character("o"))
        while !(app.state.prompt?.text.isEmpty ?? true) { app.handle(.backspace) }
        ExplorerScreens.type(app, text: path)
        app.handle(.enter)
        let e8p = LayerChoice.lowRank(rank: 2, factorBits: 4, groupSize: 8, backboneBits: 3, codebook: .e8p)
        XCTAssertEqual(app.state.settings.map(\.effectiveChoice), app.state.entries.map { _ in e8p }, app.state.statusText)
        let rows = app.state.rowEstimates()
        for (entry, estimate) in zip(app.state.entries, rows) {
            let (m, n) = try XCTUnwrap(entry.matrixShape)
            let factors = GroupQuantization.factorBytes(rows: m, columns: n, rank: 2, bits: 4, groupSize: 8)
            XCTAssertEqual(estimate.bytesAfter, factors + 3 * m * n / 8 + 4 * m, entry.info.name)
        }
        let model = app.state.totals(rowEstimates: rows).model
        let others = model.bytesBefore - rows.map(\.bytesBefore).reduce(0, +)
        XCTAssertEqual(model.bytesAfter, others + rows.map(\.bytesAfter).reduce(0, +), "the totals add the E8P layers' bytes")
        app.redraw()
        XCTAssertTrue(backend.lines().joined().contains("4+E3"), backend.lines().joined(separator: "\n"))
        // Editing a row keeps its E8P backbone: rank, factor bits and the backbone width (3 → 2 bits).
        app.handle(.character("-"))
        app.handle(.character("b"))
        app.handle(.character("B"))
        let edited = app.state.settings[app.state.selection].effectiveChoice
        guard case let .lowRank(rank, factorBits, _, backboneBits, codebook) = edited else { return XCTFail("\(edited)") }
        XCTAssertEqual(rank, 1)
        XCTAssertNotEqual(factorBits, 4)
        XCTAssertEqual(backboneBits, 2)
        XCTAssertEqual(codebook, .e8p, "\(edited)")
        app.finish()
    }

    func testOpeningAPlanWithATargetAllocatesItAsCompressAndThePanelKeepsItsSettings() throws {
        let (app, _) = try ExplorerFixture.readyApp()
        let tensors = try planTensors(app)
        let up = app.state.entries[0].info.name.contains("up_proj") ? app.state.entries[0].info.name : app.state.entries[1].info.name
        let text = """
        {"format": "rankscope-plan", "version": 1,
         "defaults": {"factor_bits": 8, "objective": "relative-params", "min_rank": 1},
         "target": {"bytes": 1800},
         "rules": [{"match": "up_proj", "allow_bits": [4]}],
         "overrides": {"\(up)": {"floor": 3}}}
        """
        let path = NSTemporaryDirectory() + "rankscope-target-plan-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let document = try PlanDocument.load(path: path)
        // What compress does with it, allocated by hand.
        let resolved = try document.resolve(tensors: tensors)
        var allocator = BudgetAllocator(factorBits: 8)
        allocator.objective = .relativeParameters
        allocator.minimumRank = .rank(1)
        allocator.allowedFactorBits = resolved.allowedBits
        let expected = try allocator.allocate(tensors: tensors, target: .bytes(1800), constraints: resolved.constraints)
        XCTAssertTrue(expected.choices.values.contains { bits($0) == 4 }, "the plan's allow_bits are used")

        app.handle(.character("o"))
        while !(app.state.prompt?.text.isEmpty ?? true) { app.handle(.backspace) }
        ExplorerScreens.type(app, text: path)
        app.handle(.enter)
        let names = app.state.entries.map(\.info.name)
        XCTAssertEqual(app.state.settings.map(\.effectiveChoice), names.map { expected.choices[$0] ?? .keep }, app.state.statusText)
        XCTAssertTrue(app.state.statusText.contains("Allocated for its target"), app.state.statusText)
        XCTAssertEqual(app.state.settings[names.firstIndex(of: up)!].floor, 3)
        XCTAssertEqual(app.state.planDefaults, document.defaults)

        // The panel opens at the plan's defaults and honours its allow_bits, objective, minimum rank and floor.
        openPanel(app, tabs: 1, value: "1800")
        XCTAssertEqual(app.state.budgetPanel?.defaults, document.defaults)
        app.handle(.enter)
        XCTAssertEqual(app.state.settings.map(\.effectiveChoice), names.map { expected.choices[$0] ?? .keep },
                       app.state.budgetPanel?.outcome.joined(separator: "\n") ?? "")
        app.finish()
    }
}
