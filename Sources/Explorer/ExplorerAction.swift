/// Everything a key can ask the explorer to do. Keys map to actions through ``KeyMap``;
/// ``ExplorerState/reduce(_:)`` applies them.
public enum ExplorerAction: Hashable, Sendable {
    /// Select the previous row.
    case moveUp
    /// Select the next row.
    case moveDown
    /// Move the selection up by one screenful.
    case pageUp
    /// Move the selection down by one screenful.
    case pageDown
    /// Select the first row.
    case top
    /// Select the last row.
    case bottom
    /// Selected layer's rank + 1.
    case rankUp
    /// Selected layer's rank − 1 (from dense: full rank − 1).
    case rankDown
    /// Selected layer's rank + ⌈5 % of full rank⌉.
    case stepUp
    /// Selected layer's rank − ⌈5 % of full rank⌉.
    case stepDown
    /// Selected layer's rank to the next energy target (99 %, 99.9 %, 90 %, …).
    case cycleEnergy
    /// Open the typed-rank prompt.
    case typeRank
    /// Keep the selected layer dense.
    case resetDense
    /// Exclude the selected layer from the plan (or include it again).
    case toggleExclude
    /// Lock the selected layer's choice against the budget allocator (or unlock it).
    case toggleLock
    /// Cycle the factor bits (dense: the quantization bits) 16 → 8 → 4 → 3 → 2.
    case cycleBits
    /// Cycle the CALDERA backbone bits none → 4 → 3 → 2.
    case cycleBackbone
    /// Apply the selected layer's choice to every layer of its block.
    case applyToGroup
    /// Apply the selected layer's choice to the same role in every block.
    case applyToRole
    /// Undo the last choice change.
    case undo
    /// Redo the last undone change.
    case redo
    /// Open the filter prompt.
    case filter
    /// Next sort order.
    case cycleSort
    /// Reverse the sort order.
    case reverseSort
    /// Fold or unfold the selected row's block.
    case toggleFold
    /// Fold every block.
    case foldAll
    /// Unfold every block.
    case unfoldAll
    /// Open the budget panel.
    case budget
    /// Save the plan (asks for the path).
    case save
    /// Open a plan (asks for the path).
    case open
    /// Show the next view in the right-hand pane (spectrum, overlay, heatmap, sparse vs dense, jobs).
    case nextView
    /// Show one view in the right-hand pane.
    case showView(ViewMode)
    /// Let the right-hand pane take the whole body (or give the table back).
    case toggleFullScreen
    /// Mark the selected layer for the overlay (or unmark it).
    case toggleOverlayMark
    /// Overlay: divide each spectrum by its σ₁ (or not).
    case toggleNormalized
    /// Heatmap: next energy share, 90% → 99% → 99.9%.
    case cycleHeatmapEnergy
    /// Show the other kind of spectra: the weights' or the data-aware ones (needs `--stats`).
    case toggleSpectrumKind
    /// Table: show or hide the heavy-tailed metric columns (alpha, spikes above the MP bulk, caution).
    case toggleMetricColumns
    /// Heatmap: alpha per block × role instead of the rank for an energy share (or back).
    case cycleHeatmapContent
    /// Start compressing the current plan in the background (asks for the output folder).
    case compress
    /// Cancel the running compression job and measurement.
    case cancelJob
    /// Measure the current plan with `rankscope eval` in the background (needs `--text`).
    case measure
    /// Show or hide the key bindings.
    case toggleHelp
    /// Quit (asks first when there are unsaved changes).
    case quit
    /// Close the help screen, the budget panel or the dialog; while browsing, clear the filter.
    case back
    /// Quit dialog: confirm quitting.
    case confirm
    /// Quit dialog: move the focus to the other button.
    case switchFocus
    /// Quit dialog: press the focused button.
    case activate
    /// Prompt and budget panel: use the text (apply the filter, the rank or the path; run the allocator).
    case submit
    /// Prompt and budget panel: forget it and close.
    case cancel
    /// Prompt and budget panel: erase the last character.
    case erase
    /// Prompt and budget panel: erase the whole text.
    case clearText
    /// Budget panel: next target kind.
    case nextKind
    /// Budget panel: previous target kind.
    case previousKind
    /// Budget panel: fewer factor bits (16 → 8 → 4 → 3 → 2, wrapping).
    case fewerBits
    /// Budget panel: more factor bits.
    case moreBits
    /// Budget panel: next backbone width (none → 4 → 3 → 2, wrapping).
    case nextBackbone
    /// Budget panel: previous backbone width.
    case previousBackbone
    /// Budget panel: larger quantization groups (32 → 64 → 128 → 256, wrapping).
    case largerGroup
    /// Budget panel: smaller quantization groups.
    case smallerGroup
    /// Budget panel: the next allocation objective (relative → relative-params → squared-error).
    case nextObjective
    /// Budget panel: the next minimum rank (auto → 50%u → 75%u → 25%u → 10% → 1 → 0).
    case nextMinimumRank
    /// Budget panel: the next set of factor widths free layers may also choose among, as
    /// `plan --allow-bits` (none → 16,8 → 16,8,4 → 16,8,4,3 → 16,8,4,3,2, wrapping).
    case nextAllowedBits
}
