import Foundation
import GGUF
import Planning
import SafeTensors
import TerminalUI

/// The explorer's event loop over any ``TerminalBackend``: computes spectra in the background,
/// folds their results into the ``ExplorerState`` each frame, dispatches keys through
/// ``KeyMap``, and redraws after every key, resize or batch of results.
///
/// One ``SpectrumFeed`` computes every spectrum: the weights' and, with activation statistics,
/// the data-aware ones (of `W·S`, cached apart by the statistics' fingerprint) queued after
/// them, with the selected row of the shown kind moved to the front of the queue as the cursor
/// moves; with statistics, a compression job gets `--stats FILE` too.
///
/// Spectra arrive on worker threads and are queued in a locked inbox; only the loop's thread
/// touches the state. Keys go to ``ExplorerState/press(_:live:)``, whose update lists effects
/// (save or open a plan, start or cancel the job) that ``perform(_:)`` carries out here, feeding
/// what came of each back through ``ExplorerState/receive(_:)-(EffectResult)``. Keys that arrive
/// together (a paste) are applied as one burst with one redraw. A compression job runs as a
/// child process through a ``CompressionRunner`` whose lines are folded in like spectra; without
/// a runner the key says compression is unavailable. Quitting (or a signal the backend reports
/// as its ``TerminalUI/TerminalBackend/terminationRequest``) cancels the spectra and the job,
/// restores the terminal at once, then waits for the spectrum workers to leave the BLAS call
/// they are in (``finish()``).
public final class ExplorerApp {
    /// The state as of the last frame.
    public private(set) var state: ExplorerState
    private let backend: TerminalBackend
    private let feed: SpectrumFeed
    /// The row and kind last moved to the front of the queue.
    private var prioritized: (name: String, kind: SpectrumKind)?
    private let inbox = SpectrumInbox()
    private var started = false
    private var needsRedraw = true
    private let runner: CompressionRunner?
    private var jobPlanPath: String?
    private let evaluator: EvaluationRunner?
    private var measurePlanPath: String?

    /// Where ``finish()`` keeps the plan's unsaved changes when a signal ends the explorer (nil:
    /// nowhere); `rankscope tui` passes `$XDG_STATE_HOME/rankscope/unsaved-plans`.
    public var unsavedPlanDirectory: String?

    /// The plan file ``finish()`` wrote there, nil when it wrote none.
    public private(set) var unsavedPlanPath: String?

    /// Why ``finish()`` could not write the unsaved plan (one sentence), nil when it did or had no need to.
    public private(set) var unsavedPlanProblem: String?

    /// Called by ``finish()`` once the terminal is given back, before waiting for background
    /// work (`rankscope tui` says there, if it takes a while, what it is waiting for).
    public var whenStopping: () -> Void = {}

    /// How long `run()` waits for a key before looking at the inbox again (milliseconds).
    public static let keyTimeout = 100

    /// The most keys one burst applies before redrawing (a paste arrives as one burst).
    public static let burstLimit = 65_536

    /// An app over `catalog`, drawing on `backend`, caching spectra in `cache` (nil: none),
    /// starting from `plan` when given (applied once the spectra its energy rules need are in),
    /// drawing in `theme`'s colours, compressing through `runner` (nil: no compression).
    ///
    /// With `statistics` (checked against the checkpoint beforehand, see
    /// `ActivationStatistics.requireStatistics(for:of:)`), data-aware spectra are queued after
    /// the plain ones, cached in `cache` under the statistics' fingerprint, `D`
    /// switches between the kinds, and `runner`'s command gets `--stats FILE`.
    ///
    /// With `evaluator` (`rankscope eval` over a text), `v` measures the current plan in the
    /// background (data-aware with `statistics`, as the compression job); with `sensitivity` (a
    /// profile checked against the checkpoint), the top line and the budget panel show the
    /// predicted quality.
    public init(catalog: LayerCatalog, backend: TerminalBackend, cache: SpectrumCache?, workers: Int? = nil,
                plan: PlanDocument? = nil, theme: Theme = .builtInDefault, runner: CompressionRunner? = nil,
                statistics: ActivationStatistics? = nil, evaluator: EvaluationRunner? = nil, sensitivity: SensitivityProfile? = nil) {
        self.runner = runner.map { runner in
            statistics.map { CompressionRunner(command: CompressionRunner.compressCommand(runner.command, statisticsPath: $0.path)) } ?? runner
        }
        self.evaluator = evaluator.map { evaluator in statistics.map { evaluator.with(statisticsPath: $0.path) } ?? evaluator }
        state = ExplorerState(catalog: catalog)
        state.styles = PaneStyles(theme: theme)
        if let statistics { state.expectDataAwareSpectra(statisticsPath: statistics.path) }
        if let evaluator { state.expectMeasurements(textPath: evaluator.textPath) }
        if let sensitivity { state.expectPredictions(from: sensitivity) }
        if let plan { state.apply(plan) }
        self.backend = backend
        feed = SpectrumFeed(engine: SpectrumEngine(checkpoint: catalog.checkpoint, cache: cache, statistics: statistics, workers: workers),
                            kinds: statistics == nil ? [.weights] : [.weights, .dataAware])
    }

    /// Opens `path` and runs the explorer on `backend` until the user quits, with the default
    /// spectrum cache. Throws `SafeTensorsError` or `GGUFError` when the checkpoint cannot be opened (after
    /// restoring the terminal). Prefer opening the checkpoint before creating a curses backend,
    /// as `rankscope tui` does, so the error prints on a normal screen.
    public static func run(path: String, backend: TerminalBackend) throws {
        let catalog: LayerCatalog
        do {
            catalog = LayerCatalog(checkpoint: try Checkpoint.opening(path: path))
        } catch {
            backend.restore()
            throw error
        }
        ExplorerApp(catalog: catalog, backend: backend,
                    cache: SpectrumCache(directory: SpectrumCache.defaultDirectory())).run()
    }

    /// Starts the background spectra (once): plain, then data-aware when there are statistics,
    /// the selected row first.
    public func start() {
        guard !started else { return }
        started = true
        let selected = state.selectedEntry.map { (name: $0.info.name, kind: state.spectrumKind) }
        prioritized = selected
        feed.start(state.entries, into: inbox, first: selected)
    }

    /// Moves the selected row's spectrum of the shown kind to the front of the queue when the
    /// selection or the kind changed since the last call.
    private func prioritizeSelection() {
        guard started, let name = state.selectedEntry?.info.name else { return }
        if let last = prioritized, last.name == name, last.kind == state.spectrumKind { return }
        prioritized = (name, state.spectrumKind)
        feed.prioritize(name, kind: state.spectrumKind)
    }

    /// Runs until the user quits or the backend reports a termination request that ends the
    /// explorer (``answerTerminationRequest()``), then ``finish()``es.
    public func run() {
        start()
        defer { finish() }
        while !state.shouldQuit && !answerTerminationRequest() {
            step(timeout: ExplorerApp.keyTimeout)
        }
    }

    /// Looks at the backend's termination request and returns true when it ends the explorer.
    /// A Ctrl-C (SIGINT) with unsaved changes or a running job opens the quit dialog instead
    /// (``ExplorerState/askBeforeInterrupting()``), is acknowledged and redrawn, and returns false;
    /// a second Ctrl-C in the dialog, SIGTERM and SIGHUP (nobody may be there to answer) end it,
    /// ``finish()`` then writing unsaved changes to ``unsavedPlanDirectory``.
    public func answerTerminationRequest() -> Bool {
        guard let signal = backend.terminationRequest else { return false }
        guard signal == SIGINT, state.askBeforeInterrupting() else { return true }
        backend.acknowledgeTerminationRequest()
        redraw()
        return false
    }

    /// One turn of the loop: fold in arrived spectra, redraw if anything changed, then wait up
    /// to `timeout` ms for a key and apply it with every key already waiting behind it.
    public func step(timeout: Int) {
        absorbSpectra()
        absorbJob()
        absorbMeasurement()
        if needsRedraw { redraw() }
        guard let key = backend.readKey(timeout: timeout) else { return }
        var burst = [key]
        while burst.count < ExplorerApp.burstLimit, let next = backend.readKey(timeout: 0) { burst.append(next) }
        handle(burst)
    }

    /// Applies one key (or resize) and redraws.
    public func handle(_ key: KeyEvent) { handle([key]) }

    /// Applies keys that arrived together, performing their effects, then redraws once. The
    /// filter prompt filters once, after the last key (``ExplorerState/press(_:live:)``).
    public func handle(_ keys: [KeyEvent]) {
        for (i, key) in keys.enumerated() where !state.shouldQuit {
            perform(state.press(key, live: i == keys.count - 1).effects)
        }
        prioritizeSelection()
        needsRedraw = true
        absorbSpectra()
        absorbJob()
        absorbMeasurement()
        redraw()
    }

    /// Draws the current state at the backend's current size.
    public func redraw() {
        let size = backend.size
        backend.draw(ExplorerView.frame(&state, width: size.width, height: size.height))
        needsRedraw = false
    }

    /// Blocks until every spectrum is done (or `timeout` seconds pass), folds them in and
    /// redraws; returns true when complete. Meant for tests and scripted use.
    @discardableResult
    public func waitForSpectra(timeout: TimeInterval = 60) -> Bool {
        start()
        let deadline = Date().addingTimeInterval(timeout)
        while !inbox.isComplete && Date() < deadline { usleep(5_000) }
        absorbSpectra()
        redraw()
        return inbox.isComplete
    }

    /// Cancels the spectra and the background jobs, gives the terminal back first (the user
    /// sees the shell at once), calls ``whenStopping``, then waits up to 10 s for the jobs' child
    /// processes and, without a limit, for the spectrum run to end: its workers out of the
    /// BLAS call they were in (the process must not exit before, see
    /// ``LinearAlgebra/BLASWorkers``) and the spectra computed so far written to the cache, so
    /// quitting mid-computation loses no finished work.
    public func finish() {
        feed.cancel()
        runner?.cancel()
        evaluator?.cancel()
        if backend.terminationRequest != nil { keepUnsavedPlan() }
        backend.restore()
        whenStopping()
        let jobDeadline = Date().addingTimeInterval(10)
        while (runner?.isRunning == true || evaluator?.isRunning == true) && Date() < jobDeadline { usleep(10_000) }
        removeJobPlan()
        removeMeasurePlan()
        guard started else { return }
        while !inbox.isComplete { usleep(5_000) }
    }

    /// Writes the current plan to a new file in ``unsavedPlanDirectory`` when it has unsaved
    /// changes (``unsavedPlanPath``, or ``unsavedPlanProblem`` when that fails).
    private func keepUnsavedPlan() {
        guard state.hasUnsavedChanges, let directory = unsavedPlanDirectory else { return }
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current,
                                                formatOptions: [.withFullDate, .withTime, .withDashSeparatorInDate])
        let path = directory + "/" + ExplorerApp.fileSafe(URL(fileURLWithPath: state.title).lastPathComponent) + "-" + stamp + ".json"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try state.planDocument(file: path).write(to: path)
            unsavedPlanPath = path
        } catch {
            unsavedPlanProblem = "the plan's unsaved changes could not be written to \(path): \(error)"
        }
    }

    /// `name` with every character but letters, digits, `.`, `-` and `_` replaced by `_`.
    private static func fileSafe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
    }

    /// Blocks until the compression job ends (or `timeout` seconds pass), folds in its lines and
    /// redraws; returns true when it ended. Meant for tests and scripted use.
    @discardableResult
    public func waitForJob(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while state.job?.isRunning == true && Date() < deadline {
            absorbJob()
            usleep(10_000)
        }
        redraw()
        return state.job?.isRunning == false
    }

    /// Blocks until the running measurement ends (or `timeout` seconds pass), folds in its lines
    /// and redraws; returns true when none runs. Meant for tests and scripted use.
    @discardableResult
    public func waitForMeasurement(timeout: TimeInterval = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while state.runningMeasurement != nil && Date() < deadline {
            absorbMeasurement()
            usleep(10_000)
        }
        redraw()
        return state.runningMeasurement == nil
    }

    /// Carries out `effects` in order, feeding what came of each back to the state.
    public func perform(_ effects: [ExplorerEffect]) {
        for effect in effects {
            if let result = perform(effect) { state.receive(result) }
        }
    }

    private func perform(_ effect: ExplorerEffect) -> EffectResult? {
        switch effect {
        case let .savePlan(document, path):
            do {
                try document.write(to: path, with: state.outputGuard)
                return .planSaved(path: path)
            } catch {
                return .planNotSaved(path: path, reason: "\(error)")
            }
        case .openPlan(let path):
            do {
                return .planOpened(try PlanDocument.load(path: path))
            } catch {
                return .planNotOpened(reason: "\(error)")
            }
        case .cancelJob:
            runner?.cancel()
            return nil
        case .startJob(let folder):
            guard let runner else { return .jobNotStarted(reason: "this explorer was opened without the compress command.") }
            removeJobPlan()
            let planPath = NSTemporaryDirectory() + "rankscope-job-\(getpid())-\(UUID().uuidString.prefix(8)).json"
            do {
                try state.planDocument(file: planPath).write(to: planPath)
                jobPlanPath = planPath
                try runner.start(checkpoint: state.title, planPath: planPath, outputFolder: folder)
                return nil
            } catch {
                return .jobNotStarted(reason: "could not launch \(runner.command.joined(separator: " ")): \(error)")
            }
        case .measurePlan(let document):
            guard let evaluator else { return .measurementNotStarted(reason: "this explorer was opened without the eval command.") }
            removeMeasurePlan()
            let planPath = NSTemporaryDirectory() + "rankscope-measure-\(getpid())-\(UUID().uuidString.prefix(8)).json"
            do {
                try document.write(to: planPath)
                measurePlanPath = planPath
                try evaluator.start(checkpoint: state.title, planPath: planPath)
                return nil
            } catch {
                return .measurementNotStarted(reason: "could not launch \(evaluator.command.joined(separator: " ")): \(error)")
            }
        case .cancelMeasurement:
            evaluator?.cancel()
            return nil
        }
    }

    private func absorbMeasurement() {
        guard let evaluator else { return }
        let messages = evaluator.drain()
        guard !messages.isEmpty else { return }
        for message in messages { state.receive(message) }
        if state.runningMeasurement == nil { removeMeasurePlan() }
        needsRedraw = true
    }

    private func removeMeasurePlan() {
        if let path = measurePlanPath { try? FileManager.default.removeItem(atPath: path) }
        measurePlanPath = nil
    }

    private func absorbJob() {
        guard let runner else { return }
        let messages = runner.drain()
        guard !messages.isEmpty else {
            if state.job?.isRunning == true { needsRedraw = true }  // rate and time left move on
            return
        }
        for message in messages { state.receive(message) }
        if state.job?.isRunning == false { removeJobPlan() }
        needsRedraw = true
    }

    private func removeJobPlan() {
        if let path = jobPlanPath { try? FileManager.default.removeItem(atPath: path) }
        jobPlanPath = nil
    }

    private func absorbSpectra() {
        let events = inbox.drain()
        guard !events.isEmpty else { return }
        for (event, completed, total, kind) in events { state.receive(event, completed: completed, total: total, kind: kind) }
        needsRedraw = true
    }
}
