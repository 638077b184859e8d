import Foundation
import Explorer
import Planning
import SafeTensors
import TerminalUI
import XCTest

/// A tiny Llama-named checkpoint whose matrices are rectangular diagonals σᵢ = 2^(−i/2), so
/// their spectra are known exactly; written once per test into a temporary folder.
enum ExplorerFixture {
    /// Writes the checkpoint (hidden size `hidden`) and returns its catalog.
    static func catalog(blocks: Int = 2, hidden: Int = 12) throws -> LayerCatalog {
        let directory = NSTemporaryDirectory() + "rankscope-explorer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var tensors: [(TensorSpec, [UInt8])] = []
        func add(_ name: String, _ shape: [Int], _ values: [Float]) {
            tensors.append((TensorSpec(name: name, dtype: .F32, shape: shape), values.withUnsafeBytes { Array($0) }))
        }
        add("model.embed_tokens.weight", [8, hidden], (0..<8 * hidden).map { Float($0 % 7) })
        add("model.norm.weight", [hidden], Array(repeating: 1, count: hidden))
        for block in 0..<blocks {
            add("model.layers.\(block).self_attn.q_proj.weight", [hidden, hidden], diagonal(rows: hidden, columns: hidden))
            add("model.layers.\(block).mlp.up_proj.weight", [40, hidden], diagonal(rows: 40, columns: hidden))
        }
        let path = directory + "/model.safetensors"
        try SafeTensorsWriter.write(path: path, tensors: tensors, metadata: ["format": "pt"])
        return LayerCatalog(checkpoint: try Checkpoint(path: path))
    }

    /// A rows×columns matrix with σᵢ = 2^(−i/2) on its diagonal.
    static func diagonal(rows: Int, columns: Int) -> [Float] {
        var values = [Float](repeating: 0, count: rows * columns)
        for i in 0..<min(rows, columns) { values[i * columns + i] = Float(pow(2.0, -Double(i) / 2)) }
        return values
    }

    /// An app over a fresh fixture with every spectrum computed.
    static func readyApp(width: Int = 120, height: Int = 30) throws -> (ExplorerApp, InMemoryBackend) {
        let backend = InMemoryBackend(width: width, height: height)
        let app = ExplorerApp(catalog: try catalog(), backend: backend, cache: nil, workers: 2)
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        return (app, backend)
    }

    /// The texts of the rows (below the title) whose table cell at column 1 is highlighted.
    static func highlightedRows(_ backend: InMemoryBackend) -> [String] {
        let lines = backend.lines()
        return (1..<backend.buffer.height).compactMap { y in
            backend.buffer.cell(x: 1, y: y)?.style == ExplorerView.selectedStyle ? lines[y] : nil
        }
    }
}
