import Foundation
import Planning
import XCTest

/// Candidates a person would accept: no rank whose factors cost at least the dense matrix at the
/// same bits, and an F32 matrix's dense candidate is the 16-bit matrix, not the F32 one.
final class BreakEvenTests: XCTestCase {
    private func matrix(_ name: String, _ m: Int, _ n: Int, storedBits: Int, decay: Double) -> PlannedTensor {
        let sigma = (0..<min(m, n)).map { 10 * exp(-Double($0) / decay) }
        return PlannedTensor(name: name, shape: [m, n], storedBits: storedBits,
                             spectrum: Spectrum(tensorName: name, rows: m, columns: n, singularValues: sigma))
    }

    func testTheBreakEvenRankIsTheFirstRankCostingTheDenseMatrix() {
        for (m, n, bits, group, backbone) in [(40, 24, 16, 128, nil), (40, 24, 8, 16, nil), (64, 48, 4, 7, nil), (24, 24, 3, 8, 2), (30, 50, 16, 8, 3)] as [(Int, Int, Int, Int, Int?)] {
            let first = BreakEven.rank(rows: m, columns: n, factorBits: bits, groupSize: group)
            let dense = GroupQuantization.denseBytes(rows: m, columns: n, bits: bits, groupSize: group)
            func cost(_ k: Int) -> Int {  // the factors alone (a backbone is paid at every rank)
                let tensor = PlannedTensor(name: "w.weight", shape: [m, n])
                return try! LayerEstimate(tensor: tensor, choice: .lowRank(rank: k, factorBits: bits, groupSize: group)).bytesAfter
            }
            if first <= min(m, n) { XCTAssertGreaterThanOrEqual(cost(first), dense, "\(m)×\(n) at \(bits)") }
            if first > 0 { XCTAssertLessThan(cost(first - 1), dense, "\(m)×\(n) at \(bits)") }
            let tensor = PlannedTensor(name: "w.weight", shape: [m, n])
            let choice = LayerChoice.lowRank(rank: min(first, min(m, n)), factorBits: bits, groupSize: group, backboneBits: backbone)
            XCTAssertEqual(BreakEven.warning(tensor: tensor, choice: choice) != nil, first <= min(m, n))
            if first > 0 {
                XCTAssertNil(BreakEven.warning(tensor: tensor, choice: .lowRank(rank: first - 1, factorBits: bits, groupSize: group, backboneBits: backbone)))
            }
        }
    }

    /// An F32 model with a byte budget: the allocator used to buy full-rank 16-bit factors (cheaper
    /// than the F32 matrix); now every rank it picks is below break-even at its bits, and a matrix
    /// it keeps dense is kept at 16 bits.
    func testTheAllocatorNeverPicksARankPastBreakEvenAndOffers16BitDense() throws {
        let tensors = [matrix("a.weight", 40, 24, storedBits: 32, decay: 30), matrix("b.weight", 40, 24, storedBits: 32, decay: 2),
                       matrix("c.weight", 48, 32, storedBits: 32, decay: 6)]
        let storedBytes = tensors.reduce(0) { $0 + $1.storedBytes }
        for bits in [16, 8, 4] {
            for share in [0.3, 0.45, 0.55, 0.7] {
                let allocator = BudgetAllocator.squaredError(factorBits: bits, groupSize: 16)
                let allocation = try allocator.allocate(tensors: tensors, target: .bytes(Int(Double(storedBytes) * share)))
                for tensor in tensors {
                    let choice = try XCTUnwrap(allocation.choices[tensor.name])
                    XCTAssertNil(BreakEven.warning(tensor: tensor, choice: choice), "\(bits) bits, \(share): \(choice)")
                    XCTAssertNotEqual(choice, .keep, "an F32 matrix kept dense is kept at 16 bits (\(bits), \(share))")
                }
            }
        }
        // With room for everything dense at 16 bits, nothing is factorized and nothing is lost.
        let roomy = try BudgetAllocator.squaredError().allocate(tensors: tensors, target: .bytes(storedBytes / 2))
        XCTAssertEqual(Set(roomy.choices.values), [.dense(bits: 16, groupSize: 128)])
        XCTAssertEqual(roomy.totals.model.relativeError, 0)
    }

    /// Quantized dense is a candidate of its own: a flat spectrum (no rank pays) under a budget that
    /// fits 8-bit dense but not 16-bit dense gets the 8-bit dense matrix, with its error c(8, n)·E;
    /// a steep one keeps factors. The total error is the least over every mix of candidates.
    func testQuantizedDenseIsACandidateOfItsOwn() throws {
        let flat = matrix("flat.weight", 48, 32, storedBits: 16, decay: 1e6)
        let steep = matrix("steep.weight", 48, 32, storedBits: 16, decay: 1.5)
        let tensors = [flat, steep]
        let allocator = BudgetAllocator.squaredError(factorBits: 8, groupSize: 16)
        // 55% of the 16-bit model: 8-bit dense is 62.5% (1920 of 3072 bytes each), and keeping the
        // flat matrix leaves the steep one 3 ranks (error ≈ 2.5 against ≈ 0.05 with the flat at 8 bits).
        let budget = 2 * (2 * 48 * 32) * 55 / 100
        let allocation = try allocator.allocate(tensors: tensors, target: .bytes(budget))
        XCTAssertEqual(allocation.choices[flat.name], .dense(bits: 8, groupSize: 16), "\(allocation.choices)")
        XCTAssertLessThanOrEqual(allocation.totals.model.bytesAfter, budget)
        // Brute force over keep, 8-bit dense and every rank below break-even at 8 bits, per matrix.
        var best = Double.infinity
        func candidates(_ tensor: PlannedTensor) -> [LayerChoice] {
            let first = BreakEven.rank(rows: 48, columns: 32, factorBits: 8, groupSize: 16)
            return [.keep, .dense(bits: 8, groupSize: 16)] + (0..<min(first, 33)).map { .lowRank(rank: $0, factorBits: 8, groupSize: 16) }
        }
        for a in candidates(flat) {
            for b in candidates(steep) {
                let totals = try PlanTotals(tensors: tensors, choices: [flat.name: a, steep.name: b]).model
                if totals.bytesAfter <= budget { best = min(best, totals.squaredError) }
            }
        }
        XCTAssertEqual(allocation.totals.model.squaredError, best, accuracy: best * 0.02 + 1e-12, "within a rank's step of the best mix")
    }
}
