import Foundation
import Planning
import PythonOracle
import XCTest

/// ``SpectralMetrics`` against the real `weightwatcher` 0.7.7 package, run without torch on its
/// flat-file layout (one `.npy` per layer and `ww_config.json`) with `min_evals=0, mp_fit=True`.
/// The metrics are computed here from numpy's float64 singular values of the same matrices, so
/// the comparison isolates the metric definitions from the SVD.
final class SpectralMetricsWeightWatcherTests: XCTestCase {
    /// One layer: its shape, numpy's singular values and WeightWatcher's details row.
    struct Layer: Decodable {
        let name: String
        let rows: Int
        let columns: Int
        let singular_values: [Double]
        let details: [String: Detail]
    }

    /// A details cell: a number or a string.
    enum Detail: Decodable {
        case number(Double)
        case text(String)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Double.self) { self = .number(value) } else { self = .text(try container.decode(String.self)) }
        }

        var number: Double? { if case .number(let value) = self { return value } else { return nil } }
        var text: String? { if case .text(let value) = self { return value } else { return nil } }
    }

    /// Writes heavy-tailed, Gaussian and designed power-law matrices of several aspect ratios
    /// (square ones take the quarter-circle path, fewer than 20 eigenvalues the small-sample fit)
    /// as WeightWatcher flat files, analyses them and reports every details row.
    static let snippet = """
    import json, os, sys, numpy as np, logging
    logging.disable(logging.CRITICAL)
    import weightwatcher as ww
    assert ww.__version__ == "0.7.7", ww.__version__
    out = sys.argv[1]
    rng = np.random.default_rng(18)
    def designed(m, n, exponent):
        k = min(m, n)
        u, _ = np.linalg.qr(rng.standard_normal((m, k)))
        v, _ = np.linalg.qr(rng.standard_normal((n, k)))
        s = (1.0 + np.arange(k)) ** -exponent * (1 + 0.05 * rng.random(k))
        return (u * s) @ v.T
    matrices = {
        "t3_tall": rng.standard_t(3, size=(300, 120)),
        "t3_wide": rng.standard_t(3, size=(120, 300)),
        "t2_square": rng.standard_t(2.2, size=(96, 96)),
        "t4_wide": rng.standard_t(4, size=(50, 200)),
        "gauss": rng.standard_normal((400, 100)) * 0.02,
        "power": designed(256, 160, 0.6),
        "power_square": designed(128, 128, 0.9),
        "small": rng.standard_t(3, size=(10, 7)),
        "small_square": rng.standard_t(2.5, size=(15, 15)),
        "cauchy": rng.standard_cauchy(size=(180, 60)) * 0.01,
    }
    layers = {}
    for i, (name, w) in enumerate(matrices.items()):
        np.save(f"{out}/{name}.weight.npy", w)
        layers[str(i)] = dict(name=name, longname=name, weightfile=f"{name}.weight.npy", biasfile=None,
                              type="dense", dims=json.dumps(list(w.shape)))
    json.dump(dict(weights_dir=out, layers=layers), open(f"{out}/ww_config.json", "w"))
    details = ww.WeightWatcher(model=out).analyze(min_evals=0, mp_fit=True)
    def cell(v):
        if isinstance(v, (str, np.str_)): return str(v)
        if isinstance(v, (bool, np.bool_)): return float(v)
        return float(v)
    results = []
    for _, row in details.iterrows():
        w = matrices[row["name"]]
        results.append(dict(name=row["name"], rows=w.shape[0], columns=w.shape[1],
                            singular_values=np.linalg.svd(w, compute_uv=False).tolist(),
                            details={k: cell(v) for k, v in row.items() if v is not None}))
    json.dump(results, open(f"{out}/results.json", "w"))
    """

    func testMetricsMatchWeightWatcher() throws {
        let layers: [Layer] = try PythonOracle.results(of: SpectralMetricsWeightWatcherTests.snippet) { _ in }
        XCTAssertEqual(layers.count, 10)
        for layer in layers {
            let metrics = SpectralMetrics(singularValues: layer.singular_values, rows: layer.rows, columns: layer.columns)
            SpectralMetricsWeightWatcherTests.assertMatches(metrics, layer.details, layer.name)
        }
    }

    /// Every WeightWatcher column ``SpectralMetrics`` computes: x_min and α to 1e−5 relative, the
    /// norm metrics to 1e−9, counts exactly, the MP scale and edges to 1e−6.
    static func assertMatches(_ metrics: SpectralMetrics, _ details: [String: Detail], _ name: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        func close(_ column: String, _ value: Double, _ relative: Double) {
            guard let expected = details[column]?.number else { return XCTFail("\(name): no \(column)", file: file, line: line) }
            XCTAssertEqual(value, expected, accuracy: relative * max(abs(expected), 1e-300), "\(name) \(column)", file: file, line: line)
        }
        func count(_ column: String, _ value: Int) {
            XCTAssertEqual(Double(value), details[column]?.number, "\(name) \(column)", file: file, line: line)
        }
        close("xmin", metrics.powerLaw?.xmin ?? -1, 1e-5)
        close("alpha", metrics.alpha, 1e-5)
        close("D", metrics.ksDistance, 1e-5)
        close("sigma", metrics.powerLaw?.sigma ?? -1, 1e-5)
        close("xmax", metrics.powerLaw?.xmax ?? -1, 1e-9)
        count("num_pl_spikes", metrics.powerLawTailCount)
        close("alpha_weighted", metrics.alphaWeighted, 1e-5)
        close("log_alpha_norm", metrics.logAlphaNorm, 1e-5)
        close("norm", metrics.norm, 1e-9)
        close("log_norm", metrics.logNorm, 1e-9)
        close("spectral_norm", metrics.spectralNorm, 1e-9)
        close("log_spectral_norm", metrics.logSpectralNorm, 1e-9)
        close("lambda_max", metrics.spectralNorm, 1e-9)
        close("stable_rank", metrics.stableRank, 1e-9)
        close("entropy", metrics.entropy, 1e-9)
        close("sv_max", metrics.largestSingularValue, 1e-9)
        count("matrix_rank", metrics.matrixRank)
        count("rank_loss", metrics.rankLoss)
        count("weak_rank_loss", metrics.weakRankLoss)
        count("num_evals", metrics.eigenvalueCount)
        count("num_spikes", metrics.spikeCount)
        close("sigma_mp", metrics.marchenkoPastur?.sigma ?? -1, 1e-6)
        close("mp_softrank", metrics.mpSoftRank, 1e-6)
        close("bulk_max", metrics.marchenkoPastur?.bulkMax ?? -1, 1e-6)
        close("bulk_min", metrics.marchenkoPastur?.bulkMin ?? -1, 1e-6)
        close("W_scale", metrics.marchenkoPastur?.scale ?? -1, 1e-9)
        XCTAssertEqual(metrics.warning.weightWatcherText, details["warning"]?.text, "\(name) warning", file: file, line: line)
    }
}
