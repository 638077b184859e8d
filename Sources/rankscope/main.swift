import Foundation
import LinearAlgebra
import SafeTensors
import TerminalUI

// Entry point: parse, run, and map every failure to one sentence and an exit status
// (0 success, 1 user error, 2 usage error).
AddressSpace.shareOneMallocArenaUnderALimit()
setvbuf(stdout, nil, _IOFBF, 1 << 16)
// A bus error on a truncated mapped input restores the terminal before its one-sentence exit.
MappedFileFault.beforeExit = { TerminalRestore.restoreFromSignalHandler() }
do {
    var command = try RankscopeCommand.parseAsRoot()
    try command.run()
    try StandardOutput.finish()
    Termination.exit(0)
} catch {
    Termination.exit(for: error)
}
