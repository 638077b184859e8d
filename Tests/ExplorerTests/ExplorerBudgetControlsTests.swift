import Explorer
import Foundation
import Planning
import TerminalUI
import XCTest

/// The budget panel's objective (Ctrl-O) and minimum rank (Ctrl-N), and, with a sensitivity
/// profile, allocation for the predicted loss: the same allocator calls `rankscope plan` makes
/// with `--objective`, `--min-rank` and `--sensitivity`.
final class ExplorerBudgetControlsTests: XCTestCase {
    private func choices(_ state: ExplorerState) -> [String: LayerChoice] {
        Dictionary(uniqueKeysWithValues: state.entries.indices.map { (state.entries[$0].info.name, state.choice($0)) })
    }

    private func allocate(_ app: ExplorerApp, _ keys: [KeyEvent], target: String) {
        ExplorerScreens.type(app, [.character("a")] + keys)
        ExplorerScreens.type(app, text: target)
        app.handle(.enter)
    }

    func testControlsCycleAndReachTheAllocator() throws {
        var panel = BudgetPanel()
        XCTAssertEqual(panel.objective, .standard)
        XCTAssertEqual(panel.minimumRank, .deepening)
        // Every objective `plan --objective` takes, in its order, then back to the first.
        let all = AllocationObjective.allCases
        var seen = [panel.objective]
        for _ in all.indices {
            XCTAssertEqual(panel.press(.ctrl("o")), .editing)
            seen.append(panel.objective)
        }
        let start = all.firstIndex(of: .standard)!
        XCTAssertEqual(seen, (0...all.count).map { all[(start + $0) % all.count] }, "wraps")
        for expected in ["50%u", "75%u", "25%u", "10%", "1", "0", "auto"] {
            _ = panel.press(.ctrl("n"))
            XCTAssertEqual(panel.minimumRank.description, expected)
        }
        _ = panel.press(.ctrl("o"))
        _ = panel.press(.ctrl("n"))
        _ = panel.press(.ctrl("n"))
        let allocator = panel.settings(target: .parameters(0)).allocator(for: ResolvedPlan(choices: [:], constraints: [:]))
        XCTAssertEqual(allocator.objective, all[(start + 1) % all.count])
        XCTAssertEqual(allocator.minimumRank, .shareOfUniform(0.75))
        XCTAssertEqual(panel.text, "", "control keys do not type")

        // The explorer's allocation is the allocator's with those settings over the same tensors.
        let (app, backend) = try ExplorerFixture.readyApp(width: 120, height: 30)
        defer { app.finish() }
        allocate(app, [.ctrl("o"), .ctrl("o"), .ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n"), .ctrl("n")], target: "70%")
        let text = backend.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("objective squared-error (^O)") && text.contains("min rank 0 (^N)"), text)
        var direct = BudgetAllocator()
        direct.objective = .squaredError
        direct.minimumRank = .rank(0)
        let fresh = ExplorerState(catalog: try ExplorerFixture.catalog())
        XCTAssertEqual(fresh.entries.map(\.info.name), app.state.entries.map(\.info.name))
        let expected = try direct.allocate(tensors: app.state.plannedTensors, target: .parameterShare(ParameterShare.parse("70%")!), constraints: [:])
        XCTAssertEqual(choices(app.state), expected.choices.filter { name, _ in app.state.entries.contains { $0.info.name == name } })
    }

    func testWithAProfileASizeTargetIsAllocatedForThePredictedLoss() throws {
        let profile = ExplorerQualityTests.profile()
        let backend = InMemoryBackend(width: 120, height: 30)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 2, sensitivity: profile)
        defer { app.finish() }
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        allocate(app, [], target: "80%")
        let values = Dictionary(uniqueKeysWithValues: app.state.entries.indices.compactMap { i in
            app.state.statuses[i].spectrum.map { (app.state.entries[i].info.name, $0.singularValues) }
        })
        let model = QualityPrediction(profile: profile, singularValues: values)
        let expected = try BudgetAllocator().allocate(tensors: app.state.plannedTensors, target: .parameterShare(ParameterShare.parse("80%")!), constraints: [:],
                                                      lossModel: model)
        let allocated = choices(app.state)
        XCTAssertEqual(allocated, expected.choices.filter { name, _ in allocated[name] != nil })
        let predicted = try XCTUnwrap(app.state.predictedQuality)
        XCTAssertEqual(predicted.lossIncrease, model.predict(allocated).lossIncrease, accuracy: 1e-12)
        let line = try XCTUnwrap(backend.lines().first { $0.contains("uniform ranks: ppl") }, backend.lines().joined(separator: "\n"))
        let shown = String(format: "%.1f", exp(3 + predicted.lossIncrease))  // below 100: one decimal
        XCTAssertTrue(line.contains("predicted ppl \(shown)  uniform ranks: ppl"), line)
        let screen = backend.lines().joined(separator: "\n")
        XCTAssertFalse(screen.contains("allocator's proxy"), "with a profile the panel compares predicted quality, not the proxy: \(screen)")
        XCTAssertFalse(screen.contains("no profile"), screen)
    }

    /// Without a profile a deep cut gets uniform ranks (the `auto` floor), and the panel says so in one line.
    func testWithoutAProfileADeepCutSaysItIsUniform() throws {
        let backend = InMemoryBackend(width: 120, height: 30)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 2)
        defer { app.finish() }
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        allocate(app, [], target: "30%")
        let screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("(uniform was best)"), screen)
        XCTAssertTrue(screen.contains("no profile: uniform; `rankscope sensitivity` allocates better"), screen)
    }
}
