import Explorer
import Foundation
import Planning
import TerminalUI
import XCTest

/// `D` switches the explorer between the weights' spectra and the data-aware ones (`--stats`):
/// every figure follows (checked against ``DataAwareFixture``'s spectra, derived in the test),
/// choices stay, and the budget allocates on output errors.
final class ExplorerDataAwareTests: XCTestCase {
    private typealias F = ExplorerFigures
    private typealias D = DataAwareFixture

    private var cleanup: [String] = []

    override func tearDown() {
        for path in cleanup { try? FileManager.default.removeItem(atPath: path) }
    }

    /// An app over a fresh fixture with statistics, every spectrum of both kinds computed; the
    /// expected data-aware singular values per row.
    private func readyApp(width: Int, height: Int, runner: CompressionRunner? = nil) throws
        -> (app: ExplorerApp, backend: InMemoryBackend, expected: [[Double]], statisticsPath: String) {
        let catalog = try ExplorerFixture.catalog()
        let (statistics, expected) = try D.statistics(for: catalog)
        cleanup.append(statistics.path)
        let backend = InMemoryBackend(width: width, height: height)
        let app = ExplorerApp(catalog: catalog, backend: backend, cache: nil, workers: 2, runner: runner, statistics: statistics)
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        let rows = try catalog.compressibleEntries.map { try XCTUnwrap(expected[$0.info.name]) }
        return (app, backend, rows, statistics.path)
    }

    private func typeRank(_ app: ExplorerApp, _ rank: Int) {
        app.handle(.character("="))
        ExplorerScreens.type(app, text: "\(rank)")
        app.handle(.enter)
    }

    /// The r99 and error cells of the 160-column table line of `layer`.
    private func cells(_ backend: InMemoryBackend, _ layer: String) throws -> (r99: String, error: String) {
        let line = try XCTUnwrap(backend.lines().first { $0.contains("  " + layer + " ") }, layer)
        let words = String(line.prefix(88)).replacingOccurrences(of: "│", with: " ").split(separator: " ").map(String.init)
        let dtype = try XCTUnwrap(words.firstIndex(of: "F32"), line)
        return (words[dtype + 1], try XCTUnwrap(words.last))
    }

    func testSwitchingShowsTheWhitenedFiguresAndKeepsTheChoices() throws {
        let (app, backend, expected, _) = try readyApp(width: 160, height: 40)
        defer { app.finish() }
        XCTAssertEqual(app.state.statusText, "All 4 data-aware spectra ready (D shows them).")
        XCTAssertEqual(app.state.entries.map(\.name.role), ["mlp.up_proj", "attn.q_proj", "mlp.up_proj", "attn.q_proj"])
        typeRank(app, 4)  // 0 mlp.up_proj
        app.handle(.character("j"))
        typeRank(app, 6)  // 0 attn.q_proj
        let settings = app.state.settings
        let ranks: [Int?] = [4, 6, nil, nil]
        XCTAssertEqual(app.state.ranks, ranks)
        var screen = backend.lines()
        XCTAssertTrue(screen[0].contains("spectrum: weights"), screen[0])
        XCTAssertTrue(screen[1].contains("err " + F.percent(F.relativeError(ranks))), screen[1])
        XCTAssertEqual(try cells(backend, "0 attn.q_proj").r99, "\(F.energyRank(0.99))")
        XCTAssertEqual(try cells(backend, "0 attn.q_proj").error, F.percent(F.error(rank: 6)))
        let weightsPlan = try planBytes(app)

        app.handle(.character("D"))
        XCTAssertEqual(app.state.spectrumKind, .dataAware)
        XCTAssertEqual(app.state.settings, settings, "choices stay")
        XCTAssertEqual(app.state.statusTone, .info)
        XCTAssertTrue(app.state.statusText.hasPrefix("Data-aware spectra: errors are output errors ‖(W − Ŵ)·X‖/‖W·X‖"),
                      app.state.statusText)
        for (i, values) in expected.enumerated() {
            let shown = try XCTUnwrap(app.state.statuses[i].spectrum?.singularValues)
            XCTAssertEqual(shown.count, values.count)
            for (got, want) in zip(shown, values) { XCTAssertEqual(got, want, accuracy: 1e-9 * values[0], "row \(i)") }
        }
        screen = backend.lines()
        XCTAssertTrue(screen[0].contains("spectrum: data-aware (output error)"), screen[0])
        // Output errors: q_proj's whitened spectrum is flat (12 ones), so rank 6 keeps half the energy.
        let up = expected[0], flat = expected[1]
        XCTAssertEqual(try cells(backend, "0 attn.q_proj").error, F.percent((6.0 / 12).squareRoot()))
        XCTAssertEqual(try cells(backend, "0 attn.q_proj").r99, "12")
        XCTAssertEqual(try cells(backend, "0 mlp.up_proj").error, F.percent(D.error(up, rank: 4)))
        XCTAssertEqual(try cells(backend, "0 mlp.up_proj").r99, "\(D.energyRank(up, 0.99))")
        XCTAssertNotEqual(D.energyRank(up, 0.99), F.energyRank(0.99), "the fixture must tell the kinds apart")
        let modelError = ((D.tail(up, 4) + D.tail(flat, 6)) / (2 * D.tail(up, 0) + 2 * D.tail(flat, 0))).squareRoot()
        XCTAssertTrue(screen[1].contains("out-err " + F.percent(modelError)), screen[1])
        let pane = screen.joined(separator: "\n")
        XCTAssertTrue(pane.contains("Data-aware 0 attn.q_proj"), pane)
        XCTAssertTrue(pane.contains("‖W·S‖F 3.464"), pane)  // √12
        XCTAssertTrue(pane.contains("output error " + F.percent((6.0 / 12).squareRoot())), pane)
        XCTAssertTrue(pane.contains("r90 11"), pane)  // 11 of 12 equal values keep ≥ 90%
        XCTAssertTrue(pane.contains("━ weights"), "the weights' energy curve for comparison:\n\(pane)")
        XCTAssertEqual(app.state.heatmapCells.map { $0.spectrum?.singularValues.count }, [12, 12, 12, 12])
        XCTAssertEqual(app.state.heatmapCells.map { $0.spectrum?.summary.energyRank99 },
                       expected.map { D.energyRank($0, 0.99) }, "the heatmap shows the data-aware ranks")
        app.handle(.character("2"))
        XCTAssertTrue(backend.lines().joined().contains("Data-aware attn.q_proj across depth"), backend.lines().joined(separator: "\n"))
        XCTAssertEqual(try planBytes(app), weightsPlan, "a plan saved while data-aware is shown is the same plan")

        app.handle(.character("D"))
        XCTAssertEqual(app.state.spectrumKind, .weights)
        XCTAssertEqual(app.state.statusText, "Weight spectra: errors are ‖W − Ŵ‖/‖W‖. D: data-aware.")
        XCTAssertEqual(try cells(backend, "0 attn.q_proj").error, F.percent(F.error(rank: 6)))
        XCTAssertTrue(backend.lines()[1].contains("err " + F.percent(F.relativeError(ranks))), backend.lines()[1])
        XCTAssertEqual(app.state.settings, settings)
    }

    /// The plan file the explorer writes now.
    private func planBytes(_ app: ExplorerApp) throws -> Data {
        let path = NSTemporaryDirectory() + "rankscope-plan-\(UUID().uuidString).json"
        cleanup.append(path)
        try app.state.planDocument(file: path).write(to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    private func runBudget(_ app: ExplorerApp, tabs: Int, _ value: String) {
        app.handle(.character("a"))
        for _ in 0..<tabs { app.handle(.tab) }
        while !(app.state.budgetPanel?.text.isEmpty ?? true) { app.handle(.backspace) }
        ExplorerScreens.type(app, text: value)
        app.handle(.enter)
    }

    func testTheBudgetAllocatesOutputErrorsWhenDataAwareIsShown() throws {
        let (app, backend, expected, _) = try readyApp(width: 100, height: 30)
        defer { app.finish() }
        app.handle(.character("D"))
        runBudget(app, tabs: 3, "30%")
        let outputRanks = app.state.ranks
        XCTAssertFalse(app.state.budgetPanel?.failed ?? true, app.state.budgetPanel?.outcome.joined(separator: "\n") ?? "")
        let outputError = { (ranks: [Int?]) -> Double in
            let tails = zip(expected, ranks).map { values, rank in rank.map { D.tail(values, $0) } ?? 0 }
            return (tails.reduce(0, +) / expected.map { D.tail($0, 0) }.reduce(0, +)).squareRoot()
        }
        XCTAssertLessThanOrEqual(outputError(outputRanks), 0.30, "\(outputRanks)")
        let screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("Budget, data-aware"), screen)
        XCTAssertTrue(screen.contains("output error " + F.percent(outputError(outputRanks))), screen)
        XCTAssertTrue(app.state.statusText.hasSuffix(" allocated on output errors."), app.state.statusText)
        app.handle(.escape)

        // The same target on weight errors is another allocation, within the weight error.
        app.handle(.character("u"))
        app.handle(.character("D"))
        runBudget(app, tabs: 3, "30%")
        let weightRanks = app.state.ranks
        XCTAssertLessThanOrEqual(F.relativeError(weightRanks), 0.30, "\(weightRanks)")
        XCTAssertNotEqual(weightRanks, outputRanks)
        XCTAssertGreaterThan(outputError(weightRanks), 0.30, "weight-error ranks miss the output-error target")
    }

    func testWithoutStatisticsTheKeySaysHowToGetThem() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.press(.character("D"))
        XCTAssertEqual(state.spectrumKind, .weights)
        XCTAssertEqual(state.statusTone, .warning)
        XCTAssertEqual(state.statusText, "No activation statistics: start with --stats FILE for data-aware spectra.")
        var frame = state
        XCTAssertFalse(ExplorerView.frame(&frame, width: 100, height: 30).lines()[0].contains("spectrum:"),
                       "without statistics the title names no kind")
    }

    func testProgressShowsEachKindAndTheKeyWorksWhileDataAwareSpectraCompute() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.expectDataAwareSpectra(statisticsPath: "/data/stats.safetensors")
        let values = (0..<12).map { pow(2.0, -Double($0) / 2) }
        func spectrum(_ i: Int, _ values: [Double]) -> SpectrumEngine.Event {
            let shape = state.entries[i].matrixShape!
            return .finished(Spectrum(tensorName: state.entries[i].info.name, rows: shape.rows, columns: shape.columns,
                                      singularValues: values), fromCache: false)
        }
        for i in 0..<4 { state.receive(spectrum(i, values), completed: i + 1, total: 4) }
        XCTAssertEqual(state.statusText, "All 4 spectra ready; data-aware spectra computing (D shows them). (? for help)")
        XCTAssertTrue(state.isComputing)
        state.receive(spectrum(0, Array(repeating: 1, count: 12)), completed: 1, total: 4, kind: .dataAware)
        var frame = state
        var lines = ExplorerView.frame(&frame, width: 80, height: 24).lines()
        XCTAssertTrue(lines[23].contains("W·S 1/4"), lines[23])
        state.reduce(.toggleSpectrumKind)
        XCTAssertTrue(state.statusText.hasSuffix(" 1/4 computed so far."), state.statusText)
        frame = state
        lines = ExplorerView.frame(&frame, width: 80, height: 24).lines()
        XCTAssertTrue(lines.contains { $0.contains("1 attn.q_proj") && $0.contains("…") }, lines.joined(separator: "\n"))
        for i in 1..<4 { state.receive(spectrum(i, Array(repeating: 1, count: 12)), completed: i + 1, total: 4, kind: .dataAware) }
        XCTAssertFalse(state.isComputing)
        XCTAssertEqual(state.statusText, "All 4 data-aware spectra ready (D shows the weights').")
        frame = state
        lines = ExplorerView.frame(&frame, width: 40, height: 12).lines()
        XCTAssertTrue(lines[1].contains("Layers 2/6  name ↑  data-aware"), "a narrow table names the kind: \(lines[1])")
    }

    /// The title bar's right part (spectrum kind, plan file) gives way before the checkpoint's
    /// name does: at 80 columns all of it, at 40 the kind's short label, then no kind.
    func testTheCheckpointNameKeepsItsPlaceBesideTheKindAndThePlan() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.expectDataAwareSpectra(statisticsPath: "/data/stats.safetensors")
        state.receive(.planOpened(state.planDocument(file: "/plans/alloc75.json")))
        let name = (state.title as NSString).lastPathComponent
        XCTAssertGreaterThan(state.title.count, 40, "a checkpoint path longer than half the bar")
        func titleBar(width: Int) -> String {
            var frame = state
            return ExplorerView.frame(&frame, width: width, height: 24).lines()[0]
        }
        let kind = state.spectrumKind
        let wide = titleBar(width: 160)
        XCTAssertTrue(wide.contains(name) && wide.contains(kind.label + "  plan alloc75.json"), wide)
        for width in [80, 60] {
            // The path keeps its end, the model's file name.
            let bar = titleBar(width: width)
            XCTAssertTrue(bar.hasPrefix("rankscope  …") && bar.contains(name + "  ") && bar.hasSuffix("plan alloc75.json"), "width \(width): \(bar)")
        }
        XCTAssertTrue(titleBar(width: 40).hasPrefix("rankscope  …"), titleBar(width: 40))
        // A plan name too long even alone loses its start.
        XCTAssertEqual(ExplorerView.titleRight(kind: .dataAware, plan: "allocated-at-75-percent.json", width: 40, head: 60), "plan …percent.json")
        XCTAssertTrue(titleBar(width: 60).hasSuffix(kind.shortLabel + "  plan alloc75.json"), titleBar(width: 60))
        XCTAssertTrue(titleBar(width: 40).hasSuffix("  plan alloc75.json") && !titleBar(width: 40).contains(kind.shortLabel), titleBar(width: 40))
    }

    func testDataAwareSpectraFinishingFirstAreAnnouncedOnceTheWeightsAreIn() throws {
        // Both kinds share the engine's one queue, so the data-aware ones may finish first.
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.expectDataAwareSpectra(statisticsPath: "/data/stats.safetensors")
        let before = state.statusText
        func spectrum(_ i: Int) -> SpectrumEngine.Event {
            let shape = state.entries[i].matrixShape!
            return .finished(Spectrum(tensorName: state.entries[i].info.name, rows: shape.rows, columns: shape.columns,
                                      singularValues: (0..<12).map { pow(2.0, -Double($0 + i)) }), fromCache: false)
        }
        for i in 0..<4 { state.receive(spectrum(i), completed: i + 1, total: 4, kind: .dataAware) }
        XCTAssertEqual(state.statusText, before, "nothing to announce while the weights' spectra compute")
        XCTAssertTrue(state.isComputing)
        for i in 0..<4 { state.receive(spectrum(i), completed: i + 1, total: 4, kind: .weights) }
        XCTAssertFalse(state.isComputing)
        XCTAssertEqual(state.statusText, "All 4 data-aware spectra ready (D shows them).")
    }

    func testACompressionJobGetsTheStatistics() throws {
        let directory = NSTemporaryDirectory() + "rankscope-jobs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        cleanup.append(directory)
        let runner = CompressionRunner(command: ["/bin/sh", "-c", "printf '%s\\n' \"$@\" > '\(directory)/args.txt'", "sh"])
        let (app, _, _, statisticsPath) = try readyApp(width: 100, height: 30, runner: runner)
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("e"), .character("c"), .enter])
        XCTAssertTrue(app.waitForJob(timeout: 30))
        let arguments = try String(contentsOfFile: directory + "/args.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(arguments.first, "--stats=" + statisticsPath, "one word, so a path like -x stays a value: \(arguments)")
        XCTAssertEqual(arguments.last, app.state.title, "the checkpoint comes last, after --: \(arguments)")
        XCTAssertEqual(CompressionRunner.compressCommand(["rankscope", "compress"], statisticsPath: nil), ["rankscope", "compress"])
    }
}
