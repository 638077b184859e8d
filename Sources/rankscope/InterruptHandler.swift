import Foundation

/// Calls a closure on Ctrl-C (SIGINT) and SIGTERM instead of dying, so long work can stop
/// cleanly and keep what it finished. A second signal while the first is being honoured exits at
/// once with status 130 (for work stuck in a call that cannot be cancelled), as most command-line
/// tools do. ``restore()`` puts the default handling back.
final class InterruptHandler {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var signalsReceived = 0

    /// Installs the handler.
    init(_ action: @escaping () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [unowned self] in
                lock.lock()
                signalsReceived += 1
                let count = signalsReceived
                lock.unlock()
                if count == 1 { return action() }
                FileHandle.standardError.write(Data("rankscope: interrupted again; stopping now without waiting for the work in progress.\n".utf8))
                _exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores default signal handling.
    func restore() {
        for source in sources { source.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
