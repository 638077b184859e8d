extension GGUFValue {
    /// The fixed-size value of `type` whose little-endian bits are `raw`.
    static func scalar(_ type: GGUFValueType, raw: UInt64) -> GGUFValue? {
        switch type {
        case .uint8: return .uint8(UInt8(truncatingIfNeeded: raw))
        case .int8: return .int8(Int8(truncatingIfNeeded: raw))
        case .uint16: return .uint16(UInt16(truncatingIfNeeded: raw))
        case .int16: return .int16(Int16(truncatingIfNeeded: raw))
        case .uint32: return .uint32(UInt32(truncatingIfNeeded: raw))
        case .int32: return .int32(Int32(truncatingIfNeeded: raw))
        case .uint64: return .uint64(raw)
        case .int64: return .int64(Int64(bitPattern: raw))
        case .float32: return .float32(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
        case .float64: return .float64(Double(bitPattern: raw))
        case .bool: return .bool(raw != 0)
        case .string, .array: return nil
        }
    }
}
