import Evaluation
import Foundation
import ModelRuntime
import PythonOracle
import XCTest

/// Perplexity over batched windows equals numpy's over the same windows one by one, and the
/// windows are the non-overlapping full windows of the first `--max-tokens` ids.
final class PerplexityEvaluatorTests: XCTestCase {
    func testWindowsAreNonOverlappingAndFull() throws {
        let ids = Array(0..<23)
        XCTAssertEqual(try TokenWindows.perplexityWindows(ids, length: 5, maximumTokens: 100, file: "t"),
                       [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]])
        XCTAssertEqual(try TokenWindows.perplexityWindows(ids, length: 5, maximumTokens: 12, file: "t").count, 2)
        XCTAssertThrowsError(try TokenWindows.perplexityWindows(ids, length: 24, maximumTokens: 100, file: "eval.txt")) { error in
            XCTAssertEqual(String(describing: error),
                           "eval.txt: the text has 23 tokens, fewer than one window of 24; give a longer text or a smaller --seq-len.")
        }
    }

    func testBatchedPerplexityEqualsNumpy() throws {
        let main = #"""
        windows = json.loads(sys.argv[3])
        cfg, W = load(os.path.join(sys.argv[1], sys.argv[2]))
        total = 0.0
        for ids in windows:
            logits = (gpt if cfg['model_type'].startswith('gpt') else llama)(cfg, W, ids)
            lp = logits - logits.max(-1, keepdims=True); lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
            total += -lp[np.arange(len(ids) - 1), ids[1:]].sum()
        print(float(total))
        """#
        try NumpyTransformer.run(NumpyTransformer.tinyCheckpoints) { folder in
            let windows = try TokenWindows.perplexityWindows([3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 1, 41, 22, 0, 49, 17, 30],
                                                             length: 6, maximumTokens: 17, file: "t")
            XCTAssertEqual(windows.count, 2)
            for name in ["qwen2-bias", "bigcode-mqa"] {
                let model = try TransformerModel(path: folder.appendingPathComponent(name).path)
                var reports: [Int] = []
                let result = try PerplexityEvaluator.evaluate(model, windows: windows, batch: 2) { done, _ in reports.append(done) }
                let encoded = String(decoding: try JSONEncoder().encode(windows), as: UTF8.self)
                let expected = Double(try PythonOracle.run(NumpyTransformer.library + main, [folder.path, name, encoded])
                    .trimmingCharacters(in: .whitespacesAndNewlines))!
                XCTAssertEqual(result.negativeLogLikelihood, expected, accuracy: abs(expected) * 1e-5, name)
                XCTAssertEqual(result.perplexity, exp(expected / 10), accuracy: exp(expected / 10) * 1e-5, name)
                XCTAssertEqual(result.predictedTokens, 10)
                XCTAssertEqual(result.tokens, 12)
                XCTAssertEqual(reports, [0, 2])
            }
        }
    }
}
