import VaultCrypto
/// One SQL file from the migrations directory.
public struct Migration: Equatable, Sendable {
    /// The file name, e.g. `001_portal_tables.sql`; applied in name order.
    public let name: String
    public let sql: String
    /// SHA-256 hex of the file text, recorded when applied to detect later edits.
    public let checksum: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
        self.checksum = Digest.sha256Hex(sql)
    }
}

public struct MigrationError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// An applied file was edited afterwards: the database no longer matches the file.
        case changedAfterApply
        case unreadableDirectory
        case unreadableFile
        /// The server rejected the file; nothing of it was applied.
        case failed
    }

    public let kind: Kind
    /// The migration file name (or the directory path for `unreadableDirectory`).
    public let name: String
    /// Details for the log (the server's message for `failed`).
    public let message: String

    public static func changedAfterApply(_ name: String) -> MigrationError {
        MigrationError(kind: .changedAfterApply, name: name, message: "checksum differs from the one recorded when it was applied")
    }

    public static func unreadableDirectory(_ path: String, errno code: Int32) -> MigrationError {
        MigrationError(kind: .unreadableDirectory, name: path, message: "cannot read directory (errno \(code))")
    }

    public static func unreadableFile(_ name: String, errno code: Int32) -> MigrationError {
        MigrationError(kind: .unreadableFile, name: name, message: "cannot read file (errno \(code))")
    }

    public static func failed(_ name: String, _ message: String) -> MigrationError {
        MigrationError(kind: .failed, name: name, message: message)
    }

    public var description: String {
        "migration \(name): \(kind): \(message)"
    }
}
