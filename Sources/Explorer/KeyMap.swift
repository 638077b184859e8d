import TerminalUI

/// The single table per mode that both dispatches keys and generates the help screen and the
/// key tables in docs/explorer.md, so they can never disagree.
///
/// `main` applies while browsing; `help` on the help screen (other keys close it and act as in
/// `main`); `prompt` while typing in the status line; `budget` in the budget panel; `dialog`
/// while the quit confirmation is open. ``ExplorerMode/keyTables`` says which apply when.
public enum KeyMap {
    /// Bindings while browsing layers.
    public static let main: [KeyBinding] = [
        KeyBinding([.character("k"), .up], .moveUp, "previous row"),
        KeyBinding([.character("j"), .down], .moveDown, "next row"),
        KeyBinding([.pageUp, .ctrl("u")], .pageUp, "one page up"),
        KeyBinding([.pageDown, .ctrl("d")], .pageDown, "one page down"),
        KeyBinding([.home, .character("<")], .top, "first row"),
        KeyBinding([.end, .character(">")], .bottom, "last row"),
        KeyBinding([.character("+"), .character("l"), .right], .rankUp, "rank + 1"),
        KeyBinding([.character("-"), .character("h"), .left], .rankDown, "rank − 1 (from dense: full rank − 1)"),
        KeyBinding([.character("L"), .character("]")], .stepUp, "rank + 5% of full rank"),
        KeyBinding([.character("H"), .character("[")], .stepDown, "rank − 5% of full rank"),
        KeyBinding([.character("e")], .cycleEnergy, "rank keeping 99% / 99.9% / 90% of the energy"),
        KeyBinding([.character("=")], .typeRank, "type a rank: 12, 25% of full rank, e99 energy"),
        KeyBinding([.character("d")], .resetDense, "keep the layer dense"),
        KeyBinding([.character("b")], .cycleBits, "factor bits 16 → 8 → 4 → 3 → 2"),
        KeyBinding([.character("B")], .cycleBackbone, "backbone bits none → 4 → 3 → 2 (CALDERA)"),
        KeyBinding([.character("g")], .applyToGroup, "apply the layer's choice to its block"),
        KeyBinding([.character("G")], .applyToRole, "apply the layer's choice to its role in all blocks"),
        KeyBinding([.character("x")], .toggleExclude, "exclude / include the layer"),
        KeyBinding([.character("p")], .toggleLock, "lock / unlock the layer against the budget"),
        KeyBinding([.character("u")], .undo, "undo"),
        KeyBinding([.ctrl("r")], .redo, "redo"),
        KeyBinding([.character("/")], .filter, "filter names by regex (Enter keeps, Esc cancels)"),
        KeyBinding([.character("s")], .cycleSort, "sort: name, size, params, error, r99, alpha"),
        KeyBinding([.character("S")], .reverseSort, "reverse the sort"),
        KeyBinding([.enter, .character(" "), .character("z")], .toggleFold, "fold / unfold the block"),
        KeyBinding([.character("M")], .foldAll, "fold all blocks"),
        KeyBinding([.character("R")], .unfoldAll, "unfold all blocks"),
        KeyBinding([.character("a")], .budget, "budget: allocate ranks to a target"),
        KeyBinding([.character("w")], .save, "save the plan"),
        KeyBinding([.character("o")], .open, "open a plan"),
        KeyBinding([.tab], .nextView, "next view: spectrum, overlay, heatmap, sparse vs dense, jobs, log-log ESD"),
        KeyBinding([.character("1")], .showView(.spectrum), "view: the selected layer's spectrum"),
        KeyBinding([.character("2")], .showView(.overlay), "view: overlay of marked layers (else the role across depth)"),
        KeyBinding([.character("3")], .showView(.heatmap), "view: heatmap of the rank each block × role needs"),
        KeyBinding([.character("4")], .showView(.sparseDense), "view: the plan as dense low-rank vs sparse formats"),
        KeyBinding([.character("5")], .showView(.jobs), "view: the compression job and the measured plans"),
        KeyBinding([.character("6")], .showView(.esd), "view: log-log ESD of λ = σ² with the power-law fit and MP bulk edge"),
        KeyBinding([.character("f")], .toggleFullScreen, "the view takes the whole screen / gives the table back"),
        KeyBinding([.character("m")], .toggleOverlayMark, "mark / unmark the layer for the overlay"),
        KeyBinding([.character("n")], .toggleNormalized, "overlay: σᵢ / σᵢ÷σ₁ (normalised)"),
        KeyBinding([.character("E")], .cycleHeatmapEnergy, "heatmap: energy 90% → 99% → 99.9%"),
        KeyBinding([.character("A")], .cycleHeatmapContent, "heatmap: rank → alpha → Δloss at the plan → at the lowest probe (shrunk, then as measured)"),
        KeyBinding([.character("t")], .toggleMetricColumns, "table: show / hide alpha, spikes and caution columns"),
        KeyBinding([.character("D")], .toggleSpectrumKind, "spectra: weights ↔ data-aware (output errors; needs --stats)"),
        KeyBinding([.character("c")], .compress, "compress the plan in the background (asks for the folder)"),
        KeyBinding([.character("v")], .measure, "measure the plan with rankscope eval in the background (needs --text)"),
        KeyBinding([.character("C")], .cancelJob, "cancel the compression job and the measurement"),
        KeyBinding([.character("?")], .toggleHelp, "show / hide this help"),
        KeyBinding([.escape], .back, "clear the filter"),
        KeyBinding([.character("q"), .ctrlC], .quit, "quit (asks first if there are unsaved changes or a running job)"),
    ]

    /// Bindings on the help screen; any other key closes it and acts as in ``main``.
    public static let help: [KeyBinding] = [
        KeyBinding([.character("?"), .escape], .back, "close the help"),
        KeyBinding([.character("k"), .up], .moveUp, "scroll up"),
        KeyBinding([.character("j"), .down], .moveDown, "scroll down"),
        KeyBinding([.pageUp, .ctrl("u")], .pageUp, "scroll a page up"),
        KeyBinding([.pageDown, .ctrl("d")], .pageDown, "scroll a page down"),
        KeyBinding([.character("q"), .ctrlC], .quit, "quit (asks first if there are unsaved changes or a running job)"),
    ]

    /// Bindings while typing in the status line (filter, rank, plan path, output folder);
    /// printable keys type.
    public static let prompt: [KeyBinding] = [
        KeyBinding([.enter], .submit, "use the text (the filter applies as you type)"),
        KeyBinding([.escape, .ctrlC, .ctrl("g")], .cancel, "cancel (the filter goes back to what it was)"),
        KeyBinding([.backspace, .delete, .ctrl("h")], .erase, "erase the last character"),
        KeyBinding([.ctrl("u")], .clearText, "erase the whole text"),
    ]

    /// Bindings in the budget panel; printable keys type the target.
    public static let budget: [KeyBinding] = [
        KeyBinding([.tab, .right], .nextKind, "next target: params, bytes, bits/weight, max error"),
        KeyBinding([.backTab, .left], .previousKind, "previous target"),
        KeyBinding([.down], .fewerBits, "factor bits 16 → 8 → 4 → 3 → 2"),
        KeyBinding([.up], .moreBits, "factor bits 2 → 3 → 4 → 8 → 16"),
        KeyBinding([.pageDown], .nextBackbone, "backbone bits none → 4 → 3 → 2 (CALDERA)"),
        KeyBinding([.pageUp], .previousBackbone, "backbone bits 2 → 3 → 4 → none"),
        KeyBinding([.end], .largerGroup, "larger quantization groups (32 → 64 → 128 → 256)"),
        KeyBinding([.home], .smallerGroup, "smaller quantization groups"),
        KeyBinding([.ctrl("o")], .nextObjective, "objective: the next of plan --objective's (relative, relative-params, …)"),
        KeyBinding([.ctrl("n")], .nextMinimumRank, "minimum rank: auto → 50%u → 75%u → 25%u → 10% → 1 → 0 (as plan --min-rank)"),
        KeyBinding([.ctrl("e")], .nextAllowedBits, "let free layers also choose factor bits among 16,8 → 16,8,4 → … → none (plan --allow-bits)"),
        KeyBinding([.enter], .submit, "allocate ranks to the target (u undoes it)"),
        KeyBinding([.escape, .ctrlC, .ctrl("g")], .cancel, "close the panel"),
        KeyBinding([.backspace, .delete, .ctrl("h")], .erase, "erase the last character"),
        KeyBinding([.ctrl("u")], .clearText, "erase the whole target"),
    ]

    /// Bindings while the quit confirmation is open (focus starts on Cancel).
    public static let dialog: [KeyBinding] = [
        KeyBinding([.character("y")], .confirm, "quit, discarding changes"),
        KeyBinding([.character("n"), .escape, .character("q")], .back, "cancel"),
        KeyBinding([.tab, .backTab, .left, .right, .character("h"), .character("l")], .switchFocus, "move focus"),
        KeyBinding([.enter, .character(" ")], .activate, "press the focused button"),
    ]

    /// Every mode's table with its title, in the order help and docs/explorer.md show them.
    public static let sections: [(title: String, bindings: [KeyBinding])] = [
        ("Browsing", main), ("Help", help), ("Prompt (filter, rank, paths; printable keys type)", prompt),
        ("Budget panel (printable keys type the target)", budget), ("Quit dialog", dialog),
    ]

    /// The action `key` triggers in `bindings`, or nil.
    public static func action(for key: KeyEvent, in bindings: [KeyBinding]) -> ExplorerAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The action `key` triggers in the first of `tables` that binds it, or nil.
    public static func action(for key: KeyEvent, in tables: [[KeyBinding]]) -> ExplorerAction? {
        for table in tables { if let action = action(for: key, in: table) { return action } }
        return nil
    }
}
