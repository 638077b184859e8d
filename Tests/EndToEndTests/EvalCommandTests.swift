import Foundation
import PythonOracle
import XCTest

/// `rankscope eval` and `rankscope stats` on tiny checkpoints against numpy: the perplexity of
/// the same windows, and the statistics file `scripts/collect-stats.py`'s accumulator writes from
/// the numpy forward pass over the same chunks; token ids from Python `tokenizers`.
final class EvalCommandTests: XCTestCase {
    static let perplexity = #"""
    from tokenizers import Tokenizer
    out, name, seq, maxt = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ids = Tokenizer.from_file(os.path.join(out, name, 'tokenizer.json')).encode(open(os.path.join(out, 'text.txt')).read()).ids[:maxt]
    cfg, W = load(os.path.join(out, name))
    total, count, windows = 0.0, 0, []
    for s in range(0, len(ids) - seq + 1, seq):
        w = ids[s:s + seq]
        logits = (gpt if cfg['model_type'].startswith('gpt') else llama)(cfg, W, w)
        lp = logits - logits.max(-1, keepdims=True); lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
        nll = -lp[np.arange(len(w) - 1), w[1:]]
        total += nll.sum(); count += len(w) - 1; windows.append(float(nll.mean()))
    print(json.dumps({'ppl': float(np.exp(total / count)), 'windows': (len(ids)) // seq, 'window_losses': windows}))
    """#

    func testPerplexityEqualsNumpyOnTheSameWindows() throws {
        try EvalFixture.with { fixture in
            for name in ["llama-gqa", "gpt2"] {
                let outcome = try Harness.rankscope(["eval", fixture.model(name), "--text", fixture.text, "--seq-len", "16",
                                                     "--max-tokens", "100", "--json"], cacheHome: fixture.cache)
                XCTAssertEqual(outcome.status, 0, outcome.stderr)
                let report = try XCTUnwrap(try Harness.json(outcome.stdout) as? [String: Any])
                let original = try XCTUnwrap(report["original"] as? [String: Any])
                let measured = try XCTUnwrap(original["perplexity"] as? Double)
                let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(PythonOracle.run(
                    NumpyTransformer.library + Self.perplexity, [fixture.folder, name, "16", "100"]).utf8)) as? [String: Any])
                XCTAssertEqual(measured, expected["ppl"] as! Double, accuracy: (expected["ppl"] as! Double) * 1e-5, name)
                XCTAssertEqual(report["windows"] as? Int, expected["windows"] as? Int)
                XCTAssertEqual(report["windows"] as? Int, 6)
                let windowLosses = try XCTUnwrap(original["window_losses"] as? [Double]), expectedLosses = expected["window_losses"] as! [Double]
                XCTAssertEqual(windowLosses.count, expectedLosses.count)
                for (got, want) in zip(windowLosses, expectedLosses) { XCTAssertEqual(got, want, accuracy: abs(want) * 1e-5, "\(name): each window's mean log-loss") }
                XCTAssertEqual(report["tokens"] as? Int, 96)
                XCTAssertNotNil(original["tokens_per_second"] as? Double)
            }
            let table = try Harness.rankscope(["eval", fixture.model("gpt2"), "--text", fixture.text, "--seq-len", "16"], cacheHome: fixture.cache)
            XCTAssertEqual(table.status, 0, table.stderr)
            XCTAssertTrue(table.stdout.contains("windows of 16 tokens"), table.stdout)
            XCTAssertTrue(table.stdout.contains("perplexity"), table.stdout)
        }
    }

    static let statistics = #"""
    import importlib.util
    from tokenizers import Tokenizer
    out, name, stats, seq, diagonal, script = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == '1', sys.argv[6]
    spec = importlib.util.spec_from_file_location('collect_stats', script); cs = importlib.util.module_from_spec(spec); spec.loader.exec_module(cs)
    ids = Tokenizer.from_file(os.path.join(out, name, 'tokenizer.json')).encode(open(os.path.join(out, 'text.txt')).read()).ids
    acc = cs.StatsAccumulator(diagonal_only=diagonal)
    HOOK[0] = acc.add_activations
    cfg, W = load(os.path.join(out, name))
    for s in range(0, len(ids), seq): llama(cfg, W, ids[s:s + seq])
    expected = acc.tensors()
    from safetensors import safe_open
    with safe_open(stats, 'np') as f:
        assert f.metadata() == {'format': cs.FORMAT, 'version': cs.VERSION}, f.metadata()
        assert sorted(f.keys()) == sorted(expected.keys()), (sorted(f.keys()), sorted(expected.keys()))
        for key, value in expected.items():
            got = f.get_tensor(key)
            assert got.dtype == value.dtype and got.shape == value.shape, key
            rel = np.abs(got - value).max() / np.abs(value).max()
            assert rel < 1e-4, (key, rel)
    print(len(ids))
    """#

    func testStatsFileEqualsCollectStatsOnTheSameChunks() throws {
        let script = TestModels.repositoryRoot.appendingPathComponent("scripts/collect-stats.py").path
        try EvalFixture.with { fixture in
            for diagonal in [false, true] {
                let stats = fixture.folder + "/stats-\(diagonal).safetensors"
                let outcome = try Harness.rankscope(["stats", fixture.model("llama-gqa"), "--text", fixture.text, "--out", stats,
                                                     "--seq-len", "50"] + (diagonal ? ["--diagonal-only"] : []), cacheHome: fixture.cache)
                XCTAssertEqual(outcome.status, 0, outcome.stderr)
                XCTAssertEqual(outcome.stdout, "\(stats): statistics of 15 linear layers over 240 tokens (5 chunks of up to 50\(diagonal ? ", diagonal only" : ""))\n")
                let tokens = try PythonOracle.run(NumpyTransformer.library + Self.statistics,
                                                  [fixture.folder, "llama-gqa", stats, "50", diagonal ? "1" : "0", script])
                XCTAssertEqual(tokens.trimmingCharacters(in: .whitespacesAndNewlines), "240")
            }
        }
    }
}
