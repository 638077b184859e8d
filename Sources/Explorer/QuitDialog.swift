/// The "quit with unsaved changes?" confirmation. Focus starts on Cancel, so a stray Enter
/// never throws work away.
public struct QuitDialog: Equatable, Sendable {
    /// The two buttons.
    public enum Button: Sendable { case cancel, quit }
    /// The focused button.
    public var focus: Button = .cancel
    /// True when quitting discards unsaved changes.
    public var unsavedChanges: Bool
    /// True when quitting cancels a running compression job.
    public var runningJob: Bool
    /// A dialog focused on Cancel, for unsaved changes and/or a running job.
    public init(unsavedChanges: Bool = true, runningJob: Bool = false) {
        self.unsavedChanges = unsavedChanges
        self.runningJob = runningJob
    }

    /// The question the dialog asks.
    public var question: String {
        switch (unsavedChanges, runningJob) {
        case (true, true): return "Discard changes, cancel the job?"
        case (false, true): return "Cancel the running job?"
        default: return "Discard unsaved changes?"
        }
    }
}
