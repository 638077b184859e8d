/// The "quit with unsaved changes?" confirmation. Focus starts on Cancel, so a stray Enter
/// never throws work away.
public struct QuitDialog: Equatable, Sendable {
    /// The two buttons.
    public enum Button: Sendable { case cancel, quit }
    /// The focused button.
    public var focus: Button = .cancel
    /// A dialog focused on Cancel.
    public init() {}
}
