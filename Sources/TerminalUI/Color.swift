/// A terminal colour: the terminal's own default, one of the eight basic curses colours,
/// or an index into the 256-colour xterm palette.
///
/// Backends that cannot show 256 colours map `.indexed` to the nearest basic colour;
/// with `NO_COLOR` set they drop colours entirely.
public enum Color: Hashable, Sendable {
    /// The terminal's default foreground or background (curses colour -1).
    case `default`
    /// Basic colour 0.
    case black
    /// Basic colour 1.
    case red
    /// Basic colour 2.
    case green
    /// Basic colour 3.
    case yellow
    /// Basic colour 4.
    case blue
    /// Basic colour 5.
    case magenta
    /// Basic colour 6.
    case cyan
    /// Basic colour 7.
    case white
    /// A 256-colour palette index (0–15 are the basic and bright colours).
    case indexed(UInt8)

    /// The eight basic colours in curses order (index = curses colour number).
    public static let basic: [Color] = [.black, .red, .green, .yellow, .blue, .magenta, .cyan, .white]

    /// The names accepted by `init?(name:)` for the basic colours, in curses order.
    public static let basicNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses a colour as written in theme files: `default`, one of the eight basic names
    /// (case-insensitive), or a palette index `0`–`255`. Returns nil for anything else.
    public init?(name: String) {
        let text = name.lowercased()
        if text == "default" { self = .default; return }
        if let i = Color.basicNames.firstIndex(of: text) { self = Color.basic[i]; return }
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), text.count <= 3,
           let n = Int(text), n <= 255 {
            self = .indexed(UInt8(n))
            return
        }
        return nil
    }

    /// The 256-colour palette number of this colour, or -1 for `.default`.
    public var paletteIndex: Int {
        switch self {
        case .default: return -1
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        case .indexed(let n): return Int(n)
        }
    }

    /// The nearest of the eight basic colours as a curses colour number (0–7), or -1 for `.default`.
    ///
    /// Bright colours 8–15 map to their dim counterparts; the 6×6×6 cube and the grey ramp
    /// map by thresholding each channel at half intensity.
    public var basicIndex: Int {
        let n = paletteIndex
        if n < 0 { return -1 }
        if n < 8 { return n }
        if n < 16 { return n - 8 }
        if n < 232 {
            let c = n - 16
            let r = c / 36, g = (c / 6) % 6, b = c % 6
            return (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
        }
        return n < 244 ? 0 : 7
    }
}
