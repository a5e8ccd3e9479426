@testable import JSON

/// Any bytes: the parser either refuses them with a `JSONParseError` or returns a value that
/// serializes to a fixed point (parse, serialize, parse again, serialize: the same bytes), and
/// every object's index agrees with its members. A bound on the values refuses the document or
/// gives the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let bounded = try? JSONParser.parse(input, maxValues: size % 64)
    guard let value = try? JSONParser.parse(input) else {
        guard bounded == nil else { fatalError("a bound on the values let an invalid document through") }
        return 0
    }
    guard bounded == nil || bounded == value else { fatalError("a bound on the values changed the value") }
    checkObjects(value)
    let serialized = value.serializedBytes()
    guard let reparsed = try? JSONParser.parse(serialized) else {
        fatalError("the serializer wrote JSON its own parser refuses")
    }
    guard reparsed.serializedBytes() == serialized else { fatalError("serialization is not a fixed point") }
    return 0
}

/// Each key once, found where it stands (the index of large objects and the scan of small ones).
private func checkObjects(_ value: JSONValue) {
    switch value {
    case .object(let object):
        for (position, member) in object.members.enumerated() {
            guard object[member.key] == member.value,
                  object.members.firstIndex(where: { $0.key == member.key }) == position
            else { fatalError("object lookup disagrees with its members") }
            checkObjects(member.value)
        }
    case .array(let elements):
        elements.forEach(checkObjects)
    default:
        break
    }
}
