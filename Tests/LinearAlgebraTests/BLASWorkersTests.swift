import Foundation
import LinearAlgebra
import XCTest

final class BLASWorkersTests: XCTestCase {
    func testWorkersAreCountedUntilTheyReturnAndWaitUntilIdleWaitsForThem() {
        let release = DispatchSemaphore(value: 0)
        let finished = Finished()
        for _ in 0..<3 {
            BLASWorkers.start {
                release.wait()
                finished.add()
            }
        }
        XCTAssertGreaterThanOrEqual(BLASWorkers.inFlight, 3, "other tests' workers may still be counted too")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { for _ in 0..<3 { release.signal() } }
        BLASWorkers.waitUntilIdle()
        XCTAssertEqual(finished.count, 3, "waitUntilIdle returned before every worker had")
        XCTAssertEqual(BLASWorkers.inFlight, 0)
    }
}

private final class Finished: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func add() {
        lock.lock()
        value += 1
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
