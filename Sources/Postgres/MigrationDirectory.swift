import Glibc
import OperatingSystem

/// Reads `*.sql` files with plain POSIX calls (the module stays free of Foundation).
enum MigrationDirectory {
    static func sqlFileNames(in directory: String) throws(MigrationError) -> [String] {
        guard let stream = opendir(directory) else {
            throw .unreadableDirectory(directory, errno: errno)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".sql"), !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    static func contents(of path: String, name: String) throws(MigrationError) -> String {
        do {
            return try FileReader.text(at: path)
        } catch .unreadable(let code) {
            throw .unreadableFile(name, errno: code)
        } catch {
            throw .unreadableFile(name, errno: EILSEQ)  // not UTF-8
        }
    }
}
