import Foundation
import Planning
import XCTest

/// ``PlanDocument/resolveDeferringRanks(tensors:)``: what a `compress --shard` part resolves
/// before it has the other layers' spectra.
final class PlanFileDeferredRanksTests: XCTestCase {
    private let shapes = [("self_attn.q_proj", [16, 16]), ("mlp.up_proj", [40, 16]), ("mlp.down_proj", [16, 40])]

    /// Two blocks; with `spectra`, σᵢ = 1/i (energy ranks differ from 0 and from full rank).
    private func tensors(spectra: Set<String>) -> [PlannedTensor] {
        (0..<2).flatMap { block in
            shapes.map { role, shape in
                let name = "model.layers.\(block).\(role).weight"
                let spectrum = spectra.contains(name) ? Spectrum(tensorName: name, rows: shape[0], columns: shape[1],
                                                                 singularValues: (1...min(shape[0], shape[1])).map { 1 / Double($0) }) : nil
                return PlannedTensor(name: name, block: block, role: role, shape: shape, spectrum: spectrum)
            }
        }
    }

    private let document = """
    {"format": "rankscope-plan", "version": 1, "defaults": {"factor_bits": 8},
     "rules": [{"match": "q_proj", "rank": {"energy": 0.9}}, {"match": "up_proj", "rank": 5},
               {"match": "layers\\\\.1\\\\.mlp\\\\.down", "keep_dense": true, "dense_bits": 8}]}
    """

    func testMatricesWithSpectraResolveExactlyAndOnlyEnergyRulesWithoutOneAreDeferred() throws {
        let plan = try PlanDocument(parsing: Array(document.utf8), file: "p.json")
        let all = Set(tensors(spectra: []).map(\.name))
        let exact = try plan.resolve(tensors: tensors(spectra: all))
        let part: Set = ["model.layers.1.self_attn.q_proj.weight", "model.layers.0.mlp.up_proj.weight"]
        let deferred = try plan.resolveDeferringRanks(tensors: tensors(spectra: part))

        XCTAssertEqual(deferred.unranked, ["model.layers.0.self_attn.q_proj.weight"])
        XCTAssertTrue(exact.unranked.isEmpty)
        for name in all where !deferred.unranked.contains(name) {
            XCTAssertEqual(deferred.choices[name], exact.choices[name], name)
        }
        // The stand-in keeps the kind and bits; only its rank is unknown.
        XCTAssertEqual(deferred.choices["model.layers.0.self_attn.q_proj.weight"], .lowRank(rank: 0, factorBits: 8))
        XCTAssertNotEqual(exact.choices["model.layers.0.self_attn.q_proj.weight"]?.rank, 0)
        XCTAssertThrowsError(try plan.resolve(tensors: tensors(spectra: part)), "without deferring, a missing spectrum is an error")
        XCTAssertFalse(plan.needsEverySpectrum)
    }

    func testProblemsOtherThanAMissingSpectrumStillStopTheResolution() throws {
        let bad = try PlanDocument(parsing: Array(document.replacingOccurrences(of: "\"rank\": 5", with: "\"rank\": 17").utf8), file: "p.json")
        XCTAssertThrowsError(try bad.resolveDeferringRanks(tensors: tensors(spectra: []))) { error in
            XCTAssertTrue(String(describing: error).contains("p.json:2") && String(describing: error).contains("17"), "\(error)")
        }
        let targeted = try PlanDocument(parsing: Array(document.replacingOccurrences(of: "\"defaults\"", with: "\"target\": {\"parameters\": 100}, \"defaults\"").utf8), file: "p.json")
        XCTAssertTrue(targeted.needsEverySpectrum)
    }
}
