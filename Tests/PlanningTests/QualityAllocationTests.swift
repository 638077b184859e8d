import Foundation
import Planning
import XCTest

/// ``BudgetAllocator/allocate(tensors:target:constraints:lossModel:)`` on synthetic loss models whose
/// optimum is known: every plan is enumerated and priced by the same model.
final class QualityAllocationTests: XCTestCase {
    /// A loss model from a closure; `nil` answers stand for matrices it has no figure for.
    private struct Model: MatrixLossModel {
        let lossDescription = "synthetic loss"
        let figure: @Sendable (String, LayerChoice) -> Double?
        func lossIncrease(matrix: String, choice: LayerChoice) -> Double? { figure(matrix, choice) }
    }

    /// A 12×48 matrix (ranks 0…9 cost less than dense) with singular values 6, 5.5, …, 0.5 times `scale`.
    private func matrix(_ name: String, scale: Double = 1) -> PlannedTensor {
        PlannedTensor(name: name, shape: [12, 48], spectrum: Spectrum(tensorName: name, rows: 12, columns: 48,
                                                                    singularValues: (0..<12).map { scale * Double(12 - $0) * 0.5 }))
    }

    private func unfloored(_ bits: Int = 16, groupSize: Int = 128) -> BudgetAllocator {
        var allocator = BudgetAllocator(factorBits: bits, groupSize: groupSize)
        allocator.minimumRank = .rank(0)
        return allocator
    }

    /// Every combination of dense or rank 0…9 per matrix within `budget` parameters: the least Σ Δloss.
    private func bruteForce(_ names: [String], budget: Int, loss: (String, LayerChoice) -> Double) -> Double {
        let options: [(LayerChoice, Int)] = [(.keep, 576)] + (0...9).map { (.lowRank(rank: $0), $0 * 60) }
        var best = Double.infinity
        func walk(_ index: Int, _ cost: Int, _ sum: Double) {
            guard cost <= budget else { return }
            if index == names.count { best = min(best, sum); return }
            for (choice, price) in options { walk(index + 1, cost + price, sum + loss(names[index], choice)) }
        }
        walk(0, 0, 0)
        return best
    }

    /// Per-matrix sensitivities unrelated to the spectra: convex curves (exact at every budget below two dense
    /// matrices) and a curve that only drops at rank 4 (the hull skips ranks 1–3; never better than the optimum,
    /// never worse by more than one move), against enumeration.
    func testMinimisesPredictedLossAgainstEnumeration() throws {
        let names = ["fragile", "robust", "stepped"]
        let tensors = names.map { matrix($0) }
        let loss: @Sendable (String, LayerChoice) -> Double = { name, choice in
            guard let k = choice.rank else { return 0 }
            switch name {
            case "fragile": return 5 * pow(0.7, Double(k))
            case "robust": return 0.5 * pow(0.5, Double(k))
            default: return k >= 4 ? 0.05 * Double(10 - k) : 3
            }
        }
        let model = Model(figure: loss)
        for ranks in 1...20 {
            let budget = ranks * 60
            let allocation = try unfloored().allocate(tensors: tensors, target: .parameters(budget), lossModel: model)
            let best = bruteForce(names, budget: budget, loss: loss)
            let prediction = try XCTUnwrap(allocation.prediction)
            XCTAssertEqual(prediction.lossDescription, "synthetic loss")
            XCTAssertEqual(prediction.modelledMatrices, 3)
            XCTAssertLessThanOrEqual(allocation.totals.model.parametersAfter, budget)
            let priced = names.reduce(0.0) { $0 + loss($1, allocation.choices[$1] ?? .keep) }
            XCTAssertEqual(prediction.lossIncrease, priced, accuracy: 1e-12, "the prediction prices the returned choices")
            XCTAssertGreaterThanOrEqual(priced, best - 1e-12, "budget \(budget)")
            XCTAssertLessThanOrEqual(priced, best + 3 + 1e-12, "within one move (the largest gain is 3) at budget \(budget)")
            if let uniform = prediction.uniformLossIncrease { XCTAssertLessThanOrEqual(priced, uniform + 1e-12, "never worse than uniform") }
        }
        // Until the first move that does not fit, the greedy is a Lagrangian point: exact at its own cost.
        var lagrangianPoints = 0
        for ranks in 1...20 {
            let allocation = try unfloored().allocate(tensors: tensors, target: .parameters(ranks * 60), lossModel: model)
            guard allocation.fillMoves == 0 else { continue }
            lagrangianPoints += 1
            let priced = names.reduce(0.0) { $0 + loss($1, allocation.choices[$1] ?? .keep) }
            XCTAssertEqual(priced, bruteForce(names, budget: allocation.totals.model.parametersAfter, loss: loss), accuracy: 1e-12, "\(ranks) ranks")
        }
        XCTAssertGreaterThan(lagrangianPoints, 5)
        // At 7 ranks the step pays: 4 to "stepped" (3 → 0.3), 3 to the steepest convex curve.
        let seven = try unfloored().allocate(tensors: tensors, target: .parameters(7 * 60), lossModel: model)
        XCTAssertEqual(seven.choices["stepped"]?.rank, 4)
        XCTAssertEqual(seven.choices["fragile"]?.rank, 3)
        XCTAssertEqual(seven.choices["robust"]?.rank, 0)
    }

    /// The model decides against the proxy: the same spectra, but one matrix 100× as sensitive gets the ranks.
    func testTheModelOverridesTheProxy() throws {
        let tensors = [matrix("a"), matrix("b", scale: 50)]
        let model = Model { name, choice in
            guard let k = choice.rank else { return 0 }
            return (name == "a" ? 100 : 1) * (1 - Double(k) / 12)
        }
        var halfUniform = BudgetAllocator()
        halfUniform.minimumRank = .shareOfUniform(0.5)
        let byProxy = try halfUniform.allocate(tensors: tensors, target: .parameters(8 * 60))
        let byModel = try halfUniform.allocate(tensors: tensors, target: .parameters(8 * 60), lossModel: model)
        XCTAssertEqual(byProxy.choices["a"]?.rank, byProxy.choices["b"]?.rank, "equal relative spectra: equal ranks by the proxy")
        XCTAssertEqual(byModel.choices["a"]?.rank, 6, "all but b's floor (half its uniform rank 4)")
        XCTAssertEqual(byModel.choices["b"]?.rank, 2, "the 50%u floor still holds")
        let byDefault = try BudgetAllocator().allocate(tensors: tensors, target: .parameters(8 * 60), lossModel: model)
        XCTAssertEqual(byDefault.choices, byModel.choices, "with a loss model the default floor (auto) is 50%u however deep the cut")
        XCTAssertNil(byProxy.prediction)
    }

    /// A matrix the model has no figure for stands in by its proxy error times c, fitted on the modelled
    /// ones: with a model that is exactly c × proxy, leaving a matrix out changes nothing.
    func testUnmodelledMatricesUseTheConvertedProxy() throws {
        let tensors = [matrix("a"), matrix("b", scale: 3), matrix("c", scale: 0.2)]
        let spectra = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.spectrum!) })
        // The default objective's proxy for one matrix: tail(k) / (N·E), N = 3; the model says 7 × that.
        let proxyTimesSeven: @Sendable (String, LayerChoice) -> Double? = { name, choice in
            guard let k = choice.rank, let spectrum = spectra[name] else { return 0 }
            return 7 * spectrum.tailEnergy[k] / (3 * spectrum.tailEnergy[0])
        }
        let full = Model(figure: proxyTimesSeven)
        let partial = Model { name, choice in name == "b" ? nil : proxyTimesSeven(name, choice) }
        for ranks in [3, 7, 12, 16] {
            let target = BudgetTarget.parameters(ranks * 60)
            let everything = try unfloored().allocate(tensors: tensors, target: target, lossModel: full)
            let withGap = try unfloored().allocate(tensors: tensors, target: target, lossModel: partial)
            XCTAssertEqual(withGap.choices, everything.choices, "\(ranks) ranks")
            XCTAssertEqual(try XCTUnwrap(withGap.prediction).lossIncrease, try XCTUnwrap(everything.prediction).lossIncrease, accuracy: 1e-12)
            XCTAssertEqual(withGap.prediction?.modelledMatrices, 2)
        }
    }

    /// Under a byte budget the candidates include factor bits and the matrix quantized dense: a model that
    /// finds 4-bit factors harmful never gets them, one that finds 8-bit dense harmless gets 8-bit dense.
    func testBitsAndQuantizedDenseAreCandidates() throws {
        let tensors = [matrix("a"), matrix("b"), matrix("c")]
        var allocator = unfloored(16, groupSize: 16)
        allocator.allowedFactorBits = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, Set([16, 8, 4])) })
        let denseBytes = 3 * 12 * 48 * 2
        let harmfulFour = Model { _, choice in
            switch choice {
            case let .lowRank(rank, bits, _, _, _): return bits == 4 ? 10 : 1 - Double(rank) / 12
            case let .dense(bits, _): return bits == nil || bits == 16 ? 0 : 5
            }
        }
        let result = try allocator.allocate(tensors: tensors, target: .bytes(denseBytes / 3), lossModel: harmfulFour)
        for name in ["a", "b", "c"] {
            if case let .lowRank(_, bits, _, _, _)? = result.choices[name] { XCTAssertNotEqual(bits, 4, name) }
        }
        let harmlessEight = Model { _, choice in
            switch choice {
            case let .lowRank(rank, _, _, _, _): return 1 - Double(rank) / 12
            case let .dense(bits, _): return bits == nil || bits == 16 || bits == 8 ? 0 : 5
            }
        }
        let eight = try allocator.allocate(tensors: tensors, target: .bytes(denseBytes * 7 / 10), lossModel: harmlessEight)
        for name in ["a", "b", "c"] { XCTAssertEqual(eight.choices[name], .dense(bits: 8, groupSize: 16), name) }
        XCTAssertEqual(try XCTUnwrap(eight.prediction).lossIncrease, 0)
        XCTAssertThrowsError(try allocator.allocate(tensors: tensors, target: .relativeError(0.1), lossModel: harmlessEight)) { error in
            XCTAssertTrue("\(error)".contains("size target"), "\(error)")
        }
    }
}
