@testable import Explorer
import Foundation
import Planning
import XCTest

/// The explorer's one feed: both kinds through one engine run, the selected matrix first.
final class SpectrumFeedTests: XCTestCase {
    func testTheSelectedMatrixOfTheShownKindComesFirstAndEveryKindFollows() throws {
        let catalog = try ExplorerFixture.catalog(blocks: 3)
        let (statistics, _) = try DataAwareFixture.statistics(for: catalog)
        let entries = catalog.compressibleEntries
        let last = entries[entries.count - 1].info.name
        let feed = SpectrumFeed(engine: SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics, workers: 1),
                                kinds: [.weights, .dataAware])
        let inbox = SpectrumInbox()
        feed.start(entries, into: inbox, first: (last, .dataAware))
        let deadline = Date().addingTimeInterval(60)
        while !inbox.isComplete && Date() < deadline { usleep(5_000) }
        XCTAssertTrue(inbox.isComplete)
        let delivered = inbox.drain().map { entry -> String in
            guard case .finished(let spectrum, _) = entry.event else { return "failed" }
            return "\(entry.kind.name) \(spectrum.tensorName) \(entry.completed)/\(entry.total)"
        }
        // One worker: the order asked is the order done.
        XCTAssertEqual(delivered.first, "data-aware \(last) 1/\(entries.count)")
        XCTAssertEqual(Array(delivered.dropFirst().prefix(entries.count)),
                       entries.enumerated().map { "weights \($1.info.name) \($0 + 1)/\(entries.count)" })
        XCTAssertEqual(delivered.count, 2 * entries.count)
    }
}
