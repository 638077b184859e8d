import XCTest
@testable import Compression

final class FactorNamingTests: XCTestCase {
    func testWeightNamesMapToSequentialLinearPair() {
        let module = FactorNaming.modulePath(ofWeight: "model.layers.3.mlp.up_proj.weight")
        XCTAssertEqual(module, "model.layers.3.mlp.up_proj")
        XCTAssertEqual(FactorNaming.firstFactor(module: "m.p"), "m.p.0.weight")
        XCTAssertEqual(FactorNaming.secondFactor(module: "m.p"), "m.p.1.weight")
        XCTAssertEqual(FactorNaming.bias(module: "m.p"), "m.p.1.bias")
    }

    func testNamesWithoutWeightSuffixHaveNoModule() {
        XCTAssertNil(FactorNaming.modulePath(ofWeight: "model.layers.3.mlp.up_proj.bias"))
        XCTAssertNil(FactorNaming.modulePath(ofWeight: ".weight"))
        XCTAssertNil(FactorNaming.modulePath(ofWeight: "wte"))
    }
}
