import Glibc
import Gateway

/// `--name value` options of one subcommand; anything not declared is an error, so a typo
/// fails loudly instead of being ignored.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>, allowed: Set<String>) throws(UsageError) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard name.hasPrefix("--"), allowed.contains(name) else { throw UsageError("unknown option \(argument)") }
            guard let value = inlineValue ?? iterator.next() else { throw UsageError("\(name) needs a value") }
            values[name] = value
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    func required(_ name: String) throws(UsageError) -> String {
        guard let value = values[name], !value.isEmpty else { throw UsageError("\(name) is required") }
        return value
    }

    /// The env file as an absolute path: children run it again after a reload, from anywhere.
    var envFile: String? {
        guard let path = values["--env-file"] else { return nil }
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    func loadSettings() throws -> Settings {
        try Settings.load(environment: ProcessEnvironment.current(), envFile: envFile)
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum ProcessEnvironment {
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    static func list() -> [String] {
        current().map { "\($0.key)=\($0.value)" }.sorted()
    }
}
