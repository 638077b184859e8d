/// Why a terminal backend could not start, worded so a person can act on it.
public enum TerminalBackendError: Error, Equatable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, redirected, or run from a job).
    case notATerminal
    /// curses could not initialise the terminal (unknown `TERM`, say).
    case initializationFailed
    /// Another `CursesBackend` is already running; there is only one screen.
    case alreadyActive

    /// One sentence describing the problem and what to do.
    public var description: String {
        switch self {
        case .notATerminal:
            return "The interactive view needs a terminal: run it directly in a terminal, not with input or output redirected."
        case .initializationFailed:
            return "The terminal could not be initialised: check that TERM names a terminal type this system knows."
        case .alreadyActive:
            return "A terminal session is already active in this process; restore it before starting another."
        }
    }
}
