#if FUZZING
/// libFuzzer's driver (in `libclang_rt.fuzzer`), which parses the fuzzing flags and runs the loop.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The executable's entry point in a fuzzing build. SwiftPM links every executable with `main`
/// aliased to `<Module>_main`, which keeps libFuzzer's own `main` out; this hands control to
/// libFuzzer's driver instead, with the same arguments (`-max_total_time=60`, corpus folders, …).
@_cdecl("RankscopeFuzz_main")
func rankscopeFuzzMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in rankscopeFuzzOneInput(data, size) }
}
#endif
