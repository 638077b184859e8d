import Foundation

/// Calls a closure on Ctrl-C (SIGINT) and SIGTERM instead of dying, so long work can stop
/// cleanly and keep what it finished. ``restore()`` puts the default handling back.
final class InterruptHandler {
    private var sources: [DispatchSourceSignal] = []

    /// Installs the handler.
    init(_ action: @escaping () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: action)
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
