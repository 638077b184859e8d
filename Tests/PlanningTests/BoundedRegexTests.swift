import Foundation
import Planning
import PythonOracle
import StrictJSON
import XCTest

/// ``BoundedRegex`` finds what Python's `re.search` finds, refuses what it does not run with a
/// clause naming the construct, and costs work linear in the name where a backtracking engine
/// takes exponential time.
final class BoundedRegexTests: XCTestCase {
    static let patterns = [
        "q_proj", "mlp\\.(up|down)_proj", "^model\\.layers\\.(0|31)\\.", "self_attn\\.(q|k)_proj", "layers\\.\\d+\\.",
        "layers\\.[0-9]{2}\\.", "layers\\.[0-9]{1,2}\\.mlp", "\\.(1[0-5]|[0-9])\\.", "^lm_head", "weight$", "^[^.]+\\.weight$",
        "[a-z_]+_proj\\.weight$", "h\\.\\d+\\.attn\\.c_attn", "(q|k|v)_proj|o_proj", "mlp.*proj", "^.*$", "", "x?", "a|",
        "(?:gate|up)_proj", "\\bmlp\\b", "\\Bproj", "[^a-z]", "[\\w.]+$", "\\s", "\\S+", "\\W", "\\D{3}", "[]]", "[^]a]",
        "[\\]x]", "[a\\-z]", "[-a]", "[a-]", "_(proj)+", "^(\\w+\\.?)+$",
        "e{2,}", "e{,1}t", "ye{1}", "l{0}a", "(ab|a)(bc|c)", "(.?){3}layer", "experts\\.\\d+\\.w[123]", "\\x2e0\\.", "MLP",
        "[A-Z]", "\u{00E9}", "\\d\\d", "mlp\\.gate_proj\\.weight\\Z_not", "(|q)_proj", "((a|b)*c)+", "{x", "a{2,3",
    ]
    static let names = [
        "model.layers.0.self_attn.q_proj.weight", "model.layers.31.mlp.down_proj.weight", "model.layers.12.mlp.gate_proj.weight",
        "lm_head.weight", "transformer.h.3.attn.c_attn.weight", "model.embed_tokens.weight", "", "x", "ab", "abc", "aaab",
        "xxxxxxxxxxxxxxxy", "[]", "a-z", "weight", "model.layers.7.block_sparse_moe.experts.5.w2.weight",
        "café.layers.0.weight", "ye", "eet", "et", "a{2,3", "{x", "model.layers.٣.mlp.up_proj.weight", "tab\there", "MLP.Up",
        "aaaaaaaaaaaaaaaaaaaaaaaaa", "deep.layer.0",
    ]

    /// (Catastrophic patterns stay out: Python's backtracking `re` would take hours on these names.)
    func testSearchAgreesWithPythonRe() throws {
        let patterns = Self.patterns.filter { !$0.contains("\\Z") }
        let input = JSONWriter.string(.array([.array(patterns.map { .string($0) }), .array(Self.names.map { .string($0) })]))
        let output = try PythonOracle.run("""
            import json, re, sys
            patterns, names = json.loads(sys.argv[1])
            print(json.dumps([[bool(re.search(p, n)) for n in names] for p in patterns]))
            """, [input])
        let expected = try XCTUnwrap(JSONParser.parse(Array(output.utf8)).arrayValue)
        XCTAssertEqual(expected.count, patterns.count)
        var compared = 0
        for (pattern, row) in zip(patterns, expected) {
            let regex = try BoundedRegex(pattern)
            for (name, answer) in zip(Self.names, try XCTUnwrap(row.arrayValue)) {
                let python = try XCTUnwrap(answer.boolValue)
                XCTAssertEqual(regex.matches(name), python, "pattern \(pattern) on \(name)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, patterns.count * Self.names.count)
    }

    func testUnsupportedConstructsAreNamed() {
        let cases: [(String, String)] = [
            ("(a)\\1", "backreferences"), ("(?=x)", "lookahead (?=…)"), ("(?!x)", "negative lookahead"),
            ("(?<=x)y", "lookbehind (?<=…)"), ("(?<!x)y", "negative lookbehind"), ("(?<n>x)", "named groups"),
            ("(?P<n>x)", "named groups"), ("(?i)mlp", "inline options"), ("a*+", "possessive"), ("(?>a)", "atomic groups"),
            ("\\p{L}", "Unicode property"), ("\\Amlp", "anchor \\A"), ("(", "never closed"), ("a)", "never opened"),
            ("[a", "never closed"), ("*a", "nothing to repeat"), ("a**", "follows another quantifier"), ("[z-a]", "backwards"),
            ("a{3,2}", "larger count first"), ("a{1001}", "1000"), ("\\q", "the escape \\q"), ("x\\", "lone backslash"),
            ("[[:alpha:]]", "nested classes"), ("[a&&b]", "intersection"), ("^*", "cannot be repeated"), ("\\k<n>", "backreferences"),
            ("(a{1000}){1000}", "more than 20000 states"), (String(repeating: "a", count: 1001), "at most 1000"),
        ]
        for (pattern, fragment) in cases {
            do {
                _ = try BoundedRegex(pattern)
                XCTFail("\(pattern) was accepted")
            } catch let error as BoundedRegexError {
                XCTAssertTrue(error.problem.contains(fragment), "\(pattern): \(error.problem) lacks \(fragment)")
                XCTAssertFalse(error.problem.contains("\n"), error.problem)
            } catch {
                XCTFail("\(pattern): \(error)")
            }
        }
        XCTAssertNoThrow(try BoundedRegex(String(repeating: "a", count: 1000)))
    }

    /// `^(\w+\.?)*$x` against a long name that almost matches: exponential for a backtracking
    /// engine (it pinned the explorer for over a minute), a bounded number of steps here.
    func testCatastrophicPatternsCostLinearSteps() throws {
        for (pattern, name, expected) in [
            ("^(\\w+\\.?)*$x", String(repeating: "model.layers.", count: 400), false),
            ("(a*)*b", String(repeating: "a", count: 5000), false),
            ("(x+x+)+y", String(repeating: "x", count: 5000) + "y", true),
        ] {
            let regex = try BoundedRegex(pattern)
            var budget = RegexStepBudget(steps: 100 * (name.unicodeScalars.count + 1) * 20)
            let start = Date()
            XCTAssertEqual(try regex.matches(name, budget: &budget), expected, pattern)
            XCTAssertLessThan(Date().timeIntervalSince(start), 2, pattern)
            XCTAssertGreaterThan(budget.remaining, 0)
        }
    }

    func testAnExhaustedBudgetIsAnErrorNotAnAnswer() throws {
        let regex = try BoundedRegex("(.?){900}x")
        var budget = RegexStepBudget(steps: 50_000)
        XCTAssertThrowsError(try regex.matches(String(repeating: "y", count: 2000), budget: &budget)) { error in
            XCTAssertTrue("\(error)".contains("more than 50000 steps"), "\(error)")
        }
        var enough = RegexStepBudget(steps: 10_000_000)
        XCTAssertTrue(try regex.matches(String(repeating: "y", count: 20) + "x", budget: &enough))
    }
}
