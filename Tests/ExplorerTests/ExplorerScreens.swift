import Explorer
import TerminalUI
import XCTest

/// Helpers for snapshot tests: type scripted keys, cut the layer pane out of the screen.
enum ExplorerScreens {
    /// Feeds `keys` to `app` one by one (each redraws).
    static func type(_ app: ExplorerApp, _ keys: [KeyEvent]) {
        for key in keys { app.handle(key) }
    }

    /// Feeds each character of `text` as a key.
    static func type(_ app: ExplorerApp, text: String) {
        type(app, text.map { KeyEvent.character($0) })
    }

    /// The screen's lines cut to the layer pane (the left `width` columns), trailing spaces trimmed.
    static func tablePane(_ backend: InMemoryBackend, width: Int) -> [String] {
        backend.lines().map { line in
            var cut = String(line.prefix(width))
            while cut.hasSuffix(" ") { cut.removeLast() }
            return cut
        }
    }
}
