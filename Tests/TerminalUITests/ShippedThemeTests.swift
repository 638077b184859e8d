import XCTest
import TerminalUI

/// The files in `Themes/` and the copy of the default compiled into the binary.
final class ShippedThemeTests: XCTestCase {
    static let themesFolder = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        .joined(separator: "/") + "/Themes"
    static let shipped = ["default", "light", "high-contrast", "mono"]

    func testEveryShippedThemeLoadsAndDefinesEveryDefaultKey() throws {
        let defaultKeys = Set(try Theme.load(path: Self.themesFolder + "/default.theme").styles.keys)
        XCTAssertTrue(defaultKeys.isSuperset(of: ["foreground", "chart.line", "chart.energy", "chart.rank", "marker.r90",
                                                  "marker.r99", "marker.r999", "marker.breakeven", "heat.1", "bar.dense"]))
        for name in Self.shipped {
            let theme = try Theme.load(path: Self.themesFolder + "/\(name).theme")
            // Numbered keys (series, heat ramp) may have fewer steps; every other key is required.
            let required = defaultKeys.filter { !$0.hasPrefix("chart.series.") && !$0.hasPrefix("heat.") } + ["chart.series.1", "heat.1"]
            for key in required { XCTAssertNotNil(theme.styles[key], "\(name).theme lacks \(key)") }
        }
    }

    func testMonoThemeUsesNoColours() throws {
        let theme = try Theme.load(path: Self.themesFolder + "/mono.theme")
        for (key, style) in theme.styles {
            XCTAssertEqual(style.foreground, .default, key)
            XCTAssertEqual(style.background, .default, key)
        }
    }

    func testBuiltInDefaultIsTheShippedFile() throws {
        let file = try Theme.load(path: Self.themesFolder + "/default.theme")
        XCTAssertEqual(Theme.builtInDefault, file)
        let text = try String(contentsOfFile: Self.themesFolder + "/default.theme", encoding: .utf8)
        XCTAssertEqual(Theme.builtInDefaultText, text, "update Theme+BuiltIn.swift after editing Themes/default.theme")
    }
}
