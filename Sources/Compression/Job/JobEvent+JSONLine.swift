import StrictJSON

/// The JSON-lines progress protocol of `rankscope compress --events`: one compact JSON object per
/// line on standard output, flushed as it happens, each with an `"event"` key:
///
/// | event | other keys |
/// |---|---|
/// | `started` | `layers`, `resumed` (already finished in the journal), `output` |
/// | `layer_started` | `name`, `ordinal` (position in checkpoint order, from 0) |
/// | `layer_finished` | `name`, `completed`, `total`, `measured_relative_error`, `estimated_relative_error` (or null), `measured_output_error` (`--stats` only, when the layer has statistics), `bytes`, `seconds`, `warning` (only when the measured error is far above the estimate, ``Planning/EstimateCheck``) |
/// | `writing_shard` | `name`, `index` (from 1), `count` |
/// | `finished` | `output`, `report` (path of `rankscope-report.json`), `layers`, `bytes_before` and `bytes` (input and output tensor bytes), `seconds` |
/// | `cancelled` | `message` (the process then exits 130; `--resume` continues) |
/// | `failed` | `message` (one sentence naming the file; exit status 1) |
///
/// Readers should ignore keys and events they do not know.
extension JobEvent {
    /// The event as one protocol line (without the newline).
    public var jsonLine: String {
        switch self {
        case let .started(layers, resumed, folder):
            return JobEvent.line("started", ["layers": .number(JSONNumber(layers)), "resumed": .number(JSONNumber(resumed)),
                                             "output": .string(folder)])
        case let .layerStarted(name, ordinal):
            return JobEvent.line("layer_started", ["name": .string(name), "ordinal": .number(JSONNumber(ordinal))])
        case let .layerFinished(result, completed, total):
            var fields: JSONObject = [
                "name": .string(result.name), "completed": .number(JSONNumber(completed)), "total": .number(JSONNumber(total)),
                "measured_relative_error": JobEvent.number(result.measuredRelativeError),
                "estimated_relative_error": result.estimatedRelativeError.map(JobEvent.number) ?? .null,
            ]
            if let outputError = result.measuredOutputError {
                fields.append(key: "measured_output_error", value: JobEvent.number(outputError))
            }
            fields.append(key: "bytes", value: .number(JSONNumber(result.bytesWritten)))
            fields.append(key: "seconds", value: JobEvent.number(result.seconds))
            if let warning = result.estimateWarning { fields.append(key: "warning", value: .string(warning)) }
            return JobEvent.line("layer_finished", fields)
        case let .writingShard(name, index, count):
            return JobEvent.line("writing_shard", ["name": .string(name), "index": .number(JSONNumber(index)),
                                                   "count": .number(JSONNumber(count))])
        case let .finished(report):
            return JobEvent.line("finished", [
                "output": .string(report.output), "report": .string(report.output + "/" + JobReport.fileName),
                "layers": .number(JSONNumber(report.totals.layers)),
                "bytes_before": .number(JSONNumber(report.totals.modelBytesBefore)),
                "bytes": .number(JSONNumber(report.totals.modelBytesAfter)), "seconds": JobEvent.number(report.totals.elapsedSeconds),
            ])
        }
    }

    /// The line reporting that the job stopped early: `cancelled` for ``JobError/cancelled(folder:completed:total:)``, else `failed`.
    public static func stoppedLine(_ error: Error) -> String {
        if case JobError.cancelled = error { return line("cancelled", ["message": .string(String(describing: error))]) }
        return line("failed", ["message": .string(String(describing: error))])
    }

    private static func line(_ event: String, _ fields: JSONObject) -> String {
        var object: JSONObject = ["event": .string(event)]
        for member in fields { object.append(member) }
        return JSONWriter.string(.object(object))
    }

    private static func number(_ value: Double) -> JSONValue {
        JSONNumber(value).map(JSONValue.number) ?? .null
    }
}
