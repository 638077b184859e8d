import XCTest
import SafeTensors
@testable import Compression

/// Shards are cut as Transformers' `save_pretrained` cuts them and named as it names them.
final class OutputShardPlanTests: XCTestCase {
    /// An entry of `bytes` bytes (U8 elements) called `name`.
    private func entry(_ name: String, _ bytes: Int) -> OutputEntry {
        let info = TensorInfo(name: name, dtype: .U8, shape: [bytes])!
        return OutputEntry(name: name, dtype: .U8, shape: [bytes], byteCount: bytes, source: .input(CheckpointTensor(info: info, fileIndex: 0)))
    }

    private func names(_ plan: ShardPlan) -> [[String]] { plan.shards.map { $0.map(\.name) } }

    func testANewShardStartsWhenTheNextTensorWouldPassTheLimit() {
        let plan = ShardPlan([entry("a", 4), entry("b", 4), entry("c", 4), entry("d", 1)], maxShardSize: 8)
        XCTAssertEqual(names(plan), [["a", "b"], ["c", "d"]], "4+4 reaches the limit exactly and stays; 4+4+4 would pass it")
    }

    func testATensorLargerThanTheLimitGetsAShardOfItsOwn() {
        let plan = ShardPlan([entry("a", 3), entry("big", 20), entry("b", 3)], maxShardSize: 8)
        XCTAssertEqual(names(plan), [["a"], ["big"], ["b"]])
    }

    func testNoTensorsStillMakeOneShard() {
        XCTAssertEqual(ShardPlan([], maxShardSize: 8).shards.count, 1)
    }

    func testShardNamesCountFromOneWithFiveDigits() {
        let plan = ShardPlan([entry("a", 5), entry("b", 5), entry("c", 5)], maxShardSize: 5)
        XCTAssertEqual(plan.shards.indices.map(plan.fileName), [
            "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors",
        ])
        XCTAssertEqual(ShardPlan.fileName(12, of: 123456), "model-00012-of-123456.safetensors")
    }
}
