import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real terminal, through wide-character ncurses (`ncursesw`) on `stdscr`.
///
/// Kept deliberately thin (it cannot be unit-tested without a terminal): it diffs each frame
/// against the last one and writes only changed cells with `setcchar` + `mvadd_wch`,
/// allocates colour pairs on demand, and maps keys from `wget_wch` (left clicks become
/// `.click`, the wheel `.up`/`.down`).
///
/// Colours: 256-colour indices are used as-is when the terminal reports `COLORS >= 256`,
/// otherwise mapped to the eight basic colours; if the `NO_COLOR` environment variable is
/// set (to any value) no colours are used at all, while bold/dim/reverse/underline remain.
/// SIGINT, SIGTERM and SIGHUP become a ``terminationRequest`` (a second one restores the
/// terminal and ends the process at once), as `TerminationSignals` describes.
public final class CursesBackend: TerminalBackend {
    private enum ColorMode { case none, basic, full }

    nonisolated(unsafe) private static var active = false

    /// The current screen size (updated when a `.resize` event is read).
    public private(set) var size: TerminalSize
    private var last: CellBuffer?
    private var restored = false
    private let colorMode: ColorMode
    private let defaultColors: Bool
    private var pairs: [Int: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32

    /// Takes over the terminal: locale, `initscr`, cbreak (or raw), no echo, keypad, hidden
    /// cursor, default colours, and the signal handlers that restore it.
    ///
    /// - Parameter ctrlCAsKey: when true the terminal is put in raw mode so Ctrl-C arrives as
    ///   `.ctrl("c")` instead of raising SIGINT (SIGINT from `kill` still ends the program, see ``terminationRequest``).
    /// - Throws: `TerminalBackendError` when stdin/stdout is not a terminal, curses fails,
    ///   or another `CursesBackend` is active.
    public init(ctrlCAsKey: Bool = false) throws {
        guard !CursesBackend.active else { throw TerminalBackendError.alreadyActive }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalBackendError.notATerminal
        }
        // curses "works" on a dumb terminal but draws an unusable screen, and initscr exits the
        // process on a TERM terminfo does not know: ask terminfo first and refuse with a sentence.
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard !term.isEmpty, term != "dumb" else { throw TerminalBackendError.dumbTerminal(term) }
        switch rs_terminal_support() {
        case 0: break
        case 1: throw TerminalBackendError.unknownTerminal(term)
        default: throw TerminalBackendError.dumbTerminal(term)
        }
        _ = setlocale(LC_ALL, "")
        TerminationSignals.saveTerminalModes()
        guard rs_initscr() == 0 else { throw TerminalBackendError.initializationFailed }
        CursesBackend.active = true
        if ctrlCAsKey { _ = raw() } else { _ = cbreak() }
        _ = noecho()
        _ = rs_keypad_stdscr(1)
        _ = rs_set_escdelay(25)
        _ = curs_set(0)
        _ = rs_enable_mouse()
        var mode = ColorMode.none
        var defaults = false
        if getenv("NO_COLOR") == nil, rs_has_colors() == 1 {
            _ = rs_start_color()
            defaults = rs_use_default_colors() == OK
            mode = rs_colors() >= 256 ? .full : .basic
        }
        colorMode = mode
        defaultColors = defaults
        maxPairs = Int32(min(max(0, Int(rs_color_pairs())), 32767))
        size = TerminalSize(width: Int(rs_cols()), height: Int(rs_lines()))
        TerminationSignals.install()
    }

    deinit { restore() }

    /// Writes the cells that changed since the last draw (all of them after a resize) and
    /// refreshes the screen. Cells outside the screen are skipped.
    public func draw(_ buffer: CellBuffer) {
        guard !restored else { return }
        let previous: CellBuffer
        if let l = last { previous = l } else {
            // `clear`, not `erase`: after a resize the terminal may have lost what curses
            // believes is on it (e.g. shrunk to 1×1 and grown back before we saw it), so the
            // first frame repaints every cell rather than only those curses thinks changed.
            _ = clear()
            previous = CellBuffer(width: 0, height: 0)
        }
        let base = [rs_attr_bold(), rs_attr_dim(), rs_attr_reverse(), rs_attr_underline()]
        var wide = [wchar_t](repeating: 0, count: 5)
        for change in buffer.diff(from: previous) where change.x < size.width && change.y < size.height {
            let cell = change.cell
            var n = 0
            for s in cell.character.unicodeScalars.prefix(4) {
                wide[n] = wchar_t(bitPattern: s.value)
                n += 1
            }
            wide[n] = 0
            var attrs = rs_attr_normal()
            let st = cell.style
            if st.bold { attrs |= base[0] }
            if st.dim { attrs |= base[1] }
            if st.reverse { attrs |= base[2] }
            if st.underline { attrs |= base[3] }
            let pair = pairFor(st)
            _ = rs_put_cell(Int32(change.y), Int32(change.x), wide, attrs, pair)
        }
        _ = refresh()
        last = buffer
    }

    /// Reads one key with `wget_wch`, waiting up to `timeout` ms (negative blocks).
    /// A terminal resize (`KEY_RESIZE`) re-queries the size and returns `.resize`.
    public func readKey(timeout: Int) -> KeyEvent? {
        guard !restored else { return nil }
        _ = rs_timeout_stdscr(Int32(clamping: timeout < 0 ? -1 : timeout))
        var wc: wint_t = 0
        let r = rs_get_wch(&wc)
        if r == ERR { return nil }
        if r == rs_key_code_yes() { return functionKey(Int32(bitPattern: UInt32(wc))) }
        return KeyEvent.fromCodePoint(UInt32(wc))
    }

    /// The first SIGINT, SIGTERM or SIGHUP received while this backend owned the terminal (see
    /// `TerminationSignals`); still set after ``restore()``.
    public var terminationRequest: Int32? {
        TerminationSignals.requested == 0 ? nil : TerminationSignals.requested
    }

    /// Clears the recorded signal, so the next SIGINT, SIGTERM or SIGHUP is recorded as a first one
    /// (not the second that restores the terminal and ends the process at once).
    public func acknowledgeTerminationRequest() {
        TerminationSignals.requested = 0
    }

    /// Ends curses (`endwin`) and removes the signal handlers; later calls do nothing.
    public func restore() {
        guard !restored else { return }
        restored = true
        _ = curs_set(1)
        _ = endwin()
        TerminationSignals.uninstall()
        CursesBackend.active = false
    }

    private func functionKey(_ code: Int32) -> KeyEvent {
        switch code {
        case rs_key_resize():
            size = TerminalSize(width: Int(rs_cols()), height: Int(rs_lines()))
            last = nil
            return .resize
        case rs_key_mouse():
            var x: Int32 = 0, y: Int32 = 0
            switch rs_get_mouse(&x, &y) {
            case 1: return .click(x: Int(x), y: Int(y))
            case 4: return .up
            case 5: return .down
            default: return .unknown(Int(code))
            }
        case rs_key_up(): return .up
        case rs_key_down(): return .down
        case rs_key_left(): return .left
        case rs_key_right(): return .right
        case rs_key_home(): return .home
        case rs_key_end(): return .end
        case rs_key_npage(): return .pageDown
        case rs_key_ppage(): return .pageUp
        case rs_key_backspace(): return .backspace
        case rs_key_enter(): return .enter
        case rs_key_btab(): return .backTab
        case rs_key_dc(): return .delete
        default:
            let f = code - rs_key_f0()
            if f >= 1 && f <= 63 { return .function(Int(f)) }
            return .unknown(Int(code))
        }
    }

    private func colorNumber(_ c: Color) -> Int {
        let n: Int
        switch colorMode {
        case .none: return -1
        case .full: n = c.paletteIndex
        case .basic: n = c.basicIndex
        }
        return n
    }

    private func pairFor(_ style: Style) -> Int32 {
        guard colorMode != .none else { return 0 }
        var fg = colorNumber(style.foreground)
        var bg = colorNumber(style.background)
        if fg < 0 && bg < 0 { return 0 }
        if !defaultColors {
            if fg < 0 { fg = 7 }
            if bg < 0 { bg = 0 }
        }
        let key = (fg + 1) * 512 + (bg + 1)
        if let p = pairs[key] { return p }
        guard nextPair < maxPairs else { return 0 }
        let p = nextPair
        guard rs_init_pair(p, Int32(fg), Int32(bg)) == OK else { return 0 }
        nextPair += 1
        pairs[key] = p
        return p
    }
}
