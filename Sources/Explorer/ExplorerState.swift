import Foundation
import Planning
import TerminalUI

/// Everything the explorer shows, as a plain value: the compressible matrices in catalog
/// group order, their spectra as they arrive, the chosen ranks, selection, overlays and the
/// status line. Keys change it only through ``reduce(_:)``; spectra arrive through
/// ``receive(_:progress:)``. Rendering (``ExplorerView``) is a pure function of it, apart from
/// the scroll bookkeeping it writes back.
public struct ExplorerState: Sendable {
    /// The checkpoint's path, shown in the title.
    public let title: String
    /// The compressible matrices, in group order: one table row each.
    public let entries: [CatalogEntry]
    /// Every tensor that is not a row (embeddings, norms, head, …): counted in the totals as stored.
    public let otherTensors: [PlannedTensor]
    /// Spectrum status per row.
    public private(set) var statuses: [SpectrumStatus]
    /// Chosen rank per row; nil keeps the matrix dense.
    public private(set) var ranks: [Int?]
    /// The selected row (0 when there are no rows).
    public private(set) var selection = 0
    /// True while the help screen is shown.
    public private(set) var showingHelp = false
    /// The quit confirmation, when open.
    public private(set) var quitDialog: QuitDialog?
    /// True once the user asked to quit and nothing stands in the way.
    public private(set) var shouldQuit = false
    /// The status line's text.
    public private(set) var statusText: String
    /// Spectra done (computed, cached or failed) and requested.
    public private(set) var progress: (completed: Int, total: Int)
    /// First table row shown, kept by the view between frames.
    public var tableOffset = 0
    /// Body rows the table showed in the last frame: the PageUp/PageDown distance.
    public var pageSize = 10

    private let indexByName: [String: Int]

    /// The state for a catalog: every compressible matrix pending and dense.
    public init(catalog: LayerCatalog) {
        let rows = catalog.compressibleEntries
        let rowNames = Set(rows.map(\.info.name))
        title = catalog.checkpoint.path
        entries = rows
        otherTensors = catalog.entries.filter { !rowNames.contains($0.info.name) }
            .map { PlannedTensor(entry: $0, spectrum: nil) }
        statuses = Array(repeating: .pending, count: rows.count)
        ranks = Array(repeating: nil, count: rows.count)
        progress = (0, rows.count)
        var index: [String: Int] = [:]
        for (i, entry) in rows.enumerated() { index[entry.info.name] = i }
        indexByName = index
        statusText = rows.isEmpty ? "This checkpoint has no compressible matrices."
                                  : "Computing spectra of \(rows.count) matrices… (? for help)"
    }

    // MARK: Derived figures

    /// True when any layer has a rank chosen (there is no saved plan yet, so every choice is unsaved).
    public var hasUnsavedChanges: Bool { ranks.contains { $0 != nil } }

    /// True while spectra are still being computed.
    public var isComputing: Bool { progress.completed < progress.total }

    /// The selected row's entry, nil when there are none.
    public var selectedEntry: CatalogEntry? { entries.isEmpty ? nil : entries[selection] }

    /// The display name of row `index`: `3 self_attn.q_proj`, or the full name outside blocks.
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

    /// The plan choice of row `index`.
    public func choice(_ index: Int) -> LayerChoice {
        ranks[index].map { LayerChoice.lowRank(rank: $0) } ?? .keep
    }

    /// The planned tensor of row `index` (with its spectrum when ready).
    public func plannedTensor(_ index: Int) -> PlannedTensor {
        PlannedTensor(entry: entries[index], spectrum: statuses[index].spectrum)
    }

    /// The estimate of row `index` under its choice.
    public func estimate(_ index: Int) -> LayerEstimate {
        let tensor = plannedTensor(index)
        return (try? LayerEstimate(tensor: tensor, choice: choice(index))) ?? LayerEstimate.kept(tensor)
    }

    /// Figures for the whole model under the current choices: a pure function of spectra and
    /// ranks, cheap enough for every frame.
    public var totals: PlanTotals {
        PlanTotals(estimates: otherTensors.map(LayerEstimate.kept) + entries.indices.map(estimate))
    }

    // MARK: Updates

    /// Applies one action.
    public mutating func reduce(_ action: ExplorerAction) {
        if quitDialog != nil { reduceDialog(action); return }
        if showingHelp {
            switch action {
            case .toggleHelp, .back: showingHelp = false; return
            case .quit: break
            default: showingHelp = false
            }
        }
        let last = max(0, entries.count - 1)
        switch action {
        case .moveUp: selection = max(0, selection - 1)
        case .moveDown: selection = min(last, selection + 1)
        case .pageUp: selection = max(0, selection - max(1, pageSize))
        case .pageDown: selection = min(last, selection + max(1, pageSize))
        case .top: selection = 0
        case .bottom: selection = last
        case .rankUp: adjustRank(by: 1)
        case .rankDown: adjustRank(by: -1)
        case .stepUp: adjustRank(by: step)
        case .stepDown: adjustRank(by: -step)
        case .rankToEnergy99: rankToEnergy()
        case .resetDense:
            guard !entries.isEmpty else { return }
            ranks[selection] = nil
            statusText = "\(displayName(selection)): kept dense."
        case .toggleHelp: showingHelp = true
        case .quit:
            showingHelp = false
            if hasUnsavedChanges {
                quitDialog = QuitDialog()
                statusText = "Unsaved changes: y quits, Esc or Enter cancels."
            } else {
                shouldQuit = true
            }
        case .back, .confirm, .switchFocus, .activate: break
        }
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

    /// ⌈5 % of the selected row's full rank⌉ (at least 1).
    public var step: Int {
        guard !entries.isEmpty else { return 1 }
        return max(1, (fullRank(selection) * 5 + 99) / 100)
    }

    private mutating func adjustRank(by delta: Int) {
        guard !entries.isEmpty else { return }
        let full = fullRank(selection)
        guard full > 0 else { return }
        let name = displayName(selection)
        guard let current = ranks[selection] else {
            if delta > 0 {
                statusText = "\(name) is dense; - or e chooses a rank."
            } else {
                ranks[selection] = max(1, full + delta)
                statusText = "\(name): rank \(ranks[selection]!) of \(full)."
            }
            return
        }
        ranks[selection] = min(full, max(1, current + delta))
        statusText = "\(name): rank \(ranks[selection]!) of \(full)."
    }

    private mutating func rankToEnergy() {
        guard !entries.isEmpty else { return }
        let name = displayName(selection)
        switch statuses[selection] {
        case .ready(let spectrum):
            ranks[selection] = max(1, spectrum.summary.energyRank99)
            statusText = "\(name): rank \(ranks[selection]!) keeps 99% of the energy."
        case .pending:
            statusText = "\(name): spectrum not computed yet."
        case .failed(let why):
            statusText = "\(name): no spectrum (\(why))"
        }
    }

    /// Records one finished (or failed) spectrum and the progress that came with it.
    public mutating func receive(_ event: SpectrumEngine.Event, progress: SpectrumEngine.Progress) {
        receive(event, completed: progress.completed, total: progress.total)
    }

    /// Records one finished (or failed) spectrum, with `completed` of `total` spectra done.
    public mutating func receive(_ event: SpectrumEngine.Event, completed: Int, total: Int) {
        switch event {
        case .finished(let spectrum, _):
            if let i = indexByName[spectrum.tensorName] { statuses[i] = .ready(spectrum) }
        case .failed(let error):
            if let i = indexByName[error.tensorName] { statuses[i] = .failed(error.description) }
        }
        progress = (min(max(progress.completed, completed), total), total)
        if !isComputing && quitDialog == nil {
            let failed = statuses.filter { if case .failed = $0 { return true } else { return false } }.count
            statusText = failed == 0 ? "All \(total) spectra ready. (? for help)"
                                     : "Spectra done; \(failed) failed. (? for help)"
        }
    }
}
