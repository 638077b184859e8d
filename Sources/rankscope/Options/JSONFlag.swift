import ArgumentParser

/// `--json`, for every command that can print its result as one JSON document instead of a
/// table (`inspect`, `spectra`, `plan`, `compress`, `merge`, `eval`). The documents are
/// described in docs/, one page per command, and written by ``JSONOutput``.
struct JSONFlag: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print one JSON document on standard output instead of the table (its keys are described in docs/, on the command's page).")
    var isOn = false
}
