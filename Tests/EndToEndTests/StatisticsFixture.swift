import Foundation

/// The shared start of the data-aware end-to-end fixtures: a two-matrix checkpoint and
/// anisotropic activations whose statistics go through `scripts/collect-stats.py`'s own
/// accumulator, so the tests read exactly what the collector writes.
enum StatisticsFixture {
    /// `scripts/collect-stats.py` in the repository holding this test file.
    static var collector: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/collect-stats.py").path
    }

    /// Python run with arguments `OUT COLLECTOR`: loads the collector as `cs`, seeds `rng`,
    /// defines `activations(n, t)` (channels spanning four decades, mixed), draws `up` (16×10)
    /// and `down` (10×16) in F32 and writes them to `OUT/model/model.safetensors`. A fixture
    /// appends its own statistics and expectations, drawing from `rng` after these.
    static let preamble = """
    import importlib.util, json, sys, numpy as np
    from safetensors.numpy import save_file, load_file
    out, collector = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location("collect_stats", collector)
    cs = importlib.util.module_from_spec(spec); spec.loader.exec_module(cs)
    rng = np.random.default_rng(11)
    def activations(n, t):
        scales = 10.0 ** np.linspace(-2, 2, n)
        mixing = np.eye(n) + 0.8 * rng.standard_normal((n, n))
        return (scales[:, None] * mixing) @ rng.standard_normal((n, t))
    up = rng.standard_normal((16, 10)).astype(np.float32)
    down = rng.standard_normal((10, 16)).astype(np.float32)
    save_file({"model.layers.0.mlp.up_proj.weight": up, "model.layers.0.mlp.down_proj.weight": down},
              out + "/model/model.safetensors", metadata={"format": "pt"})

    """
}
