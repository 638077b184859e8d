import Foundation
import XCTest
import LinearAlgebra
import Planning
import PythonOracle
@testable import Compression

/// The E8P lattice codebook: its construction (checked against numpy's build from the paper's
/// description), exact nearest-codeword search (checked by brute force), and its error.
final class E8PCodebookTests: XCTestCase {
    /// All 65,536 codewords, code order.
    private static let book: [[Double]] = (0...UInt16.max).map(E8PCodebook.codeword)

    func testTheCodebookIs65536DistinctPointsOfE8PlusAQuarter() {
        XCTAssertEqual(E8PCodebook.absoluteGrid.count, 256 * 8)
        XCTAssertEqual(Set(Self.book).count, 65_536, "every code is a different codeword")
        for word in Self.book.prefix(4096) + Self.book.suffix(4096) {
            let shift = word[0] - (word[0] - 0.25).rounded(.down) == 0.75 ? 0.25 : -0.25
            let lattice = word.map { $0 - shift }
            XCTAssertTrue(lattice.allSatisfy { ($0 - 0.5).remainder(dividingBy: 1) == 0 }, "half-integers: \(word)")
            XCTAssertEqual(lattice.reduce(0, +).remainder(dividingBy: 2), 0, "even sum (D8 + ½ ⊂ E8): \(word)")
            XCTAssertLessThanOrEqual(lattice.reduce(0) { $0 + $1 * $1 }, 12)
        }
    }

    func testNearestIsTheBruteForceNearestCodeword() {
        var generator = SeededGenerator(seed: 7)
        for trial in 0..<60 {
            let spread = [0.3, 1.0, 2.5][trial % 3]
            let x = (0..<8).map { _ in spread * Double.random(in: -2...2, using: &generator) }
            let found = E8PCodebook.nearest(x[...])
            var best = Double.infinity
            for word in Self.book {
                var distance = 0.0
                for i in 0..<8 { distance += (x[i] - word[i]) * (x[i] - word[i]) }
                best = min(best, distance)
            }
            let word = E8PCodebook.codeword(found.code)
            let distance = (0..<8).reduce(0.0) { $0 + (x[$1] - word[$1]) * (x[$1] - word[$1]) }
            XCTAssertEqual(distance, best, accuracy: 1e-12, "trial \(trial): \(x)")
            XCTAssertEqual(found.distance, distance, accuracy: 1e-12)
        }
    }

    struct NumpyBook: Decodable {
        /// numpy's codebook, sorted, equals ours sorted.
        let sameSet: Bool
        /// numpy's nearest distances equal ours.
        let maxDistanceDifference: Double
    }

    func testNumpyBuildsTheSameCodebookFromTheDescription() throws {
        var generator = SeededGenerator(seed: 8)
        let inputs = (0..<64).map { _ in (0..<8).map { _ in Double.random(in: -3...3, using: &generator) } }
        let distances = inputs.map { E8PCodebook.nearest($0[...]).distance }
        let script = #"""
import sys, json, itertools, numpy as np
d = sys.argv[1]
half = np.arange(-4, 4) + 0.5
pts = np.array(list(itertools.product(half, repeat=8)))
keep = (pts.sum(1) % 2 == 0) & ((pts ** 2).sum(1) <= 10)
grid = np.unique(np.abs(pts[keep]), axis=0)
pads = sorted(set(itertools.permutations([0.5] * 3 + [1.5] * 5)))[:29]
grid = np.vstack([grid, np.array(pads)])
signs = np.array(list(itertools.product([1, -1], repeat=8)))
words = (grid[:, None, :] * signs[None, :, :]).reshape(-1, 8)
words = words[words.sum(1) % 2 == 0]
book = np.vstack([words + 0.25, words - 0.25])
mine = np.fromfile(d + "/book.bin", "<f8").reshape(-1, 8)
same = len(book) == 65536 and np.array_equal(np.unique(book, axis=0), np.unique(mine, axis=0))
x = np.fromfile(d + "/x.bin", "<f8").reshape(-1, 8)
dist = ((x[:, None, :] - book[None, :, :]) ** 2).sum(-1).min(1)
ours = np.fromfile(d + "/dist.bin", "<f8")
json.dump({"sameSet": bool(same), "maxDistanceDifference": float(np.abs(dist - ours).max())}, open(d + "/results.json", "w"))
"""#
        let result: NumpyBook = try PythonOracle.results(of: script) { folder in
            func write(_ values: [Double], _ name: String) throws {
                try HessianOracle.bytes(try Matrix(rows: 1, columns: values.count, elements: values)).write(to: folder.appendingPathComponent(name))
            }
            try write(Self.book.flatMap { $0 }, "book.bin")
            try write(inputs.flatMap { $0 }, "x.bin")
            try write(distances, "dist.bin")
        }
        XCTAssertTrue(result.sameSet, "numpy's E8P from the description is ours")
        XCTAssertLessThan(result.maxDistanceDifference, 1e-12, "our nearest codeword is numpy's")
    }

    func testOnGaussianRowsE8PBeatsEveryScalarTwoBitGrid() {
        let gaussian = CompressionFixtures.gaussian(rows: 64, columns: 512, seed: 9)
        var errors: [Double: Double] = [:]
        for factor in [0.9, 1.0, 1.1, 1.2] {
            let quantized = E8PMatrix(quantizing: gaussian, scaleFactor: factor).dequantized()
            errors[factor] = pow(quantized.relativeDistance(to: gaussian), 2)
        }
        print("E8P relative squared error by scale factor: \(errors.sorted { $0.key < $1.key })")
        let atDefault = try! XCTUnwrap(errors[E8PMatrix.scaleFactor])
        XCTAssertEqual(atDefault, errors.values.min()!, "the default scale factor is the best of those tried")
        XCTAssertLessThan(atDefault, 0.1175, "below a 2-bit Lloyd–Max scalar grid's 0.1175")
        let scalar = try! QuantizedMatrix(quantizing: gaussian, bits: 2, groupSize: 128).dequantized()
        XCTAssertLessThan(atDefault, 0.5 * pow(scalar.relativeDistance(to: gaussian), 2), "and far below round-to-nearest groups")
    }

    func testCompressWritesAnE8PBackbonePackedOrMaterialized() throws {
        let weight = CompressionFixtures.gaussian(rows: 40, columns: 64, seed: 12)
        let choice = LayerChoice.lowRank(rank: 4, factorBits: 4, groupSize: 32, backboneBits: 2)
        func options(_ codebook: BackboneCodebook, dense: Bool = true) -> CompressionOptions {
            CompressionOptions(calderaIterations: 2, materializeDense: dense, incoherenceSeed: 3, backboneCodebook: codebook)
        }
        let scalar = try MatrixCompressor.compress(weight: weight, name: "m.weight", choice: choice, options: options(.scalar))
        let lattice = try MatrixCompressor.compress(weight: weight, name: "m.weight", choice: choice, options: options(.e8p))
        XCTAssertEqual(lattice.tensors.map(\.name), ["m.weight"])
        XCTAssertEqual(lattice.byteCount, scalar.byteCount, "materialised: the same dense bytes")
        XCTAssertLessThan(lattice.measuredRelativeError, 0.8 * scalar.measuredRelativeError)
        let packed = try MatrixCompressor.compress(weight: weight, name: "m.weight", choice: choice, options: options(.e8p, dense: false))
        XCTAssertEqual(packed.measuredRelativeError, lattice.measuredRelativeError, accuracy: 0.01 * lattice.measuredRelativeError,
                       "packed: the same Ŵ, without the dense output's BF16 rounding")
        XCTAssertEqual(packed.tensors.filter { $0.name.hasPrefix("m.backbone") }.map(\.name), ["m.backbone.e8p", "m.backbone.e8p_scales"])
        XCTAssertEqual(packed.tensors.first { $0.name == "m.backbone.e8p" }?.bytes.count, 40 * 64 / 4, "2 bits per weight")
        let odd = CompressionFixtures.gaussian(rows: 40, columns: 60, seed: 13)
        XCTAssertThrowsError(try MatrixCompressor.compress(weight: odd, name: "m.weight", choice: choice, options: options(.e8p))) {
            XCTAssertTrue(String(describing: $0).contains("multiple of 8"), "\($0)")
        }
    }
}
