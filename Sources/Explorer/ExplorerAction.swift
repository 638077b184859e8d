/// Everything a key can ask the explorer to do. Keys map to actions through ``KeyMap``;
/// ``ExplorerState/reduce(_:)`` applies them.
public enum ExplorerAction: Hashable, Sendable {
    /// Select the previous layer.
    case moveUp
    /// Select the next layer.
    case moveDown
    /// Move the selection up by one screenful.
    case pageUp
    /// Move the selection down by one screenful.
    case pageDown
    /// Select the first layer.
    case top
    /// Select the last layer.
    case bottom
    /// Selected layer's rank + 1.
    case rankUp
    /// Selected layer's rank − 1 (from dense: full rank − 1).
    case rankDown
    /// Selected layer's rank + ⌈5 % of full rank⌉.
    case stepUp
    /// Selected layer's rank − ⌈5 % of full rank⌉.
    case stepDown
    /// Selected layer's rank to the smallest keeping 99 % of the energy.
    case rankToEnergy99
    /// Keep the selected layer dense.
    case resetDense
    /// Show or hide the key bindings.
    case toggleHelp
    /// Quit (asks first when there are unsaved changes).
    case quit
    /// Close the help screen or the dialog.
    case back
    /// Quit dialog: confirm quitting.
    case confirm
    /// Quit dialog: move the focus to the other button.
    case switchFocus
    /// Quit dialog: press the focused button.
    case activate
}
