import TerminalUI

/// The single table that both dispatches keys and generates the help screen, so the two can
/// never disagree.
///
/// `main` applies while browsing (and on the help screen); `dialog` applies while the quit
/// confirmation is open.
public enum KeyMap {
    /// Bindings while browsing layers.
    public static let main: [KeyBinding] = [
        KeyBinding([.character("k"), .up], .moveUp, "previous layer"),
        KeyBinding([.character("j"), .down], .moveDown, "next layer"),
        KeyBinding([.pageUp], .pageUp, "one page up"),
        KeyBinding([.pageDown], .pageDown, "one page down"),
        KeyBinding([.character("g"), .home], .top, "first layer"),
        KeyBinding([.character("G"), .end], .bottom, "last layer"),
        KeyBinding([.character("+"), .character("=")], .rankUp, "rank + 1"),
        KeyBinding([.character("-")], .rankDown, "rank − 1 (from dense: full rank − 1)"),
        KeyBinding([.character("]")], .stepUp, "rank + 5% of full rank"),
        KeyBinding([.character("[")], .stepDown, "rank − 5% of full rank"),
        KeyBinding([.character("e")], .rankToEnergy99, "rank keeping 99% of the energy"),
        KeyBinding([.character("x")], .resetDense, "keep the layer dense"),
        KeyBinding([.character("?")], .toggleHelp, "show / hide this help"),
        KeyBinding([.escape], .back, "close help or dialog"),
        KeyBinding([.character("q"), .ctrlC], .quit, "quit (asks first if there are changes)"),
    ]

    /// Bindings while the quit confirmation is open (focus starts on Cancel).
    public static let dialog: [KeyBinding] = [
        KeyBinding([.character("y")], .confirm, "quit, discarding changes"),
        KeyBinding([.character("n"), .escape, .character("q")], .back, "cancel"),
        KeyBinding([.tab, .backTab, .left, .right, .character("h"), .character("l")], .switchFocus, "move focus"),
        KeyBinding([.enter, .character(" ")], .activate, "press the focused button"),
    ]

    /// The action `key` triggers in `bindings`, or nil.
    public static func action(for key: KeyEvent, in bindings: [KeyBinding]) -> ExplorerAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }
}
