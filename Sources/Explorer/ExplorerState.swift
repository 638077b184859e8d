import Foundation
import Planning
import SafeTensors
import TerminalUI

/// Everything the explorer shows, as a plain value: the compressible matrices in catalog
/// group order, their spectra as they arrive (plain, and data-aware when there are activation
/// statistics; ``spectrumKind`` says which every figure uses), the setting (choice, lock,
/// exclusion) of each, the browser's filter, sort and folds, the selection, the ``mode`` (a
/// prompt, the budget panel, help or the quit dialog on top of browsing), undo history and the
/// status line.
///
/// Keys change it only through ``press(_:live:)`` and ``reduce(_:)``: each mode's reducer
/// returns an ``ExplorerUpdate`` (a status message as a value, and effects such as saving a plan
/// or starting a job, which ``ExplorerApp`` performs and reports back through
/// ``receive(_:)-(EffectResult)``), so no reducer touches a file or a process. Spectra arrive
/// through ``receive(_:completed:total:kind:)``. Rendering (``ExplorerView``) is a pure function
/// of it, apart from the scroll bookkeeping it writes back.
public struct ExplorerState: Sendable {
    /// The checkpoint's path, shown in the title.
    public let title: String
    /// The compressible matrices, in group order: one table row each.
    public let entries: [CatalogEntry]
    /// Every tensor that is not a row (embeddings, norms, head, …): counted in the totals as stored.
    public let otherTensors: [PlannedTensor]
    /// Spectra by kind: always the weights'; data-aware ones once
    /// ``expectDataAwareSpectra(statisticsPath:)`` asked for them.
    public internal(set) var spectra: [SpectrumKind: KindSpectra]
    /// The activation-statistics file the data-aware spectra come from, nil without one.
    public internal(set) var statisticsPath: String?
    /// Which spectra are shown, and so which every estimate, total and allocation uses.
    public internal(set) var spectrumKind = SpectrumKind.weights
    /// Choice, lock and exclusion per row.
    public internal(set) var settings: [LayerSetting]
    /// The settings as last saved or loaded: changes are unsaved while ``settings`` differ.
    public internal(set) var savedSettings: [LayerSetting]
    /// Undo/redo over ``settings``.
    var history = ChoiceHistory<[LayerSetting]>()
    /// The browser's lines after filter, sort and folds.
    public internal(set) var rows: [BrowserRow] = []
    /// The selected line, nil when nothing is shown.
    public internal(set) var cursor: BrowserRow?
    /// The line selected before a filter hid it: selected again when it shows up again.
    var hiddenCursor: BrowserRow?
    /// The filter regex as typed (empty: none).
    public internal(set) var filterText = ""
    /// Which rows the filter lets through (by row), nil when there is no filter.
    var filterMatches: [Bool]?
    /// The sort order.
    public internal(set) var sort = LayerSort.name
    /// True when `S` reversed the sort's natural direction.
    public internal(set) var sortReversed = false
    /// Folded blocks (nil: the group outside blocks).
    public internal(set) var folded: Set<Int?> = []
    /// Browsing, or the prompt, budget panel, help screen or quit dialog open on top, with its state.
    public internal(set) var mode = ExplorerMode.browsing
    /// The filter in force when the filter prompt opened: Esc goes back to it.
    var filterBeforePrompt = ""
    /// The last energy target `e` set, and on which row: pressing `e` again moves to the next.
    var energyCycle: (row: Int, step: Int)?
    /// Where the plan was last saved or loaded from; the default for the next save.
    public internal(set) var planPath: String?
    /// The defaults of the plan being edited: a loaded plan's, or the widths, objective and
    /// minimum rank the last budget run allocated at. A save writes them, as `plan --out` writes
    /// the defaults it ran with, and the budget panel opens with them.
    public internal(set) var planDefaults = PlanDefaults()
    /// The factor widths a loaded plan's `allow_bits` lets its free matrices choose among
    /// (``ResolvedPlan/allowedBits``), which budget runs honour as `plan --plan` does.
    public internal(set) var planAllowedBits: [String: Set<Int>] = [:]
    /// A plan waiting for the spectra its energy rules need; applied when they are all computed.
    public internal(set) var pendingPlan: PlanDocument?
    /// True once the user asked to quit and nothing stands in the way.
    public internal(set) var shouldQuit = false
    /// The status line's text (set with ``show(_:)`` from the messages reducers return).
    public internal(set) var statusText: String
    /// First table line shown, kept by the view between frames.
    public var tableOffset = 0
    /// Body lines the table showed in the last frame: the PageUp/PageDown distance.
    public var pageSize = 10
    /// Where the table's lines were drawn in the last frame (for mouse clicks).
    public var tableBody = Rect(x: 0, y: 0, width: 0, height: 0)
    /// The panes' colours, from the theme the explorer was opened with.
    public var styles = PaneStyles.standard
    /// How the status line's text reads: plain, success, warning or error.
    public internal(set) var statusTone = StatusTone.info
    /// What the right-hand pane shows.
    public internal(set) var viewMode = ViewMode.spectrum
    /// True when the right-hand pane takes the whole body (the table is hidden).
    public internal(set) var paneFullScreen = false
    /// Rows marked for the overlay, in marking order.
    public internal(set) var overlayMarks: [Int] = []
    /// True when the overlay divides each spectrum by its σ₁.
    public internal(set) var overlayNormalized = false
    /// Which of ``ViewMode/heatmapEnergies`` the heatmap shows.
    public internal(set) var heatmapEnergyIndex = 1
    /// Whether the table shows the heavy-tailed metric columns (`t`).
    public internal(set) var showsMetricColumns = false
    /// What the heatmap shows: rank for an energy share, alpha, or loss increases (`A` cycles).
    public internal(set) var heatmapContent = HeatmapContent.rank
    /// Heavy-tailed metrics computed so far, shared by copies of the state (a pure function of
    /// each spectrum, so sharing is safe).
    let metricsMemo = MetricsMemo()
    /// The background compression job, once one was started.
    public internal(set) var job: JobProgress?
    /// The evaluation text the measure key runs `rankscope eval` over; nil when the explorer was
    /// opened without `--text` (see ``expectMeasurements(textPath:)``).
    public internal(set) var measureTextPath: String?
    /// The plans measured (or being measured) in this session, oldest first, one per plan content.
    public internal(set) var measurements: [Measurement] = []
    /// The sensitivity profile behind the predicted quality, nil without `--sensitivity`.
    public internal(set) var sensitivity: SensitivityProfile?
    /// The quality prediction over the spectra received so far, shared by copies of the state.
    let qualityMemo = QualityMemo()
    /// Refuses plan saves (`w`) over the checkpoint's files or the statistics file.
    public internal(set) var outputGuard = GuardedWriter()
    /// The time the jobs pane computes rate and time left at (tests pin it).
    public var clock: @Sendable () -> Date = { Date() }

    let indexByName: [String: Int]
    /// Blocks in model order, each with its rows in catalog order.
    let groups: [(block: Int?, members: [Int])]

    /// The state for a catalog: every compressible matrix pending, dense and free.
    public init(catalog: LayerCatalog) {
        self.init(title: catalog.checkpoint.path, rows: catalog.compressibleEntries, others: catalog.entries)
        outputGuard = GuardedWriter(checkpoint: catalog.checkpoint)
    }

    /// The state over `rows` (compressible matrices in group order) titled `title`; the tensors
    /// of `others` that are not rows count in the totals as stored. For tools that build a model
    /// without a checkpoint file, such as the frame benchmark.
    public init(title: String, rows: [CatalogEntry], others: [CatalogEntry]) {
        let rowNames = Set(rows.map(\.info.name))
        self.title = title
        entries = rows
        otherTensors = others.filter { !rowNames.contains($0.info.name) }
            .map { PlannedTensor(entry: $0, spectrum: nil) }
        spectra = [.weights: KindSpectra(count: rows.count)]
        settings = Array(repeating: LayerSetting(), count: rows.count)
        savedSettings = settings
        var index: [String: Int] = [:]
        var groups: [(block: Int?, members: [Int])] = []
        for (i, entry) in rows.enumerated() {
            index[entry.info.name] = i
            if let last = groups.last, last.block == entry.name.block {
                groups[groups.count - 1].members.append(i)
            } else {
                groups.append((entry.name.block, [i]))
            }
        }
        indexByName = index
        self.groups = groups
        statusText = rows.isEmpty ? "This checkpoint has no compressible matrices."
                                  : "Computing spectra of \(rows.count) matrices… (? for help)"
        rebuildRows()
        cursor = self.rows.first { $0.layerIndex != nil } ?? self.rows.first
    }

    // MARK: Derived figures

    /// True when the settings differ from the last saved or loaded plan.
    public var hasUnsavedChanges: Bool { settings != savedSettings }

    /// True while spectra (of any kind) are still being computed.
    public var isComputing: Bool { spectra.values.contains { !$0.isDone } }

    /// True while data-aware spectra are still being computed.
    public var isComputingDataAware: Bool { !spectraAreDone(.dataAware) }

    /// Spectrum status per row, of the kind shown (``spectrumKind``).
    public var statuses: [SpectrumStatus] { (spectra[spectrumKind] ?? spectra[.weights])?.statuses ?? [] }

    /// Plain spectrum status per row (singular values of the weights W).
    public var weightStatuses: [SpectrumStatus] { spectra[.weights]?.statuses ?? [] }

    /// Data-aware spectrum status per row (singular values of W·S); nil when the explorer was
    /// opened without activation statistics (see ``expectDataAwareSpectra(statisticsPath:)``).
    public var dataAwareStatuses: [SpectrumStatus]? { spectra[.dataAware]?.statuses }

    /// Plain spectra done (computed, cached or failed) and requested.
    public var progress: (completed: Int, total: Int) { (spectra[.weights]?.completed ?? 0, spectra[.weights]?.total ?? 0) }

    /// Data-aware spectra done and requested; nil without activation statistics.
    public var dataAwareProgress: (completed: Int, total: Int)? { spectra[.dataAware].map { ($0.completed, $0.total) } }

    /// The row whose spectrum is shown: the selected layer, or the first layer of the selected block.
    public var selection: Int {
        switch cursor {
        case .layer(let index): return index
        case .group(let block): return groups.first { $0.block == block }?.members.first ?? 0
        case nil: return 0
        }
    }

    /// The selected row's entry, nil when nothing is shown.
    public var selectedEntry: CatalogEntry? { entries.isEmpty || cursor == nil ? nil : entries[selection] }

    /// Chosen rank per row as the plan uses it; nil where the matrix stays dense.
    public var ranks: [Int?] { settings.map(\.effectiveChoice.rank) }

    /// The display name of row `index`: `3 attn.q_proj`, or the full name outside blocks.
    public func displayName(_ index: Int) -> String {
        let name = entries[index].name
        if let block = name.block { return "\(block) \(name.role)" }
        return entries[index].info.name
    }

    /// min(rows, columns) of row `index`.
    public func fullRank(_ index: Int) -> Int {
        guard let shape = entries[index].matrixShape else { return 0 }
        return min(shape.rows, shape.columns)
    }

    /// The plan choice of row `index` (the stored tensor when excluded).
    public func choice(_ index: Int) -> LayerChoice { settings[index].effectiveChoice }

    /// The planned tensor of row `index` (with its spectrum when ready, else its estimate, whose
    /// errors are upper bounds; an excluded row's is left out, so its energy counts in no error
    /// total and no allocation, as in `rankscope plan`).
    public func plannedTensor(_ index: Int) -> PlannedTensor {
        PlannedTensor(entry: entries[index], spectrum: settings[index].mark == .excluded ? nil : statuses[index].bestSpectrum)
    }

    /// The estimate of row `index` under its choice.
    public func estimate(_ index: Int) -> LayerEstimate {
        let tensor = plannedTensor(index)
        return (try? LayerEstimate(tensor: tensor, choice: choice(index))) ?? LayerEstimate.kept(tensor)
    }

    /// Every row's estimate, in row order: compute once per frame and pass to ``totals(rowEstimates:)``.
    public func rowEstimates() -> [LayerEstimate] { entries.indices.map(estimate) }

    /// Figures for the whole model from the rows' estimates (the other tensors count as stored).
    public func totals(rowEstimates: [LayerEstimate]) -> PlanTotals {
        PlanTotals(estimates: otherTensors.map(LayerEstimate.kept) + rowEstimates)
    }

    /// Figures for the whole model under the current choices.
    public var totals: PlanTotals { totals(rowEstimates: rowEstimates()) }

    /// The rows of block `block`, in catalog order.
    public func members(ofBlock block: Int?) -> [Int] { groups.first { $0.block == block }?.members ?? [] }

    // MARK: Input

    /// Applies one key in the current ``mode``: a click selects, the prompt and the budget
    /// panel edit their own state, other modes look the key up in ``ExplorerMode/keyTables``.
    /// Shows the update's message and returns it, whose effects the app performs.
    ///
    /// `live` false defers the filter prompt's live filtering (the app passes it for every key
    /// of a burst but the last, so a paste of thousands of characters filters once).
    @discardableResult
    public mutating func press(_ key: KeyEvent, live: Bool = true) -> ExplorerUpdate {
        let update: ExplorerUpdate
        switch (key, mode) {
        case (.resize, _): return .none
        case let (.click(x, y), _): update = click(x: x, y: y)
        case let (_, .prompt(field)): update = editPrompt(field, key, live: live)
        case let (_, .budget(panel)): update = pressInBudgetPanel(panel, key)
        case (_, .browsing), (_, .help), (_, .quitting):
            guard let action = KeyMap.action(for: key, in: mode.keyTables) else { return .none }
            return reduce(action)
        }
        show(update.status)
        return update
    }

    /// Applies one action in the current ``mode``, shows the update's message and returns it.
    @discardableResult
    public mutating func reduce(_ action: ExplorerAction) -> ExplorerUpdate {
        let update: ExplorerUpdate
        switch mode {
        case .quitting(let dialog): update = reduceDialog(dialog, action)
        case .help(let offset): update = reduceHelp(offset: offset, action)
        case .prompt(let field): update = editPrompt(field, action, live: true)
        case .budget(let panel): update = reduceBudgetPanel(panel, action)
        case .browsing: update = reduceBrowsing(action)
        }
        show(update.status)
        return update
    }

    /// Shows `message` in the status line (nil leaves it as it is).
    public mutating func show(_ message: StatusMessage?) {
        guard let message else { return }
        statusText = message.text
        statusTone = message.tone
    }

    /// The help screen: Esc and `?` close it, the arrows and pages scroll, any other action
    /// closes it and acts as while browsing.
    private mutating func reduceHelp(offset: Int, _ action: ExplorerAction) -> ExplorerUpdate {
        switch action {
        case .toggleHelp, .back: mode = .browsing
        case .moveDown: mode = .help(offset: offset + 1)
        case .moveUp: mode = .help(offset: max(0, offset - 1))
        case .pageDown: mode = .help(offset: offset + max(1, pageSize))
        case .pageUp: mode = .help(offset: max(0, offset - max(1, pageSize)))
        default:
            mode = .browsing
            return reduceBrowsing(action)
        }
        return .none
    }

    /// Browsing: every key of ``KeyMap/main``.
    private mutating func reduceBrowsing(_ action: ExplorerAction) -> ExplorerUpdate {
        if action != .cycleEnergy { energyCycle = nil }
        switch action {
        case .moveUp: move(by: -1)
        case .moveDown: move(by: 1)
        case .pageUp: move(by: -max(1, pageSize))
        case .pageDown: move(by: max(1, pageSize))
        case .top: move(by: -rows.count)
        case .bottom: move(by: rows.count)
        case .rankUp: return adjustRank(by: 1)
        case .rankDown: return adjustRank(by: -1)
        case .stepUp: return adjustRank(by: step)
        case .stepDown: return adjustRank(by: -step)
        case .cycleEnergy: return cycleEnergy()
        case .typeRank: return openPrompt(.rank)
        case .resetDense: return keepDense()
        case .toggleExclude: return toggleMark(.excluded)
        case .toggleLock: return toggleMark(.locked)
        case .cycleBits: return cycleBits()
        case .cycleBackbone: return cycleBackbone()
        case .applyToGroup: return applyToGroup()
        case .applyToRole: return applyToRole()
        case .undo: return undo()
        case .redo: return redo()
        case .filter: return openPrompt(.filter)
        case .cycleSort: return setSort(sort.next, reversed: false)
        case .reverseSort: return setSort(sort, reversed: !sortReversed)
        case .toggleFold: return toggleFold()
        case .foldAll: return setAllFolded(true)
        case .unfoldAll: return setAllFolded(false)
        case .budget: return openBudgetPanel()
        case .save: return openPrompt(.savePath)
        case .open: return openPrompt(.openPath)
        case .nextView: return showView(viewMode.next)
        case .showView(let view): return showView(view)
        case .toggleFullScreen: return toggleFullScreen()
        case .toggleOverlayMark: return toggleOverlayMark()
        case .toggleNormalized: return toggleNormalized()
        case .cycleHeatmapEnergy: return cycleHeatmapEnergy()
        case .compress: return openPrompt(.compressOutput)
        case .cancelJob: return cancelJob()
        case .measure: return measure()
        case .toggleSpectrumKind: return toggleSpectrumKind()
        case .toggleMetricColumns: return toggleMetricColumns()
        case .cycleHeatmapContent: return cycleHeatmapContent()
        case .toggleHelp: mode = .help(offset: 0)
        case .quit:
            mode = .browsing
            guard let dialog = dialogBeforeQuitting else {
                shouldQuit = true
                return .none
            }
            mode = .quitting(dialog)
            return ExplorerUpdate(status: quitWarning(dialog, quitKeys: "y"))
        case .back:
            if !filterText.isEmpty { return applyFilter("") }
        case .confirm, .switchFocus, .activate, .submit, .cancel, .erase, .clearText, .nextKind, .previousKind,
             .fewerBits, .moreBits, .nextBackbone, .previousBackbone, .largerGroup, .smallerGroup,
             .nextObjective, .nextMinimumRank, .nextAllowedBits:
            break
        }
        return .none
    }

    /// A click on a table line selects it (a click on the selected block header folds it);
    /// clicks elsewhere, or while a prompt, panel, help or dialog is open, do nothing.
    mutating func click(x: Int, y: Int) -> ExplorerUpdate {
        guard mode == .browsing, tableBody.contains(x: x, y: y) else { return .none }
        let line = tableOffset + (y - tableBody.y)
        guard rows.indices.contains(line) else { return .none }
        if rows[line] == cursor, case .group = rows[line] { return toggleFold() }
        select(line: line)
        return .none
    }

    /// The dialog quitting now needs: nil when there are neither unsaved changes nor a running job.
    private var dialogBeforeQuitting: QuitDialog? {
        let running = job?.isRunning == true
        return hasUnsavedChanges || running ? QuitDialog(unsavedChanges: hasUnsavedChanges, runningJob: running) : nil
    }

    /// A Ctrl-C (SIGINT) arrived. With unsaved changes or a running job, and the quit dialog not
    /// yet open, it opens the dialog as `q` does and returns true (keep running: a stray Ctrl-C
    /// loses nothing); otherwise it returns false and the explorer ends (a second Ctrl-C in the
    /// dialog quits).
    public mutating func askBeforeInterrupting() -> Bool {
        guard quitDialog == nil, let dialog = dialogBeforeQuitting else { return false }
        mode = .quitting(dialog)
        show(quitWarning(dialog, quitKeys: "y or Ctrl-C"))
        return true
    }

    /// The status line while `dialog` is open, naming the keys that quit.
    private func quitWarning(_ dialog: QuitDialog, quitKeys: String) -> StatusMessage {
        StatusMessage((dialog.runningJob ? "A compression job is running" : "Unsaved changes") + ": \(quitKeys) quits, Esc or Enter cancels.",
                      tone: .warning)
    }

    /// The quit dialog: `y` quits, Esc cancels, Tab moves the focus, Enter presses the focused button.
    private mutating func reduceDialog(_ dialog: QuitDialog, _ action: ExplorerAction) -> ExplorerUpdate {
        var dialog = dialog
        switch action {
        case .confirm:
            mode = .browsing
            shouldQuit = true
        case .back:
            mode = .browsing
            return .say("Quit cancelled.")
        case .switchFocus:
            dialog.focus = dialog.focus == .cancel ? .quit : .cancel
            mode = .quitting(dialog)
        case .activate:
            return reduceDialog(dialog, dialog.focus == .quit ? .confirm : .back)
        default: break
        }
        return .none
    }
}
