@testable import Explorer
import Foundation
import Planning
import SafeTensors
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

    func testTheSelectedMatrixGetsItsEstimateThenItsExactSpectrumThenEveryOtherEstimateComesFirst() throws {
        // Three 1024×1024 matrices (large enough to be estimated) of a decaying spectrum.
        let directory = NSTemporaryDirectory() + "rankscope-feed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let size = 1024
        let tensors = ["q_proj", "k_proj", "v_proj"].enumerated().map { index, role -> (TensorSpec, [UInt8]) in
            var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
            let values = (0..<(size * size)).map { position -> Float in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return (Float(state >> 40) / Float(1 << 24) - 0.5) / Float(position % size + 1).squareRoot()
            }
            return (TensorSpec(name: "model.layers.0.self_attn.\(role).weight", dtype: .F32, shape: [size, size]), values.withUnsafeBytes { Array($0) })
        }
        try SafeTensorsWriter.write(path: directory + "/model.safetensors", tensors: tensors, metadata: ["format": "pt"])
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory + "/model.safetensors"))
        let entries = catalog.compressibleEntries
        let names = entries.map(\.info.name)
        let selected = names[2]
        let feed = SpectrumFeed(engine: SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, workers: 1), kinds: [.weights])
        let inbox = SpectrumInbox()
        feed.start(entries, into: inbox, first: (selected, .weights))
        let deadline = Date().addingTimeInterval(300)
        while !inbox.isComplete && Date() < deadline { usleep(5_000) }
        XCTAssertTrue(inbox.isComplete)
        let delivered = inbox.drain().map { entry -> String in
            switch entry.event {
            case .estimated(let spectrum): return "≈ \(spectrum.tensorName) \(entry.completed)"
            case .finished(let spectrum, _): return "= \(spectrum.tensorName) \(entry.completed)"
            case .failed(let error): return "! \(error.tensorName)"
            }
        }
        let others = names.filter { $0 != selected }
        XCTAssertEqual(delivered, ["≈ \(selected) 0", "= \(selected) 1"] + others.map { "≈ \($0) 1" }
                                  + others.enumerated().map { "= \($1) \($0 + 2)" })
    }
}
