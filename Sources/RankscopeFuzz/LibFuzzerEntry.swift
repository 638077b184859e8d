import FuzzTargets

/// libFuzzer's entry point: called once per generated input. Built with
/// `-sanitize=fuzzer` (see `scripts/fuzz`), libFuzzer supplies `main` and drives this function.
@_cdecl("LLVMFuzzerTestOneInput")
public func rankscopeFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else {
        ParserFuzzTarget.exercise(UnsafeRawBufferPointer(start: nil, count: 0))
        return 0
    }
    ParserFuzzTarget.exercise(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
