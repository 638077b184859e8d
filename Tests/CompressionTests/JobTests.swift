import XCTest
import Planning
import SafeTensors
@testable import Compression

/// The job in-process: choices are checked before anything is written, events arrive in the
/// documented order, cancelling keeps a journal a resumed run finishes with the same bytes, and
/// the layers in flight stay within the memory limit.
final class JobTests: XCTestCase {
    private var fixture: JobFixture!

    override func setUpWithError() throws { fixture = try JobFixture() }
    override func tearDown() { fixture.remove() }

    func testAnUnknownLayerOrANonMatrixIsRefusedBeforeAnythingIsWritten() throws {
        let settings = fixture.settings("out")
        XCTAssertThrowsError(try CompressionJob(checkpoint: fixture.checkpoint(), choices: ["model.layers.9.mlp.up_proj.weight": .lowRank(rank: 2)],
                                                settings: settings)) { error in
            XCTAssertEqual(error as? JobError, .unknownLayer(checkpoint: fixture.modelFolder, tensor: "model.layers.9.mlp.up_proj.weight"))
        }
        XCTAssertThrowsError(try CompressionJob(checkpoint: fixture.checkpoint(), choices: [JobFixture.norm: .lowRank(rank: 2)], settings: settings)) { error in
            XCTAssertTrue("\(error)".contains("not a floating-point matrix") && "\(error)".contains(JobFixture.norm), "\(error)")
        }
        XCTAssertThrowsError(try CompressionJob(checkpoint: fixture.checkpoint(), choices: [JobFixture.up: .lowRank(rank: 25)], settings: settings)) { error in
            XCTAssertTrue("\(error)".contains(JobFixture.up), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: settings.outputFolder))
    }

    func testEventsArriveInTheDocumentedOrder() throws {
        let job = try CompressionJob(checkpoint: fixture.checkpoint(), choices: JobFixture.choices, settings: fixture.settings("out", jobs: 2))
        let recorder = EventRecorder()
        let report = try job.run { recorder.append($0) }
        let events = recorder.events
        XCTAssertEqual(events.first, .started(layers: 2, resumed: 0, outputFolder: fixture.directory + "/out"))
        XCTAssertEqual(events.last, .finished(report))
        let finished = events.compactMap { event -> Int? in
            if case let .layerFinished(_, completed, total) = event { XCTAssertEqual(total, 2); return completed }
            return nil
        }
        XCTAssertEqual(finished, [1, 2])
        let shards = events.filter { if case .writingShard = $0 { return true } else { return false } }
        XCTAssertEqual(shards.count, report.shards.count)
        XCTAssertGreaterThan(report.shards.count, 1, "the 1 KB limit splits the output")
        XCTAssertEqual(report.layers.map(\.name), [JobFixture.up, JobFixture.query], "checkpoint order")
        XCTAssertEqual(report.layers.map(\.bytesWritten), [5 * (40 + 24) * 4, 3 * (24 + 24) * 4], "F32 factors: k(m+n) values of 4 bytes")
    }

    func testACancelledJobResumesToTheSameBytes() throws {
        let reference = try CompressionJob(checkpoint: fixture.checkpoint(), choices: JobFixture.choices, settings: fixture.settings("reference"))
        _ = try reference.run()

        let first = try CompressionJob(checkpoint: fixture.checkpoint(), choices: JobFixture.choices, settings: fixture.settings("resumed"))
        XCTAssertThrowsError(try first.run { event in
            if case .layerFinished = event { first.cancel() }
        }) { error in
            XCTAssertEqual(error as? JobError, .cancelled(folder: fixture.directory + "/resumed", completed: 1, total: 2))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/resumed")
        XCTAssertEqual(Set(leftovers), [".rankscope-job", ".rankscope.lock"], "a cancelled job leaves its journal (and lock file) and no output")

        let refused = try CompressionJob(checkpoint: fixture.checkpoint(), choices: JobFixture.choices, settings: fixture.settings("resumed"))
        XCTAssertThrowsError(try refused.run()) { XCTAssertEqual($0 as? JobError, .outputExists(folder: fixture.directory + "/resumed")) }
        let otherPlan = try CompressionJob(checkpoint: fixture.checkpoint(), choices: [JobFixture.up: .lowRank(rank: 2)],
                                           settings: fixture.settings("resumed", resume: true))
        XCTAssertThrowsError(try otherPlan.run()) { XCTAssertEqual($0 as? JobError, .journalMismatch(folder: fixture.directory + "/resumed")) }

        let second = try CompressionJob(checkpoint: fixture.checkpoint(), choices: JobFixture.choices, settings: fixture.settings("resumed", resume: true))
        let report = try second.run()
        XCTAssertEqual(report.layers.map(\.resumed), [true, false])
        XCTAssertEqual(try JobFixture.files(in: fixture.directory + "/resumed"), try JobFixture.files(in: fixture.directory + "/reference"))
    }

    func testUntouchedTensorsAreCopiedAndTheBiasRenamed() throws {
        let checkpoint = try fixture.checkpoint()
        _ = try CompressionJob(checkpoint: checkpoint, choices: JobFixture.choices, settings: fixture.settings("out", shardSize: 1 << 30)).run()
        let output = try Checkpoint(path: fixture.directory + "/out")
        XCTAssertEqual(output.files.count, 1)
        let bias = try XCTUnwrap(output.tensor(named: "model.layers.0.self_attn.q_proj.1.bias"))
        XCTAssertNil(output.tensor(named: JobFixture.queryBias))
        XCTAssertNil(output.tensor(named: JobFixture.up))
        let original = try XCTUnwrap(checkpoint.tensor(named: JobFixture.queryBias))
        XCTAssertEqual(try output.withBytes(of: bias) { Array($0) }, try checkpoint.withBytes(of: original) { Array($0) })
        let norm = try XCTUnwrap(output.tensor(named: JobFixture.norm))
        XCTAssertEqual(norm.info.dtype, .F16)
        XCTAssertEqual(try output.withBytes(of: norm) { Array($0) }, [UInt8](repeating: 0x3C, count: 48))
        XCTAssertEqual(output.tensor(named: "model.layers.0.mlp.up_proj.0.weight")?.info.shape, [5, 24])
        XCTAssertEqual(output.tensor(named: "model.layers.0.mlp.up_proj.1.weight")?.info.shape, [40, 5])
        XCTAssertEqual(output.config?.raw["rankscope"]?.objectValue?["layers"]?.objectValue?.keys,
                       ["model.layers.0.mlp.up_proj", "model.layers.0.self_attn.q_proj"])
    }

    func testQuantizedAndCalderaLayersAreWrittenUnderTheDocumentedNames() throws {
        let choices: [String: LayerChoice] = [
            JobFixture.up: .lowRank(rank: 4, factorBits: 4, groupSize: 8, backboneBits: 2),
            JobFixture.query: .dense(bits: 8, groupSize: 8),
        ]
        let report = try CompressionJob(checkpoint: fixture.checkpoint(), choices: choices, settings: fixture.settings("out")).run()
        XCTAssertEqual(report.layers.map(\.method), ["caldera", "dense"])
        XCTAssertEqual(report.layers.map(\.bits), [4, 8])
        let output = try Checkpoint(path: fixture.directory + "/out")
        let up = "model.layers.0.mlp.up_proj", query = "model.layers.0.self_attn.q_proj"
        let quantized = { (prefix: String) in ["qweight", "scales", "zeros"].map { "\(prefix).\($0)" } }
        let expected = quantized(up + ".0") + quantized(up + ".1") + quantized(up + ".backbone") + quantized(query)
            + [JobFixture.queryBias, JobFixture.norm]
        XCTAssertEqual(Set(output.tensors.map(\.name)), Set(expected), "a quantized dense layer keeps its bias name; only factors move it")
    }

    func testTheSchedulerKeepsTheLayersInFlightWithinTheLimit() throws {
        let layers = try JobLayer.layers(of: fixture.checkpoint(), choices: JobFixture.choices, singularValues: [:])
        let many = (0..<12).map { JobLayer(ordinal: $0, tensor: layers[$0 % 2].tensor, choice: layers[$0 % 2].choice, module: "m\($0)", singularValues: nil) }
        for (limit, expectedPeak) in [(10, 1), (20, 2), (1_000, 4)] {
            let scheduler = LayerScheduler(many, limit: limit) { _ in 10 }
            let meter = ConcurrencyMeter()
            let group = DispatchGroup()
            for _ in 0..<4 {
                group.enter()
                Thread {
                    while let layer = scheduler.next() {
                        meter.enter()
                        usleep(5_000)
                        meter.leave()
                        scheduler.finished(layer)
                    }
                    group.leave()
                }.start()
            }
            group.wait()
            XCTAssertEqual(meter.peak, expectedPeak, "limit \(limit) with 10 bytes per layer")
            XCTAssertEqual(meter.total, 12)
        }
    }
}

/// Collects events from the job's threads.
private final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [JobEvent] = []
    func append(_ event: JobEvent) { lock.lock(); stored.append(event); lock.unlock() }
    var events: [JobEvent] { lock.lock(); defer { lock.unlock() }; return stored }
}

/// Counts how many workers are inside at once.
private final class ConcurrencyMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0
    private(set) var total = 0
    func enter() { lock.lock(); current += 1; total += 1; peak = max(peak, current); lock.unlock() }
    func leave() { lock.lock(); current -= 1; lock.unlock() }
}
