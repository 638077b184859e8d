import XCTest
import StrictJSON

final class JSONWriterTests: XCTestCase {
    func testCompactOutputMatchesSerdeConventions() {
        let value: JSONValue = ["b": 1, "a": [true, nil, "x"], "c": .object(JSONObject())]
        XCTAssertEqual(JSONWriter.string(value), #"{"b":1,"a":[true,null,"x"],"c":{}}"#)
    }

    func testEscaping() {
        let text = "q\"b\\s/\u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F}é😀"
        XCTAssertEqual(JSONWriter.string(.string(text)), #""q\"b\\s/\b\f\n\r\t\u0001\u001f"# + "\u{7F}é😀\"")
    }

    func testPrettyOutput() {
        let value: JSONValue = ["a": [1, 2], "b": ["c": .array([])], "d": "x"]
        let expected = """
        {
          "a": [
            1,
            2
          ],
          "b": {
            "c": []
          },
          "d": "x"
        }
        """
        XCTAssertEqual(JSONWriter.string(value, pretty: true), expected)
    }

    func testRoundTripPreservesOrderNumbersAndStrings() throws {
        let source = #"{"z":1,"a":{"n":18446744073709551615,"f":-1.50e-3,"s":"\u0000 é 😀 \"q\"","l":[[],{},null,false]},"m":9007199254740993}"#
        let parsed = try JSONParser.parse(source)
        let written = JSONWriter.string(parsed)
        XCTAssertEqual(try JSONParser.parse(written), parsed)
        XCTAssertEqual(parsed.objectValue?.keys, ["z", "a", "m"])
        XCTAssertTrue(written.contains("18446744073709551615"))
        XCTAssertTrue(written.contains("-1.50e-3"), "number literals are written as they were read")
        let pretty = JSONWriter.string(parsed, pretty: true)
        XCTAssertEqual(try JSONParser.parse(pretty), parsed)
    }

    func testRoundTripOfEveryControlCharacter() throws {
        let text = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init)))
        let written = JSONWriter.string(.string(text))
        XCTAssertFalse(written.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "no raw control characters")
        XCTAssertEqual(try JSONParser.parse(written).stringValue, text)
    }

    func testObjectEditing() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["a"] = 10
        object["c"] = 3
        XCTAssertEqual(object.keys, ["a", "b", "c"])
        XCTAssertEqual(object["a"], 10)
        object["b"] = nil
        XCTAssertEqual(object.keys, ["a", "c"])
        XCTAssertFalse(object.contains(key: "b"))
        XCTAssertEqual(JSONWriter.string(.object(object)), #"{"a":10,"c":3}"#)
    }

}
