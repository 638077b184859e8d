import Foundation
import LinearAlgebra
import Planning
import XCTest

/// Issue 21, class 10: targets far beyond any model's size (bits per weight of 3e12 or 1e300, a
/// byte or parameter count near 2⁶³) keep everything as stored instead of trapping.
final class BudgetAllocatorHugeTargetTests: XCTestCase {
    private func matrix(_ name: String, _ m: Int, _ n: Int) -> PlannedTensor {
        let sigma = (0..<min(m, n)).map { 3 * pow(0.8, Double($0)) }
        return PlannedTensor(name: name, block: 0, role: name, shape: [m, n], storedBits: 16,
                             spectrum: Spectrum(tensorName: name, rows: m, columns: n, singularValues: sigma))
    }

    func testHugeTargetsKeepEveryMatrix() throws {
        // 11008×4096 weights: 3e12 bits per weight of them is about 1.7e19 bytes, beyond Int.max.
        let tensors = [matrix("up", 11008, 4096), matrix("q", 64, 64)]
        let allocator = BudgetAllocator()
        for target in [BudgetTarget.bitsPerWeight(3e12), .bitsPerWeight(1e300), .bitsPerWeight(Double(Int.max)),
                       .bytes(Int.max), .parameters(Int.max)] {
            let allocation = try allocator.allocate(tensors: tensors, target: target)
            XCTAssertEqual(allocation.totals.model.squaredError, 0, "\(target): nothing needs to be cut")
        }
    }
}
