/// One input event read from a backend: a key press, or a terminal resize.
public enum KeyEvent: Hashable, Sendable {
    /// A printable grapheme (letters, digits, punctuation, space, non-ASCII text).
    case character(Character)
    /// Ctrl plus a letter, given in lower case: `.ctrl("c")` is Ctrl-C (when the backend
    /// delivers it as a key rather than as SIGINT).
    case ctrl(Character)
    /// Arrow up.
    case up
    /// Arrow down.
    case down
    /// Arrow left.
    case left
    /// Arrow right.
    case right
    /// Page Up.
    case pageUp
    /// Page Down.
    case pageDown
    /// Home.
    case home
    /// End.
    case end
    /// Enter / Return.
    case enter
    /// Escape.
    case escape
    /// Backspace.
    case backspace
    /// Delete (forward).
    case delete
    /// Tab.
    case tab
    /// Shift-Tab.
    case backTab
    /// Function key F1…F12 (and beyond where the terminal has them).
    case function(Int)
    /// A left mouse click on the cell at column `x`, row `y` (where the terminal reports mouse
    /// events; the wheel arrives as `.up`/`.down`).
    case click(x: Int, y: Int)
    /// The terminal changed size; re-query `TerminalBackend.size` and redraw.
    case resize
    /// A key the backend could not name, with its raw code.
    case unknown(Int)

    /// Ctrl-C, the universal "stop".
    public static let ctrlC = KeyEvent.ctrl("c")

    /// Maps a raw byte or code point as delivered by a terminal in cbreak/raw mode
    /// (Enter = 10/13, Tab = 9, Backspace = 8/127, Escape = 27, Ctrl-letter = 1…26).
    public static func fromCodePoint(_ value: UInt32) -> KeyEvent {
        switch value {
        case 10, 13: return .enter
        case 9: return .tab
        case 8, 127: return .backspace
        case 27: return .escape
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(value) + 96)))
        case 0..<32: return .unknown(Int(value))
        default:
            guard let scalar = Unicode.Scalar(value) else { return .unknown(Int(value)) }
            return .character(Character(scalar))
        }
    }
}
