import Evaluation
import Foundation
import PythonOracle
import XCTest

/// Cosines and the correlation of pairwise similarities against numpy.
final class EmbeddingComparisonTests: XCTestCase {
    func testComparisonEqualsNumpy() throws {
        var generator = SystemRandomNumberGenerator()
        let original = (0..<6).map { _ in (0..<8).map { _ in Float.random(in: -1...1, using: &generator) } }
        let candidate = original.map { row in row.map { $0 + Float.random(in: -0.3...0.3, using: &generator) } }
        // JSON carries each Float as its shortest decimal, so numpy sees values within ~1e-8 of ours.
        let comparison = EmbeddingComparison(original: original, candidate: candidate)
        let snippet = #"""
        import json, sys, numpy as np
        a, b = (np.array(x, dtype=np.float64) for x in json.loads(sys.argv[1]))
        n = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)
        cos = (n(a) * n(b)).sum(1)
        iu = np.triu_indices(len(a), 1)
        r = np.corrcoef((n(a) @ n(a).T)[iu], (n(b) @ n(b).T)[iu])[0, 1]
        print(json.dumps([cos.mean(), cos.min(), r]))
        """#
        let encoded = String(decoding: try JSONEncoder().encode([original, candidate]), as: UTF8.self)
        let expected = try JSONDecoder().decode([Double].self, from: Data(try PythonOracle.run(snippet, [encoded]).utf8))
        XCTAssertEqual(comparison.meanCosine, expected[0], accuracy: 1e-6)
        XCTAssertEqual(comparison.minimumCosine, expected[1], accuracy: 1e-6)
        XCTAssertEqual(comparison.similarityCorrelation, expected[2], accuracy: 1e-6)
        XCTAssertEqual(comparison.sentences, 6)
    }
}
