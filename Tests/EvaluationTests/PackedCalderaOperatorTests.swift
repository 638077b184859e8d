import Foundation
import LinearAlgebra
import ModelRuntime
import Planning
import SafeTensors
import XCTest
@testable import Compression
@testable import Evaluation

/// CALDERA layers run from their packed backbone (``TiledLinear``) and, with incoherence
/// processing, with the transforms applied to the activations (``RotatedLinear``) compute what
/// the dense reader's Ŵ = Uᵀ·(Q̂ + Â·B̂)·V computes (that Ŵ is checked against numpy in
/// `DecodedLayersNumpyTests`), in both weight orientations; a wrong seed does not.
final class PackedCalderaOperatorTests: XCTestCase {
    private var directory = ""
    /// [m, n] of the two layers: 24 = 8·3 and 40 = 8·5 take the Hartley part of the transform.
    private static let layers = [("model.layers.0.self_attn.q_proj.weight", [24, 40]), ("model.layers.0.mlp.down_proj.weight", [40, 24])]
    private static let tokens = 7

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rankscope-packed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 22)
        let tensors = Self.layers.map { name, shape -> (TensorSpec, [UInt8]) in
            let values = (0..<(shape[0] * shape[1])).map { _ in Float(generator.nextGaussian()) }
            return (TensorSpec(name: name, dtype: .F32, shape: shape), values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } })
        }
        try SafeTensorsWriter.write(path: directory + "/model.safetensors", tensors: tensors)
        try Data(#"{"model_type": "llama", "hidden_size": 40}"#.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// Both forms of every layer: (dense reader's, packed).
    private func decoded(codebook: BackboneCodebook, incoherence: Bool, backboneBits: Int = 2) throws -> [(DecodedLinear, DecodedLinear)] {
        let checkpoint = try Checkpoint(path: directory)
        var settings = LayerCompressionSettings(calderaIterations: 1, incoherence: incoherence)
        settings.backboneCodebook = codebook
        let choice = LayerChoice.lowRank(rank: 4, factorBits: 4, groupSize: 8, backboneBits: backboneBits)
        let choices = Dictionary(uniqueKeysWithValues: Self.layers.map { ($0.0, choice) })
        let dense = try InMemoryCompression.decodedLayers(of: checkpoint, choices: choices, settings: settings)
        let packed = try InMemoryCompression.decodedLayers(of: checkpoint, choices: choices, settings: settings, packedBackbones: true)
        return dense.replacedModules.map { (dense.layers[$0]!, packed.layers[$0]!) }
    }

    /// max over tokens of ‖y − ŷ‖/‖ŷ‖ of two operators on the same random batch.
    private func relativeDifference(_ candidate: any LinearOperator, _ reference: any LinearOperator) -> Double {
        XCTAssertEqual(candidate.inputCount, reference.inputCount)
        XCTAssertEqual(candidate.outputCount, reference.outputCount)
        var generator = SeededGenerator(seed: 7)
        let (n, m) = (reference.inputCount, reference.outputCount)
        let x = (0..<(Self.tokens * n)).map { _ in Float(generator.nextGaussian()) }
        func run(_ op: any LinearOperator, accumulate: Bool) -> [Float] {
            var y = [Float](repeating: accumulate ? 1 : .nan, count: Self.tokens * m)
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                op.apply(xp.baseAddress!, rows: Self.tokens, into: yp.baseAddress!, accumulate: accumulate)
            } }
            return y
        }
        var worst = 0.0
        for accumulate in [false, true] {
            let (y, expected) = (run(candidate, accumulate: accumulate), run(reference, accumulate: accumulate))
            for t in 0..<Self.tokens {
                var difference = 0.0, norm = 0.0
                for o in 0..<m {
                    let e = Double(expected[t * m + o]) - (accumulate ? 1 : 0)
                    difference += pow(Double(y[t * m + o]) - Double(expected[t * m + o]), 2)
                    norm += e * e
                }
                worst = max(worst, (difference / norm).squareRoot())
            }
        }
        return worst
    }

    private func assertAgree(codebook: BackboneCodebook, incoherence: Bool, backboneBits: Int = 2, file: StaticString = #filePath, line: UInt = #line) throws {
        for (dense, packed) in try decoded(codebook: codebook, incoherence: incoherence, backboneBits: backboneBits) {
            guard case .packedCaldera(let layer, _) = packed else { return XCTFail("\(packed) is not packed", file: file, line: line) }
            XCTAssertEqual(layer.incoherenceSeed != nil, incoherence, file: file, line: line)
            // The packed backbone holds its stored bytes, not Floats.
            let (m, n) = (layer.backbone.rows, layer.backbone.columns)
            // E8P: 16-bit codes and an F16 scale per row, plus at 3 bits 8 sign bits, at 4 bits another
            // code, per run of 8 and a scale per row; scalar: codes, and F16 scale and zero per group of 8.
            let storedBytes = codebook == .e8p ? (2 * m * n / 8 + 2 * m) + [2: 0, 3: m * n / 8 + 2 * m, 4: 2 * m * n / 8 + 2 * m][backboneBits]!
                                               : (m * n * backboneBits + 7) / 8 + 4 * m * ((n + 7) / 8)
            XCTAssertEqual(layer.backbone.byteCount, storedBytes, file: file, line: line)
            // Its rows decode to exactly the Float values of the dense reader's Q (every stage summed).
            var q = [Float](repeating: .nan, count: m * n)
            q.withUnsafeMutableBufferPointer { layer.backbone.decodeRows(0..<m, into: $0.baseAddress!) }
            XCTAssertEqual(q, DecodedMatrix(layer.backbone.dequantized()).values, "\(codebook) \(backboneBits) bits", file: file, line: line)
            for transposed in [false, true] {
                let difference = relativeDifference(packed.linearOperator(storedTransposed: transposed), dense.linearOperator(storedTransposed: transposed))
                XCTAssertLessThan(difference, 1e-5, "\(codebook) incoherence \(incoherence) transposed \(transposed)", file: file, line: line)
            }
            // The dense Ŵ in double equals the packed layer's reconstruction up to the factors' rounding to Float.
            XCTAssertLessThan(try packed.reconstruction().relativeDistance(to: dense.reconstruction()), 1e-6, file: file, line: line)
        }
    }

    func testE8PWithIncoherenceComputesTheDenseWeight() throws { try assertAgree(codebook: .e8p, incoherence: true) }
    func testE8PWithoutIncoherenceComputesTheDenseWeight() throws { try assertAgree(codebook: .e8p, incoherence: false) }
    /// 3- and 4-bit E8P backbones: the residual stage (signs, or E8P again) is added tile by tile.
    func testResidualE8PStagesComputeTheDenseWeight() throws {
        try assertAgree(codebook: .e8p, incoherence: true, backboneBits: 3)
        try assertAgree(codebook: .e8p, incoherence: true, backboneBits: 4)
    }
    func testScalarBackbonesComputeTheDenseWeight() throws {
        try assertAgree(codebook: .scalar, incoherence: true, backboneBits: 3)
        try assertAgree(codebook: .scalar, incoherence: false, backboneBits: 2)
    }

    /// The comparison can fail: the packed layer with another seed (other signs) is far from Ŵ,
    /// and so is one with a single sign of V flipped.
    func testAWrongSeedOrSignIsFarFromTheDenseWeight() throws {
        for (dense, packed) in try decoded(codebook: .e8p, incoherence: true) {
            guard case .packedCaldera(let layer, let bias) = packed else { return XCTFail("\(packed) is not packed") }
            let wrongSeed = DecodedLinear.packedCaldera(PackedCaldera(backbone: layer.backbone, a: layer.a, b: layer.b,
                                                                      incoherenceSeed: layer.incoherenceSeed! ^ 1), bias: bias)
            XCTAssertGreaterThan(relativeDifference(wrongSeed.linearOperator(), dense.linearOperator()), 0.1)
            let incoherence = try XCTUnwrap(layer.incoherence)
            var signs = incoherence.right.signs
            signs[3] = -signs[3]
            let inner = SumLinear([TiledLinear(BackboneRows(backbone: layer.backbone)),
                                   FactoredLinear(left: layer.a.values, right: layer.b.values, outputs: layer.a.rows, inputs: layer.b.columns, rank: layer.a.columns)])
            let wrongSign = RotatedLinear(inner, inputTransform: RandomizedHadamard(signs: signs), outputTransform: incoherence.left, bias: bias)
            XCTAssertGreaterThan(relativeDifference(wrongSign, dense.linearOperator()), 0.01)
            let right = RotatedLinear(inner, inputTransform: incoherence.right, outputTransform: incoherence.left, bias: bias)
            XCTAssertLessThan(relativeDifference(right, dense.linearOperator()), 1e-5)
        }
    }

    /// Tiles of a few rows give the same product as one tile of the whole matrix, in both orientations.
    func testTilesSumToTheWholeProduct() throws {
        for (_, packed) in try decoded(codebook: .e8p, incoherence: false) {
            guard case .packedCaldera(let layer, _) = packed else { return XCTFail("\(packed) is not packed") }
            let rows = BackboneRows(backbone: layer.backbone)
            var q = [Float](repeating: 0, count: rows.rows * rows.columns)
            q.withUnsafeMutableBufferPointer { rows.decodeRows(0..<rows.rows, into: $0.baseAddress!) }
            XCTAssertEqual(q, DecodedMatrix(layer.backbone.dequantized()).values, "decoded rows are the dequantized backbone in Float")
            for transposed in [false, true] {
                let dense = transposed ? DenseLinear(weight: DecodedMatrix(rows: rows.rows, columns: rows.columns, values: q).transposed().values,
                                                     outputs: rows.columns, inputs: rows.rows)
                                       : DenseLinear(weight: q, outputs: rows.rows, inputs: rows.columns)
                XCTAssertLessThan(relativeDifference(TiledLinear(rows, transposed: transposed, tileRows: 5), dense), 1e-6)
            }
        }
    }
}
