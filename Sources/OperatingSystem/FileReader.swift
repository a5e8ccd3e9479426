import Glibc

/// Reads small files whole with plain POSIX calls (no module loads Foundation: every worker is
/// a process of its own and its memory counts).
public enum FileReader {
    public enum Failure: Error, Equatable {
        /// open or read failed with this errno.
        case unreadable(errno: Int32)
        /// Longer than the caller's limit.
        case tooLarge
        /// Not UTF-8 (for `text`).
        case notText
    }

    public static func bytes(at path: String, limit: Int = .max) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(errno: errno) }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(errno: errno)
            }
            contents += chunk[..<count]
            guard contents.count <= limit else { throw .tooLarge }
        }
    }

    public static func text(at path: String, limit: Int = .max) throws(Failure) -> String {
        guard let text = String(validating: try bytes(at: path, limit: limit), as: UTF8.self) else { throw .notText }
        return text
    }
}
