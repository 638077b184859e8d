import Foundation
import Planning
import XCTest

/// Budgets as people state them: `90%` of the whole model and `90%lin` of its linear matrices,
/// read the same by `plan --target-params`, the budget panel and plan files.
final class ParameterShareTests: XCTestCase {
    /// 2·(40·24) linear parameters, a 10×4 embedding and a 24-vector: 1920 + 40 + 24 = 1984 in all.
    private let tensors: [PlannedTensor] = {
        func linear(_ name: String, seed: Double) -> PlannedTensor {
            let sigma = (0..<24).map { 10 * exp(-Double($0) / (4 + seed)) }
            return PlannedTensor(name: name, shape: [40, 24], storedBits: 16,
                                 spectrum: Spectrum(tensorName: name, rows: 40, columns: 24, singularValues: sigma))
        }
        return [PlannedTensor(name: "embed", kind: .embedding, shape: [10, 4], storedBits: 16),
                linear("a.weight", seed: 0), linear("b.weight", seed: 3),
                PlannedTensor(name: "norm", kind: .norm, shape: [24], storedBits: 16)]
    }()

    func testSharesParseAndResolveToCounts() throws {
        XCTAssertEqual(QuantityParser.parameterTarget("90%"), .parameterShare(ParameterShare(percent: 90, ofLinear: false)!))
        XCTAssertEqual(QuantityParser.parameterTarget(" 45.5 %LIN "), .parameterShare(ParameterShare(percent: 45.5, ofLinear: true)!))
        XCTAssertEqual(QuantityParser.parameterTarget("13.2B"), .parameters(13_200_000_000))
        for bad in ["0.9", "0%", "101%", "90%lina", "%", "-5%", "90 percent", "1e3%"] {
            XCTAssertNil(QuantityParser.parameterTarget(bad), bad)
        }
        XCTAssertEqual(ParameterShare(percent: 90, ofLinear: false)!.count(in: tensors), 1785)  // ⌊0.9·1984⌋
        XCTAssertEqual(ParameterShare(percent: 90, ofLinear: true)!.count(in: tensors), 64 + 1728)  // 64 + ⌊0.9·1920⌋
        XCTAssertEqual(ParameterShare(percent: 50, ofLinear: true)!.text, "50%lin")
        XCTAssertEqual(BudgetTarget.parameterShare(ParameterShare(percent: 90, ofLinear: false)!).description, "90% of the model's parameters")
    }

    func testTheAllocatorMeetsAShareAsItsCount() throws {
        for share in [ParameterShare(percent: 60, ofLinear: false)!, ParameterShare(percent: 60, ofLinear: true)!] {
            let byShare = try BudgetAllocator().allocate(tensors: tensors, target: .parameterShare(share))
            let byCount = try BudgetAllocator().allocate(tensors: tensors, target: .parameters(share.count(in: tensors)))
            XCTAssertEqual(byShare.choices, byCount.choices)
            XCTAssertLessThanOrEqual(byShare.totals.model.parametersAfter, share.count(in: tensors))
            XCTAssertEqual(byShare.target, .parameters(share.count(in: tensors)), "the allocation states the count it met")
        }
    }

    func testPlanFilesKeepTheShareAsWritten() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/plan.json"
        let document = PlanDocument(checkpoint: nil, target: .parameterShare(ParameterShare(percent: 75, ofLinear: true)!))
        try document.write(to: path)
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains(#""parameters": "75%lin""#))
        XCTAssertEqual(try PlanDocument.load(path: path).target, document.target)
        try Data(#"{"format": "rankscope-plan", "version": 1, "target": {"parameters": "90%"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try PlanDocument.load(path: path).target, .parameterShare(ParameterShare(percent: 90, ofLinear: false)!))
    }
}
