import Explorer
import TerminalUI
import XCTest

/// The right-hand pane's views, switched by keys, at 80×24 and at 160×40. The fixture's
/// matrices have σᵢ = 2^(−i/2), i = 0…11, so σᵢ² = 2^(−i) and the energy kept by rank k is
/// (1 − 2^(−k)) / (1 − 2^(−12)): 90% needs k = 4, 99% k = 7, 99.9% k = 10 (of 12).
final class ExplorerViewModeTests: XCTestCase {
    private func screen(_ backend: InMemoryBackend) -> String { backend.lines().joined(separator: "\n") }

    /// The heatmap's numbers on `role`'s line of the right-hand pane (which starts at 55% of the width).
    private func heatmapNumbers(_ backend: InMemoryBackend, role: String) -> [String] {
        let paneX = Int(Double(backend.buffer.width) * 0.55)
        guard let line = backend.lines().map({ String($0.dropFirst(paneX)) }).first(where: { $0.contains("│" + role) }) else { return [] }
        return line.replacingOccurrences(of: role, with: "").split { !$0.isNumber }.map(String.init)
    }

    func testTabAndNumberKeysSwitchTheView() throws {
        let (app, _) = try ExplorerFixture.readyApp(width: 80, height: 24)
        defer { app.finish() }
        XCTAssertEqual(app.state.viewMode, .spectrum)
        var seen: [ViewMode] = []
        for _ in 0..<6 {
            app.handle(.tab)
            seen.append(app.state.viewMode)
        }
        XCTAssertEqual(seen, [.overlay, .heatmap, .sparseDense, .jobs, .esd, .spectrum])
        for (key, mode) in [("3", ViewMode.heatmap), ("1", .spectrum), ("5", .jobs), ("2", .overlay), ("4", .sparseDense)] {
            app.handle(.character(Character(key)))
            XCTAssertEqual(app.state.viewMode, mode, key)
        }
    }

    func testEveryViewRendersAtBothSizes() throws {
        for (width, height) in [(80, 24), (160, 40)] {
            let (app, backend) = try ExplorerFixture.readyApp(width: width, height: height)
            defer { app.finish() }
            XCTAssertTrue(screen(backend).contains("Spectrum 0 mlp.up_proj"), screen(backend))

            app.handle(.character("2"))
            var text = screen(backend)
            XCTAssertTrue(text.contains("mlp.up_proj across depth"), text)
            XCTAssertTrue(text.contains("block 0") && text.contains("block 1"), "one legend entry per block:\n\(text)")

            app.handle(.character("3"))
            text = screen(backend)
            XCTAssertTrue(text.contains("Rank for 99% energy"), text)
            // 7 of 12 singular values keep 99%: 58% in every cell (2 roles × 2 blocks).
            XCTAssertEqual(heatmapNumbers(backend, role: "mlp.up_proj"), ["58", "58"], text)
            XCTAssertEqual(heatmapNumbers(backend, role: "attn.q_proj"), ["58", "58"], text)
            app.handle(.character("E"))
            text = screen(backend)
            XCTAssertTrue(text.contains("Rank for 99.9% energy"), text)
            XCTAssertEqual(heatmapNumbers(backend, role: "attn.q_proj"), ["83", "83"], "10 of 12 keep 99.9%:\n\(text)")
            app.handle(.character("E"))
            text = screen(backend)
            XCTAssertTrue(text.contains("Rank for 90% energy"), text)
            XCTAssertEqual(heatmapNumbers(backend, role: "mlp.up_proj"), ["33", "33"], "4 of 12 keep 90%:\n\(text)")

            app.handle(.character("4"))
            text = screen(backend)
            XCTAssertTrue(text.contains("No layer is factorized yet"), text)
            // Rank 3 on the 40×12 up_proj keeps 3·(40+12) = 156 of its 480 parameters.
            ExplorerScreens.type(app, [.character("=")])
            ExplorerScreens.type(app, text: "3")
            app.handle(.enter)
            text = screen(backend)
            XCTAssertTrue(text.contains("16-bit values") && text.contains("1 matrix"), text)
            XCTAssertTrue(text.contains("156 of 480 parameters"), text)

            app.handle(.character("5"))
            text = screen(backend)
            XCTAssertTrue(text.contains("Compression job"), text)
            XCTAssertTrue(text.contains("No compression job yet"), text)
        }
    }

    func testMarkedLayersAndNormalisationInTheOverlay() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 120, height: 30)
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("m"), .character("j"), .character("m"), .character("2")])
        XCTAssertEqual(app.state.overlayMarks.count, 2)
        var text = screen(backend)
        XCTAssertTrue(text.contains("Marked layers (2"), text)
        XCTAssertTrue(text.contains("0 mlp.up_proj") && text.contains("0 attn.q_proj"), text)
        XCTAssertTrue(text.contains("(σᵢ, log)"), text)
        app.handle(.character("n"))
        text = screen(backend)
        XCTAssertTrue(text.contains("(σᵢ/σ₁, log)"), text)
        ExplorerScreens.type(app, [.character("m"), .character("k"), .character("m")])
        XCTAssertEqual(app.state.overlayMarks, [])
        XCTAssertTrue(screen(backend).contains("mlp.up_proj across depth"), screen(backend))
    }

    func testFullScreenViewOnANarrowTerminal() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 60, height: 20)
        defer { app.finish() }
        XCTAssertTrue(screen(backend).contains("Layers"), screen(backend))
        XCTAssertFalse(screen(backend).contains("Spectrum"), "below 80 columns only the table shows")
        app.handle(.character("f"))
        var text = screen(backend)
        XCTAssertFalse(text.contains("Layers "), text)
        XCTAssertTrue(text.contains("Spectrum 0 mlp.up_proj"), text)
        // The keys still move the selection the full-screen view follows.
        app.handle(.character("j"))
        text = screen(backend)
        XCTAssertTrue(text.contains("Spectrum 0 attn.q_proj"), text)
        app.handle(.character("3"))
        XCTAssertTrue(screen(backend).contains("Rank for 99% energy"), screen(backend))
        app.handle(.character("f"))
        XCTAssertTrue(screen(backend).contains("Layers"), screen(backend))
    }
}
