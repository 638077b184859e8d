import LinearAlgebra

/// One piece of work of a run: a request's partial estimate or its exact spectrum, read from the
/// checkpoint's bytes by the kind's ``SpectrumMethod``, every problem turned into the matrix's
/// failure event.
extension SpectrumEngine {
    /// What one piece of work produced: its event, the values to cache (exact spectra only) and
    /// the flops spent.
    typealias Outcome = (event: Event, values: SpectrumValues?, flops: Double)

    /// The leading values `request`'s estimate computes, nil when it gets none
    /// (``SpectrumMethod/estimateLeading(rows:columns:)``).
    func estimateLeading(_ request: SpectrumRequest) -> Int? {
        guard request.entry.hasSpectrum, let shape = request.entry.matrixShape, let method = methods[request.kind] else { return nil }
        return method.estimateLeading(rows: shape.rows, columns: shape.columns)
    }

    /// The event for one request's estimate and the flops spent (nothing to cache); nil when the
    /// run was cancelled while computing it.
    func estimate(_ request: SpectrumRequest) -> Outcome? {
        guard let leading = estimateLeading(request) else { return analyse(request) }
        return compute(request) { method, source, name, isCancelled in
            guard let estimate = try method.estimate(source, leading: leading, tensorName: name, isCancelled: isCancelled) else {
                throw SpectrumError(tensorName: name, problem: "has no \(request.kind.name) estimate")
            }
            let spectrum = Spectrum(tensorName: name, rows: source.rows, columns: source.columns, estimate: estimate)
            return (.estimated(spectrum), nil, SpectrumEstimate.estimateFlops(rows: source.rows, columns: source.columns, leading: leading))
        }
    }

    /// The event for one request's exact spectrum, with the values to cache and the flops spent;
    /// nil when the run was cancelled while computing it.
    func analyse(_ request: SpectrumRequest) -> Outcome? {
        compute(request) { method, source, name, isCancelled in
            let values = try method.compute(source, tensorName: name, isCancelled: isCancelled)
            let spectrum = Spectrum(tensorName: name, rows: source.rows, columns: source.columns, singularValues: values.singularValues)
            return (.finished(spectrum, fromCache: false), values, method.flops(rows: source.rows, columns: source.columns))
        }
    }

    /// Runs `work` with `request`'s method on its matrix, turning every problem into the matrix's
    /// failure event; nil when cancelled. An empty matrix has an empty exact spectrum.
    func compute(_ request: SpectrumRequest,
                 _ work: (any SpectrumMethod, MatrixSource, String, @escaping () -> Bool) throws -> Outcome) -> Outcome? {
        let entry = request.entry, name = entry.info.name
        func failure(_ problem: String) -> Outcome {
            (.failed(SpectrumError(tensorName: name, problem: problem)), nil, 0)
        }
        guard let method = methods[request.kind] else {
            return failure("has no \(request.kind.name) spectrum here: computing one needs activation statistics")
        }
        guard entry.hasSpectrum, let shape = entry.matrixShape, let format = ScalarFormat(entry.info.dtype) else {
            return failure("is a \(entry.tensor.typeName) tensor of shape \(entry.info.shape), not a floating-point matrix, so it has no spectrum")
        }
        do {
            return try checkpoint.withBytes(of: entry.tensor) { bytes in
                guard let base = bytes.baseAddress, shape.rows > 0, shape.columns > 0 else {
                    let empty = Spectrum(tensorName: name, rows: shape.rows, columns: shape.columns, singularValues: [])
                    return (.finished(empty, fromCache: false), SpectrumValues(singularValues: []), 0)
                }
                let source = MatrixSource(base: base, rows: shape.rows, columns: shape.columns, format: format)
                return try work(method, source, name, { [cancellation] in cancellation.isCancelled })
            }
        } catch LinearAlgebraError.cancelled {
            return nil
        } catch let error as SpectrumError {
            return (.failed(error), nil, 0)
        } catch let error as LinearAlgebraError {
            return failure(error.description)
        } catch {
            return failure(String(describing: error))
        }
    }
}
