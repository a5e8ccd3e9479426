/// A JSON document as a value type.
///
/// Objects keep their members in order (answers read the way the contract writes them), and
/// integers stay integers: `.int` for numbers written without fraction or exponent that fit in
/// `Int`, `.double` for every other number.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// An ordered JSON object.
///
/// Request and answer objects have a handful of members, found by a linear scan; an object that
/// grows past `indexedFrom` members also keeps their positions by key, so that building one from
/// a hostile body of thousands of keys (duplicates resolved on every insert) stays linear.
public struct JSONObject: Equatable, Sendable, Sequence {
    public private(set) var members: [(key: String, value: JSONValue)]
    /// Positions of `members` by key; nil while the object is small.
    private var positions: [String: Int]?

    /// A Tailscale device object has about 25 members, parsed on every inventory lookup: a scan
    /// of that many short keys costs less than hashing each (16 cost a device parse 14 % more
    /// instructions, by callgrind).
    static let indexedFrom = 32

    public init() { members = [] }

    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        for (key, value) in members { self[key] = value }
    }

    /// The value for `key`, or nil. Setting nil removes the key; setting a present key replaces
    /// it in place (so a duplicate key in a document means the last one wins, as in JavaScript).
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if positions != nil, let value = newValue {
                // One hash for the common case, a new key: it claims the next position, which
                // is given back when the key was there already.
                if let existing = positions!.updateValue(members.count, forKey: key) {
                    positions![key] = existing
                    members[existing].value = value
                } else {
                    members.append((key, value))
                }
                return
            }
            switch (position(of: key), newValue) {
            case let (index?, value?): members[index].value = value
            case let (index?, nil):
                members.remove(at: index)
                if positions != nil { reindex() }
            case let (nil, value?):
                members.append((key, value))
                if members.count >= Self.indexedFrom { reindex() }
            case (nil, nil): break
            }
        }
    }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return members.firstIndex { $0.key == key }
    }

    private mutating func reindex() {
        var positions = [String: Int](minimumCapacity: members.count)
        for (index, member) in members.enumerated() { positions[member.key] = index }
        self.positions = positions
    }

    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }
}

extension JSONValue {
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var isNull: Bool { self == .null }

    /// The number as an `Int` when it is integral (also for a `.double` such as 3.0).
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Member lookup on an object; nil for any other kind of value.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue {
    /// `.string(s)` or `.null` when s is nil: for optional columns in answers.
    public static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
}
