/// Why a terminal backend could not start, worded so a person can act on it.
public enum TerminalBackendError: Error, Equatable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, redirected, or run from a job).
    case notATerminal
    /// curses could not initialise the terminal (unknown `TERM`, say).
    case initializationFailed
    /// Another `CursesBackend` is already running; there is only one screen.
    case alreadyActive
    /// `TERM` is unset, empty or `dumb`, or names a terminal that cannot move the cursor or
    /// clear the screen (`lpr`, `glasstty`).
    case dumbTerminal(String)
    /// `TERM` names a terminal type terminfo does not know.
    case unknownTerminal(String)

    /// One sentence describing the problem and what to do.
    public var description: String {
        switch self {
        case .notATerminal:
            return "The interactive view needs a terminal: run it directly in a terminal, not with input or output redirected."
        case .initializationFailed:
            return "The terminal could not be initialised: check that TERM names a terminal type this system knows."
        case .alreadyActive:
            return "A terminal session is already active in this process; restore it before starting another."
        case .unknownTerminal(let term):
            return "The interactive view cannot drive this terminal: TERM is '\(term)', which terminfo does not know; set TERM (e.g. xterm-256color), or use inspect, spectra and plan instead."
        case .dumbTerminal(let term):
            return "The interactive view needs a terminal that can move the cursor, and TERM is \(term.isEmpty ? "not set" : "'\(term)'"): set TERM (e.g. xterm-256color), or use inspect, spectra and plan instead."
        }
    }
}
