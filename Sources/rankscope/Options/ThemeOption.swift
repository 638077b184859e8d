import ArgumentParser
import Foundation
import TerminalUI

/// `--theme NAME|PATH` for the commands that open the explorer.
///
/// Without the flag, `theme = NAME|PATH` in the config file (`$XDG_CONFIG_HOME/rankscope/config`,
/// default `~/.config/rankscope/config`) chooses; without either, `default`. Names are looked up
/// as `NAME.theme` in `./Themes`, the repository's `Themes/` above the binary, and
/// `<prefix>/share/rankscope/Themes`; `default` is built in. `NO_COLOR` still turns colours off.
struct ThemeOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Colour theme: default, light, high-contrast, mono, or the path of a .theme file.",
        discussion: "Without it, theme = NAME in $XDG_CONFIG_HOME/rankscope/config (or ~/.config/rankscope/config) chooses.",
        valueName: "name|path"))
    var theme: String?

    /// The chosen theme.
    /// - Throws: `ThemeError` naming the theme or config file (and line) that is wrong.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Theme {
        let config = try RankscopeConfig.defaultPath(environment: environment).flatMap(RankscopeConfig.load(path:))
        return try ThemeLocator.standard().choose(flag: theme, config: config)
    }
}
