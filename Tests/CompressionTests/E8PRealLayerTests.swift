import Planning
import Foundation
import XCTest
import LinearAlgebra
import PythonOracle
import SafeTensors
@testable import Compression

/// CALDERA's backbone on real SmolLM2-135M weights (rank 64, 4-bit factors, 2-bit backbone, one
/// iteration): round-to-nearest groups of 128, the same after incoherence processing, and the
/// E8P lattice after incoherence processing — the weight error ‖W − Ŵ‖/‖W‖ falls in that order.
final class E8PRealLayerTests: XCTestCase {
    func testIncoherenceAndE8PLowerTheBackboneErrorOnSmolLM2() throws {
        let model: URL
        do { model = try TestModels.folder(TestModels.smolLM2) } catch let error as TestModels.Unavailable { throw XCTSkip(error.description) }
        let checkpoint = try Checkpoint(path: model.path)
        for name in ["model.layers.0.self_attn.o_proj.weight", "model.layers.0.mlp.down_proj.weight"] {
            let tensor = try XCTUnwrap(checkpoint.tensor(named: name))
            let shape = tensor.info.shape
            let weight = try checkpoint.withBytes(of: tensor) { bytes in
                try Matrix(MatrixSource(base: bytes.baseAddress!, rows: shape[0], columns: shape[1], format: ScalarFormat(tensor.info.dtype)!))
            }
            let incoherence = Incoherence(seed: Incoherence.layerSeed(module: name), rows: shape[0], columns: shape[1])
            func error(turned: Bool, codebook: BackboneCodebook) throws -> Double {
                let caldera = try Caldera(turned ? incoherence.rotated(weight) : weight, rank: 64, module: "m", factorBits: 4,
                                          backboneBits: 2, groupSize: 128, iterations: 1, factorType: .BF16, codebook: codebook)
                let reconstruction = turned ? incoherence.unrotated(caldera.reconstruction) : caldera.reconstruction
                return reconstruction.relativeDistance(to: weight)
            }
            let plain = try error(turned: false, codebook: .scalar)
            let turned = try error(turned: true, codebook: .scalar)
            let lattice = try error(turned: true, codebook: .e8p)
            print(String(format: "%@: RTN %.3f, incoherence + RTN %.3f, incoherence + E8P %.3f", name, plain, turned, lattice))
            // The plan's E8P noise fraction c_Q (BackboneCodebook.e8pNoiseFraction) on the turned weight itself.
            let rotated = incoherence.rotated(weight)
            let ratio = pow(E8PMatrix(quantizing: rotated).dequantized().relativeDistance(to: rotated), 2) / BackboneCodebook.e8pNoiseFraction
            print(String(format: "%@: E8P relative squared error after incoherence processing / plan's c_Q = %.3f", name, ratio))
            XCTAssertEqual(ratio, 1, accuracy: 0.15, name)
            XCTAssertLessThan(turned, plain, name)
            XCTAssertLessThan(lattice, 0.8 * turned, name)
        }
    }
}
