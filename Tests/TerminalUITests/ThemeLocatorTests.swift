import XCTest
import TerminalUI

final class ThemeLocatorTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "rankscope-themes-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder + "/Themes", withIntermediateDirectories: true)
        try "accent = red\n".write(toFile: folder + "/Themes/warm.theme", atomically: true, encoding: .utf8)
        try "accent = blue\n".write(toFile: folder + "/Themes/default.theme", atomically: true, encoding: .utf8)
        try "accent = green\n\nbad line\n".write(toFile: folder + "/broken.theme", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testNamesPathsAndTheEmbeddedDefault() throws {
        let locator = ThemeLocator(directories: [folder + "/Themes"])
        XCTAssertEqual(try locator.theme("warm")["accent"], .red)
        XCTAssertEqual(try locator.theme("default")["accent"], .blue)  // a folder's default wins
        XCTAssertEqual(try locator.theme(folder + "/Themes/warm.theme")["accent"], .red)
        XCTAssertEqual(try locator.theme("Themes/warm.theme", relativeTo: folder)["accent"], .red)
        XCTAssertEqual(try ThemeLocator(directories: []).theme("default"), .builtInDefault)
        XCTAssertEqual(locator.availableNames(), ["default", "warm"])
    }

    func testUnknownNameListsWhereItLookedAndWhatExists() {
        let locator = ThemeLocator(directories: [folder + "/Themes"])
        XCTAssertThrowsError(try locator.theme("nope")) { error in
            XCTAssertEqual("\(error)", "no theme named \"nope\" (looked in \(folder)/Themes; available: default, warm);"
                           + " give a name or the path of a .theme file")
        }
    }

    func testBadThemeFileNamesFileAndLine() {
        XCTAssertThrowsError(try ThemeLocator(directories: []).theme(folder + "/broken.theme")) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(folder)/broken.theme:3: "), "\(error)")
        }
    }

    func testFlagBeatsConfigWhichBeatsDefault() throws {
        let locator = ThemeLocator(directories: [folder + "/Themes"])
        let config = try RankscopeConfig(text: "# mine\ntheme = warm\nother = 1\n", path: folder + "/config")
        XCTAssertEqual(config.theme, RankscopeConfig.Setting(value: "warm", line: 2))
        XCTAssertEqual(try locator.choose(flag: nil, config: config)["accent"], .red)
        XCTAssertEqual(try locator.choose(flag: "default", config: config)["accent"], .blue)
        XCTAssertEqual(try locator.choose(flag: nil, config: nil)["accent"], .blue)
        // A relative path in the config starts at the config's folder.
        let relative = try RankscopeConfig(text: "theme = Themes/warm.theme", path: folder + "/config")
        XCTAssertEqual(try locator.choose(flag: nil, config: relative)["accent"], .red)
    }

    func testConfigErrorsNameTheConfigLine() throws {
        let locator = ThemeLocator(directories: [folder + "/Themes"])
        let config = try RankscopeConfig(text: "\ntheme = nope\n", path: "/home/u/.config/rankscope/config")
        XCTAssertThrowsError(try locator.choose(flag: nil, config: config)) { error in
            XCTAssertTrue("\(error)".hasPrefix("/home/u/.config/rankscope/config:2: no theme named \"nope\""), "\(error)")
        }
        XCTAssertThrowsError(try RankscopeConfig(text: "theme\n", path: "cfg")) { error in
            XCTAssertEqual(error as? ThemeError, .malformedLine(file: "cfg", line: 1, reason: "expected \"key = value\", found \"theme\""))
        }
        XCTAssertThrowsError(try RankscopeConfig(text: "a = 1\ntheme =\n", path: "cfg")) { error in
            XCTAssertTrue("\(error)".hasPrefix("cfg:2: "), "\(error)")
        }
    }

    func testConfigPathAndMissingFile() throws {
        XCTAssertEqual(RankscopeConfig.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]), "/x/rankscope/config")
        XCTAssertEqual(RankscopeConfig.defaultPath(environment: ["HOME": "/h"]), "/h/.config/rankscope/config")
        XCTAssertNil(RankscopeConfig.defaultPath(environment: [:]))
        XCTAssertNil(try RankscopeConfig.load(path: folder + "/no-config"))
        try "theme = warm\n".write(toFile: folder + "/config", atomically: true, encoding: .utf8)
        XCTAssertEqual(try RankscopeConfig.load(path: folder + "/config")?.theme?.value, "warm")
    }

    func testStandardFoldersFindTheRepositoryThemesFromABuildFolder() {
        let repo = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        // From a working directory without Themes/, so only the walk up from the executable finds it.
        let saved = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath("/"))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        let locator = ThemeLocator.standard(executablePath: repo + "/.build/debug/rankscope")
        let themes = URL(fileURLWithPath: repo + "/Themes").resolvingSymlinksInPath().path
        XCTAssertEqual(locator.directories, [themes])
        XCTAssertTrue(Set(locator.availableNames()).isSuperset(of: ["default", "light", "high-contrast", "mono"]))
    }
}
