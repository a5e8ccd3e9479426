@testable import JSON

/// Any bytes: the parser either refuses them with a `JSONParseError` or returns a value that
/// serializes to a fixed point (parse, serialize, parse again, serialize: the same bytes), and
/// every object's index agrees with its members.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(input) else { return 0 }
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
