import XCTest
@testable import StrictJSON

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String, options: JSONParser.Options = .init()) throws -> JSONValue {
        try JSONParser.parse(text, options: options)
    }

    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        do {
            let value = try JSONParser.parse(text)
            XCTFail("expected an error, parsed \(value)", file: file, line: line)
            return nil
        } catch let error as JSONParseError {
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    func testScalarsAndContainers() throws {
        XCTAssertEqual(try parse("null"), .null)
        XCTAssertEqual(try parse(" true "), .bool(true))
        XCTAssertEqual(try parse("false"), .bool(false))
        XCTAssertEqual(try parse("\"hi\""), .string("hi"))
        XCTAssertEqual(try parse("-12.5e+3").numberValue?.text, "-12.5e+3")
        XCTAssertEqual(try parse("[1, [2], {}]"), .array([1, .array([2]), .object(JSONObject())]))
        let object = try parse("{\"b\": 1, \"a\": [true, null]}")
        XCTAssertEqual(object.objectValue?.keys, ["b", "a"])
        XCTAssertEqual(object["a"], .array([.bool(true), .null]))
        XCTAssertEqual(object["b"]?.intValue, 1)
        XCTAssertNil(object["missing"])
    }

    func testStringEscapes() throws {
        XCTAssertEqual(try parse(#""a\"b\\c\/d\b\f\n\r\t""#).stringValue, "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        XCTAssertEqual(try parse(#""\u00e9\u4E2D""#).stringValue, "é中")
        XCTAssertEqual(try parse(#""\ud83d\ude00""#).stringValue, "😀")
        XCTAssertEqual(try parse("\"é中😀\"").stringValue, "é中😀")
        XCTAssertEqual(try parse(#""\u0000""#).stringValue, "\u{0}")
    }

    func testLoneSurrogatesAreErrors() {
        XCTAssertTrue(parseError(#""\ud83d""#)?.message.contains("lone high surrogate") ?? false)
        XCTAssertTrue(parseError(#""\ude00x""#)?.message.contains("lone low surrogate") ?? false)
        XCTAssertTrue(parseError(#""\ud83d\u0041""#)?.message.contains("not followed by a low surrogate") ?? false)
    }

    func testInvalidDocuments() {
        let cases: [String] = [
            "", "   ", "{", "[1,]", "{\"a\":1,}", "[1 2]", "{'a':1}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-",
            "1e", "+1", "NaN", "Infinity", "tru", "nul", "\"abc", "\"a\u{01}b\"", "\"\\x\"", "\"\\u12G4\"",
            "[1] [2]", "{} x", "/* c */ {}", "\u{FEFF}{}", "[\"a\"\n,]",
        ]
        for text in cases {
            do {
                _ = try JSONParser.parse(text)
                XCTFail("accepted invalid document \(text.debugDescription)")
            } catch let error as JSONParseError {
                XCTAssertFalse(error.message.isEmpty)
            } catch {
                XCTFail("wrong error type for \(text.debugDescription)")
            }
        }
    }

    func testTrailingWhitespaceIsAllowed() throws {
        XCTAssertEqual(try parse("{}  \n\t\r\n  "), .object(JSONObject()))
    }

    func testErrorPositionsNameLineAndColumn() {
        let text = "{\n  \"a\": 1,\n  \"b\": 2 \"c\"\n}"
        let error = parseError(text)
        XCTAssertEqual(error?.position.line, 3)
        XCTAssertEqual(error?.position.column, 10)
        XCTAssertEqual(error?.position.offset, 21)
        XCTAssertEqual(error?.description, "line 3, column 10: expected ',' or '}' after object member.")
        let eof = parseError("[1,\n2")
        XCTAssertEqual(eof?.position.line, 2)
        XCTAssertEqual(eof?.position.column, 2)
        XCTAssertTrue(eof?.message.contains("end of input") ?? false)
    }

    func testKeyPositionsAreRecorded() throws {
        let object = try XCTUnwrap(parse("{\n  \"alpha\": 1,\n    \"beta\": {\"x\": 2}\n}").objectValue)
        XCTAssertEqual(object.members[0].position, SourcePosition(line: 2, column: 3, offset: 4))
        XCTAssertEqual(object.members[1].position, SourcePosition(line: 3, column: 5, offset: 20))
        XCTAssertEqual(object["beta"]?.objectValue?.members[0].position, SourcePosition(line: 3, column: 14, offset: 29))
    }

    func testDuplicateKeysRejectedByDefault() throws {
        let error = parseError("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}")
        XCTAssertEqual(error?.kind, .duplicateKey("a"))
        XCTAssertEqual(error?.position.line, 3)
        XCTAssertEqual(error?.position.column, 2)
        XCTAssertTrue(error?.message.contains("duplicate key \"a\"") ?? false)
        XCTAssertTrue(error?.message.contains("first at line 1, column 2") ?? false)

        // Large objects use a hash index; duplicates must still be found.
        var members = (0..<50).map { "\"k\($0)\": \($0)" }
        members.append("\"k7\": 0")
        XCTAssertEqual(parseError("{" + members.joined(separator: ",") + "}")?.kind, .duplicateKey("k7"))

        let lenient = try parse("{\"a\": 1, \"a\": 3}", options: .init(rejectDuplicateKeys: false))
        XCTAssertEqual(lenient.objectValue?.count, 2)
        XCTAssertEqual(lenient["a"]?.intValue, 3, "the last duplicate wins, as in Python and serde_json")
    }

    func testNestingDepthLimit() throws {
        let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        XCTAssertNoThrow(try parse(ok))
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        XCTAssertEqual(parseError(deep)?.kind, .nestingTooDeep)
        // Far deeper than any stack could take if the limit were missing.
        let hostile = String(repeating: "{\"a\":", count: 200_000)
        XCTAssertEqual(parseError(hostile)?.kind, .nestingTooDeep)
        XCTAssertNoThrow(try parse(deep, options: .init(maxDepth: 200)))
    }

    func testInvalidUTF8IsReportedWithPosition() {
        let cases: [([UInt8], Int)] = [
            (Array("\"ab".utf8) + [0xFF] + Array("\"".utf8), 3),  // invalid byte
            (Array("\"".utf8) + [0xC3] + Array("\"".utf8), 1),  // truncated sequence
            (Array("\"".utf8) + [0xC0, 0x80] + Array("\"".utf8), 1),  // overlong
            (Array("\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"".utf8), 1),  // encoded surrogate
            (Array("\"".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\"".utf8), 1),  // above U+10FFFF
            (Array("[1, ".utf8) + [0xFE] + Array("]".utf8), 4),  // outside a string
        ]
        for (bytes, offset) in cases {
            XCTAssertThrowsError(try JSONParser.parse(bytes)) { error in
                let error = error as? JSONParseError
                XCTAssertEqual(error?.kind, .invalidUTF8, "\(bytes)")
                XCTAssertEqual(error?.position.offset, offset, "\(bytes)")
            }
        }
    }

    func testNumbersAreExact() throws {
        let max = try XCTUnwrap(parse("18446744073709551615").numberValue)
        XCTAssertEqual(max.uint64Value, UInt64.max)
        XCTAssertNil(max.intValue)
        XCTAssertNil(try parse("18446744073709551616").numberValue?.uint64Value)
        XCTAssertEqual(try parse("9007199254740993").intValue, 9_007_199_254_740_993)
        XCTAssertNotEqual(Int(exactly: Double(9_007_199_254_740_993)), 9_007_199_254_740_993, "Double would have rounded it")
        XCTAssertEqual(try parse("-9223372036854775808").intValue, Int.min)
        XCTAssertNil(try parse("-9223372036854775809").intValue)
        XCTAssertEqual(try parse("9223372036854775807").intValue, Int.max)
        XCTAssertNil(try parse("9223372036854775808").intValue)
        XCTAssertNil(try parse("1.0").intValue, "1.0 is not an integer literal")
        XCTAssertNil(try parse("1e3").intValue, "1e3 is not an integer literal")
        XCTAssertEqual(try parse("1e3").doubleValue, 1000)
        XCTAssertEqual(try parse("-0").intValue, 0)
        XCTAssertNil(try parse("-1").numberValue?.uint64Value)
        XCTAssertEqual(try parse("0.1").doubleValue, 0.1)
        XCTAssertEqual(try parse("1e400").doubleValue, .infinity)
        XCTAssertNil(JSONNumber(text: "01"))
        XCTAssertNil(JSONNumber(text: "1."))
        XCTAssertNotNil(JSONNumber(text: "-0.5E-7"))
        XCTAssertNil(JSONNumber(Double.nan))
        XCTAssertEqual(JSONNumber(0.1)?.doubleValue, 0.1)
    }

    func testParsesFromDataLikeCollectionsAndRawBuffers() throws {
        let bytes = Array("{\"x\": [1, 2]}".utf8)
        let fromSlice = try JSONParser.parse(bytes[0...])
        let fromRaw = try bytes.withUnsafeBytes { try JSONParser.parse($0) }
        XCTAssertEqual(fromSlice, fromRaw)
        // A non-contiguous collection goes through a copy.
        let fromLazy = try JSONParser.parse(bytes.lazy.map { $0 })
        XCTAssertEqual(fromLazy, fromRaw)
    }

    func testLargeDocumentParsesQuickly() throws {
        // About 20 MB shaped like a big safetensors header.
        var text = "{"
        text.reserveCapacity(22_000_000)
        for i in 0..<200_000 {
            if i > 0 { text += "," }
            text += "\"model.layers.\(i).mlp.down_proj.weight\":{\"dtype\":\"BF16\",\"shape\":[4096,11008],\"data_offsets\":[\(i),\(i + 1)]}"
        }
        text += "}"
        let bytes = Array(text.utf8)
        let start = Date()
        let value = try JSONParser.parse(bytes)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(value.objectValue?.count, 200_000)
        XCTAssertEqual(value["model.layers.199999.mlp.down_proj.weight"]?["data_offsets"], [199_999, 200_000])
        XCTAssertLessThan(elapsed, 20, "parsing \(bytes.count) bytes took \(elapsed) s")
    }
}
