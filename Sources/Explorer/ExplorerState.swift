import Foundation
import Planning
import SafeTensors
import TerminalUI

/// Everything the explorer shows, as a plain value: the compressible matrices in catalog
/// group order, their spectra as they arrive (plain, and data-aware when there are activation
/// statistics; ``spectrumKind`` says which every figure uses), the setting (choice, lock,
/// exclusion) of each, the browser's filter, sort and folds, the selection, open prompts and
/// panels, undo history and the status line. Keys change it only through ``press(_:)`` and
/// ``reduce(_:)``; spectra arrive through ``receive(_:progress:kind:)``. Rendering (``ExplorerView``) is a pure function of
/// it, apart from the scroll bookkeeping it writes back.
public struct ExplorerState: Sendable {
    /// The checkpoint's path, shown in the title.
    public let title: String
    /// The compressible matrices, in group order: one table row each.
    public let entries: [CatalogEntry]
    /// Every tensor that is not a row (embeddings, norms, head, …): counted in the totals as stored.
    public let otherTensors: [PlannedTensor]
    /// Plain spectrum status per row (singular values of the weights W).
    public internal(set) var weightStatuses: [SpectrumStatus]
    /// Data-aware spectrum status per row (singular values of W·S); nil when the explorer was
    /// opened without activation statistics (see ``expectDataAwareSpectra(statisticsPath:)``).
    public internal(set) var dataAwareStatuses: [SpectrumStatus]?
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
    /// The compiled filter, nil when there is none.
    var filterPattern: NSRegularExpression?
    /// The sort order.
    public internal(set) var sort = LayerSort.name
    /// True when `S` reversed the sort's natural direction.
    public internal(set) var sortReversed = false
    /// Folded blocks (nil: the group outside blocks).
    public internal(set) var folded: Set<Int?> = []
    /// The open text prompt (filter, typed rank, plan path), if any.
    public internal(set) var prompt: TextPrompt?
    /// The filter in force when the filter prompt opened: Esc goes back to it.
    var filterBeforePrompt = ""
    /// The open budget panel, if any.
    public internal(set) var budgetPanel: BudgetPanel?
    /// The last energy target `e` set, and on which row: pressing `e` again moves to the next.
    var energyCycle: (row: Int, step: Int)?
    /// Where the plan was last saved or loaded from; the default for the next save.
    public internal(set) var planPath: String?
    /// A plan waiting for the spectra its energy rules need; applied when they are all computed.
    public internal(set) var pendingPlan: PlanDocument?
    /// True while the help screen is shown.
    public internal(set) var showingHelp = false
    /// The quit confirmation, when open.
    public internal(set) var quitDialog: QuitDialog?
    /// True once the user asked to quit and nothing stands in the way.
    public internal(set) var shouldQuit = false
    /// The status line's text.
    /// Setting it directly makes the message plain (``StatusTone/info``); ``announce(_:tone:)`` sets both.
    public internal(set) var statusText: String { didSet { statusTone = .info } }
    /// Plain spectra done (computed, cached or failed) and requested.
    public internal(set) var progress: (completed: Int, total: Int)
    /// Data-aware spectra done and requested; nil without activation statistics.
    public internal(set) var dataAwareProgress: (completed: Int, total: Int)?
    /// First table line shown, kept by the view between frames.
    public var tableOffset = 0
    /// Body lines the table showed in the last frame: the PageUp/PageDown distance.
    public var pageSize = 10
    /// Where the table's lines were drawn in the last frame (for mouse clicks).
    public var tableBody = Rect(x: 0, y: 0, width: 0, height: 0)
    /// First help line shown while the help screen scrolls.
    public internal(set) var helpOffset = 0
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
    /// Whether the heatmap shows alpha instead of the rank for an energy share (`A`).
    public internal(set) var heatmapShowsAlpha = false
    /// Heavy-tailed metrics computed so far, shared by copies of the state (a pure function of
    /// each spectrum, so sharing is safe).
    let metricsMemo = MetricsMemo()
    /// The background compression job, once one was started.
    public internal(set) var job: JobProgress?
    /// Work for the app: start or cancel a job (taken with ``takeJobRequest()``).
    public internal(set) var jobRequest: JobRequest?
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
        weightStatuses = Array(repeating: .pending, count: rows.count)
        settings = Array(repeating: LayerSetting(), count: rows.count)
        savedSettings = settings
        progress = (0, rows.count)
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

    /// True while spectra (of either kind) are still being computed.
    public var isComputing: Bool { progress.completed < progress.total || isComputingDataAware }

    /// True while data-aware spectra are still being computed.
    public var isComputingDataAware: Bool { dataAwareProgress.map { $0.completed < $0.total } ?? false }

    /// Spectrum status per row, of the kind shown (``spectrumKind``).
    public var statuses: [SpectrumStatus] {
        spectrumKind == .dataAware ? dataAwareStatuses ?? weightStatuses : weightStatuses
    }

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

    /// The planned tensor of row `index` (with its spectrum when ready).
    public func plannedTensor(_ index: Int) -> PlannedTensor {
        PlannedTensor(entry: entries[index], spectrum: statuses[index].spectrum)
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

    /// Applies one key: to the open prompt, budget panel or dialog first, else through ``KeyMap/main``.
    public mutating func press(_ key: KeyEvent) {
        guard key != .resize else { return }
        if case let .click(x, y) = key {
            click(x: x, y: y)
            return
        }
        if prompt != nil { editPrompt(key); return }
        if budgetPanel != nil, quitDialog == nil { pressInBudgetPanel(key); return }
        let bindings = quitDialog != nil ? KeyMap.dialog : KeyMap.main
        if let action = KeyMap.action(for: key, in: bindings) { reduce(action) }
    }

    /// Applies one action.
    public mutating func reduce(_ action: ExplorerAction) {
        if quitDialog != nil { reduceDialog(action); return }
        if showingHelp {
            switch action {
            case .toggleHelp, .back: showingHelp = false; return
            case .moveDown: helpOffset += 1; return
            case .moveUp: helpOffset = max(0, helpOffset - 1); return
            case .pageDown: helpOffset += max(1, pageSize); return
            case .pageUp: helpOffset = max(0, helpOffset - max(1, pageSize)); return
            case .quit: break
            default: showingHelp = false
            }
        }
        if action != .cycleEnergy { energyCycle = nil }
        switch action {
        case .moveUp: move(by: -1)
        case .moveDown: move(by: 1)
        case .pageUp: move(by: -max(1, pageSize))
        case .pageDown: move(by: max(1, pageSize))
        case .top: move(by: -rows.count)
        case .bottom: move(by: rows.count)
        case .rankUp: adjustRank(by: 1)
        case .rankDown: adjustRank(by: -1)
        case .stepUp: adjustRank(by: step)
        case .stepDown: adjustRank(by: -step)
        case .cycleEnergy: cycleEnergy()
        case .typeRank: openPrompt(.rank)
        case .resetDense: keepDense()
        case .toggleExclude: toggleMark(.excluded)
        case .toggleLock: toggleMark(.locked)
        case .cycleBits: cycleBits()
        case .cycleBackbone: cycleBackbone()
        case .applyToGroup: applyToGroup()
        case .applyToRole: applyToRole()
        case .undo: undo()
        case .redo: redo()
        case .filter: openPrompt(.filter)
        case .cycleSort: setSort(sort.next, reversed: false)
        case .reverseSort: setSort(sort, reversed: !sortReversed)
        case .toggleFold: toggleFold()
        case .foldAll: setAllFolded(true)
        case .unfoldAll: setAllFolded(false)
        case .budget: openBudgetPanel()
        case .save: openPrompt(.savePath)
        case .open: openPrompt(.openPath)
        case .nextView: showView(viewMode.next)
        case .showView(let mode): showView(mode)
        case .toggleFullScreen: toggleFullScreen()
        case .toggleOverlayMark: toggleOverlayMark()
        case .toggleNormalized: toggleNormalized()
        case .cycleHeatmapEnergy: cycleHeatmapEnergy()
        case .compress: openCompressPrompt()
        case .cancelJob: cancelJob()
        case .toggleSpectrumKind: toggleSpectrumKind()
        case .toggleMetricColumns: toggleMetricColumns()
        case .toggleHeatmapAlpha: toggleHeatmapAlpha()
        case .toggleHelp:
            showingHelp = true
            helpOffset = 0
        case .quit:
            showingHelp = false
            let running = job?.isRunning == true
            if hasUnsavedChanges || running {
                quitDialog = QuitDialog(unsavedChanges: hasUnsavedChanges, runningJob: running)
                announce((running ? "A compression job is running" : "Unsaved changes") + ": y quits, Esc or Enter cancels.",
                         tone: .warning)
            } else {
                shouldQuit = true
            }
        case .back:
            if budgetPanel != nil { budgetPanel = nil }
        case .confirm, .switchFocus, .activate: break
        }
    }

    /// A click on a table line selects it (a click on the selected block header folds it);
    /// clicks elsewhere, or while a prompt, panel or dialog is open, do nothing.
    mutating func click(x: Int, y: Int) {
        guard prompt == nil, budgetPanel == nil, quitDialog == nil, !showingHelp,
              tableBody.contains(x: x, y: y) else { return }
        let line = tableOffset + (y - tableBody.y)
        guard rows.indices.contains(line) else { return }
        if rows[line] == cursor, case .group = rows[line] { toggleFold(); return }
        select(line: line)
    }

    private mutating func reduceDialog(_ action: ExplorerAction) {
        switch action {
        case .confirm:
            quitDialog = nil
            shouldQuit = true
        case .back:
            quitDialog = nil
            statusText = "Quit cancelled."
        case .switchFocus:
            if let focus = quitDialog?.focus { quitDialog?.focus = focus == .cancel ? .quit : .cancel }
        case .activate:
            if quitDialog?.focus == .quit { reduceDialog(.confirm) } else { reduceDialog(.back) }
        default: break
        }
    }
}
