import Evaluation
import Foundation
import ModelRuntime
import PythonOracle
import XCTest

/// The statistics file the runtime writes equals what `scripts/collect-stats.py`'s own
/// `StatsAccumulator` computes from the numpy forward pass's linear-layer inputs on the same
/// chunks: same tensors, dtypes, metadata and token counts, values to 1e-4 relative.
final class StatisticsCollectorTests: XCTestCase {
    static let comparison = #"""
    import importlib.util
    out, model, stats, chunks, diagonal, script = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), sys.argv[5] == '1', sys.argv[6]
    spec = importlib.util.spec_from_file_location('collect_stats', script); cs = importlib.util.module_from_spec(spec); spec.loader.exec_module(cs)
    acc = cs.StatsAccumulator(diagonal_only=diagonal)
    HOOK[0] = acc.add_activations
    cfg, W = load(model)
    for chunk in chunks: (gpt if cfg['model_type'].startswith('gpt') else llama)(cfg, W, chunk)
    expected = acc.tensors()
    from safetensors import safe_open
    with safe_open(stats, 'np') as f:
        assert f.metadata() == {'format': cs.FORMAT, 'version': cs.VERSION}, f.metadata()
        assert sorted(f.keys()) == sorted(expected.keys()), (sorted(f.keys()), sorted(expected.keys()))
        for key, value in expected.items():
            got = f.get_tensor(key)
            assert got.dtype == value.dtype and got.shape == value.shape, (key, got.dtype, value.dtype, got.shape, value.shape)
            if value.dtype == np.int64: assert (got == value).all(), (key, got, value)
            else:
                rel = np.abs(got - value).max() / np.abs(value).max()
                assert rel < 1e-4, (key, rel)
    print(len(expected))
    """#

    func testStatisticsEqualCollectStatsOnTheSameChunks() throws {
        let script = TestModels.repositoryRoot.appendingPathComponent("scripts/collect-stats.py").path
        try NumpyTransformer.run(NumpyTransformer.tinyCheckpoints) { folder in
            let ids = [3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 1, 41, 22]
            let chunks = try TokenWindows.statisticsChunks(ids, length: 5, maximumTokens: 100, file: "t")
            XCTAssertEqual(chunks.map(\.count), [5, 5, 3])
            for name in ["llama-gqa", "gpt2"] {
                for diagonal in [false, true] {
                    let modelPath = folder.appendingPathComponent(name).path
                    let model = try TransformerModel(path: modelPath)
                    let collector = StatisticsCollector(diagonalOnly: diagonal)
                    try collector.collect(model, chunks: chunks)
                    let stats = folder.appendingPathComponent("\(name)-\(diagonal).safetensors").path
                    try collector.write(path: stats)
                    let encoded = String(decoding: try JSONEncoder().encode(chunks), as: UTF8.self)
                    let count = try PythonOracle.run(NumpyTransformer.library + Self.comparison,
                                                     [folder.path, modelPath, stats, encoded, diagonal ? "1" : "0", script])
                    // llama: 7 linears × 2 layers + lm_head; gpt2: 4 × 2 + lm_head; each has tokens and
                    // mean squares, and the second moment unless diagonal-only.
                    let modules = name == "gpt2" ? 9 : 15
                    XCTAssertEqual(Int(count.trimmingCharacters(in: .whitespacesAndNewlines)), modules * (diagonal ? 2 : 3))
                }
            }
        }
    }
}
