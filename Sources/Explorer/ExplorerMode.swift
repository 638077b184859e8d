/// What the explorer is doing: browsing the layers, or one thing open on top of them, holding
/// that thing's own state. Exactly one mode is active, so which one gets a key is the mode's
/// business, not a precedence of optionals (see ``ExplorerState/press(_:live:)``).
public enum ExplorerMode: Equatable, Sendable {
    /// Browsing and tuning layers with ``KeyMap/main``.
    case browsing
    /// Typing in the status line: a filter, a rank, a plan path or an output folder.
    case prompt(TextPrompt)
    /// The budget panel (``KeyMap/budget``).
    case budget(BudgetPanel)
    /// The help screen, scrolled to `offset` (``KeyMap/help``, then ``KeyMap/main``).
    case help(offset: Int)
    /// The quit confirmation (``KeyMap/dialog``).
    case quitting(QuitDialog)

    /// The key tables that apply in this mode, first match wins.
    public var keyTables: [[KeyBinding]] {
        switch self {
        case .browsing: return [KeyMap.main]
        case .prompt: return [KeyMap.prompt]
        case .budget: return [KeyMap.budget]
        case .help: return [KeyMap.help, KeyMap.main]
        case .quitting: return [KeyMap.dialog]
        }
    }
}

extension ExplorerState {
    /// The open text prompt, if any.
    public var prompt: TextPrompt? {
        if case .prompt(let field) = mode { return field }
        return nil
    }

    /// The open budget panel, if any.
    public var budgetPanel: BudgetPanel? {
        if case .budget(let panel) = mode { return panel }
        return nil
    }

    /// The quit confirmation, when open.
    public var quitDialog: QuitDialog? {
        if case .quitting(let dialog) = mode { return dialog }
        return nil
    }

    /// True while the help screen is shown.
    public var showingHelp: Bool {
        if case .help = mode { return true }
        return false
    }

    /// First help line shown while the help screen scrolls (0 when it is closed); the view
    /// clamps it to the lines there are.
    public var helpOffset: Int {
        get {
            if case .help(let offset) = mode { return offset }
            return 0
        }
        set {
            if case .help = mode { mode = .help(offset: max(0, newValue)) }
        }
    }
}
